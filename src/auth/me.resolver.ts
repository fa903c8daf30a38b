import { Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../context';
import { PrincipalType } from './principal.type';

@Resolver()
export class MeResolver {
  @Authorized()
  @Query(() => PrincipalType, { description: 'The authenticated principal. Any valid token, even one with no roles.' })
  me(@Ctx() { principal }: RequestContext): PrincipalType {
    return Object.assign(new PrincipalType(), { sub: principal!.sub, roles: [...principal!.roles], agency: principal!.agency });
  }
}
