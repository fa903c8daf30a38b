import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchemaSync, UseMiddleware, type NonEmptyArray } from 'type-graphql';
import { AccountabilityResolver } from '../accountability/accountability.resolver';
import { AccessLogResolver } from '../access-log/access-log.resolver';
import { roleAuthChecker } from '../auth/auth-checker';
import { MeResolver } from '../auth/me.resolver';
import { ErasureResolver } from '../erasure/erasure.resolver';
import { inputHygiene } from './input-hygiene';
import { personalDataGuard } from './personal-data-guard';
import { RegistrationResolver } from '../registration/registration.resolver';
import { WaveResolver } from '../registration/wave.resolver';
import { RevealResolver } from '../reveal/reveal.resolver';
import { ScreeningResolver } from '../screening/screening.resolver';
import { SubjectsResolver } from '../subjects/subjects.resolver';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const RESOLVERS: NonEmptyArray<Function> = [MeResolver, WaveResolver, RegistrationResolver, SubjectsResolver, RevealResolver, AccessLogResolver, AccountabilityResolver, ErasureResolver, ScreeningResolver];

// The request guards (per-principal budget for personal-data operations, argument hygiene) wrap the
// resolvers' own fields — queries, mutations and field resolvers — after the role check. Not as
// type-graphql global middlewares: those would wrap every field of every object too, making each
// of a count table's thousands of scalar fields an async middleware chain (measured: 2-D tables
// 20× slower).
for (const resolver of RESOLVERS) UseMiddleware(personalDataGuard, inputHygiene)(resolver);

export const SCHEMA_HEADER =
  '# GENERATED FILE — do not edit. Produced from the code in src/ by `npm run schema`;\n' +
  '# test/unit/schema-drift.test.ts fails when it differs from what the code builds.\n\n';

let cached: GraphQLSchema | undefined;

/** The executable schema, built once from the resolver classes (code first). */
export function buildSamaranSchema(): GraphQLSchema {
  cached ??= buildSchemaSync({ resolvers: RESOLVERS, authChecker: roleAuthChecker, validate: false });
  return cached;
}

/** The committed `schema.graphql` text: header plus the sorted SDL. */
export function printSamaranSchema(): string {
  return SCHEMA_HEADER + printSchema(lexicographicSortSchema(buildSamaranSchema())) + '\n';
}
