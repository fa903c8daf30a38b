import { GraphQLError, GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { COMPILE_AFTER, compiledExecution } from '../../../src/api/compiled-execution';

const Cell = new GraphQLObjectType({ name: 'Cell', fields: { wave: { type: GraphQLInt }, count: { type: GraphQLInt } } });
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      cells: {
        type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(Cell))),
        args: { n: { type: new GraphQLNonNull(GraphQLInt) } },
        resolve: (_root, { n }: { n: number }, context: { calls: number }) => {
          context.calls += 1;
          return Array.from({ length: n }, (_, i) => ({ wave: i + 1, count: (i + 1) * 10 }));
        },
      },
      refused: { type: GraphQLString, resolve: () => Promise.reject(new GraphQLError('no', { extensions: { code: 'FORBIDDEN' } })) },
      broken: { type: GraphQLString, resolve: () => Promise.reject(new Error('db down')) },
    },
  }),
});

async function setup() {
  const gateway = compiledExecution(schema);
  const { executor } = await gateway.load({ apollo: {} as never });
  const run = (source: string, variables: Record<string, unknown> = {}, operationName?: string) => {
    const document = parse(source);
    const operation = document.definitions.find((d) => d.kind === 'OperationDefinition' && (!operationName || d.name?.value === operationName));
    return executor!({
      document,
      operation,
      operationName: operationName ?? null,
      queryHash: source,
      request: { query: source, variables, operationName },
      context: { calls: 0 },
    } as never);
  };
  return { gateway, run };
}

describe('compiledExecution', () => {
  it(`interprets an operation ${COMPILE_AFTER - 1} time(s), then compiles it once and answers the same`, async () => {
    const { gateway, run } = await setup();
    const source = 'query Cells($n: Int!) { cells(n: $n) { wave count } }';
    const answers = [];
    for (let i = 0; i < COMPILE_AFTER + 2; i++) {
      answers.push(await run(source, { n: 3 }));
      expect(gateway.compiledOperations).toBe(i + 1 >= COMPILE_AFTER ? 1 : 0);
    }
    for (const answer of answers) expect(answer).toEqual({ data: { cells: [{ wave: 1, count: 10 }, { wave: 2, count: 20 }, { wave: 3, count: 30 }] } });
  });

  it('fails bad variables compiled exactly as graphql-js does', async () => {
    const { run } = await setup();
    const source = 'query Cells($n: Int!) { cells(n: $n) { wave } }';
    const answers = [];
    for (let i = 0; i < COMPILE_AFTER + 1; i++) answers.push(await run(source, { n: 'many' }));
    for (const answer of answers) {
      expect(answer.errors).toHaveLength(1);
      expect(answer.errors![0]!.message).toBe(answers[0]!.errors![0]!.message);
      expect(answer.errors![0]!.nodes?.[0]?.kind).toBe('VariableDefinition');
      expect(answer.data).toBeUndefined();
    }
  });

  it('gives resolver errors as graphql-js errors with path, locations and the original extensions', async () => {
    const { run } = await setup();
    for (let i = 0; i < COMPILE_AFTER + 1; i++) {
      const refused = await run('{ refused }');
      expect(refused.errors![0]).toBeInstanceOf(GraphQLError);
      expect(refused.errors![0]!.toJSON()).toEqual({ message: 'no', locations: [{ line: 1, column: 3 }], path: ['refused'], extensions: { code: 'FORBIDDEN' } });
      const broken = await run('{ broken }');
      expect(broken.errors![0]!.extensions).toEqual({});
      expect(broken.errors![0]!.path).toEqual(['broken']);
      expect(broken.errors![0]!.originalError?.message).toBe('db down');
    }
  });

  it('leaves an unknown operation name to graphql-js, which reports it', async () => {
    const { gateway, run } = await setup();
    for (let i = 0; i < COMPILE_AFTER + 1; i++) {
      const answer = await run('query A { refused }', {}, 'B');
      expect(answer.errors?.[0]?.message).toBe('Unknown operation named "B".');
    }
    expect(gateway.compiledOperations).toBe(0);
  });
});
