import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ARGUMENT_COSTED_FIELDS, FIELD_COSTS, variablesCanChangeCost } from '../../../src/api/query-limits';

describe('operation costs kept per document', () => {
  it('every field cost outside ARGUMENT_COSTED_FIELDS ignores its arguments (what makes keeping a cost per document sound)', () => {
    const plain = {};
    const loaded = { first: 500, input: { niks: Array.from({ length: 5_000 }, () => '3171010101900001') }, niks: ['x'], groupBy: ['WAVE'], filter: { wave: [1] } };
    for (const [name, cost] of Object.entries(FIELD_COSTS)) {
      const field = name.split('.')[1]!;
      if (ARGUMENT_COSTED_FIELDS.has(field)) {
        expect(cost(loaded, 3), name).not.toBe(cost(plain, 3));
      } else {
        expect(cost(loaded, 3), name).toBe(cost(plain, 3));
      }
    }
  });

  it.each([
    ['a reveal: variables reach only uncosted arguments', 'mutation R($id: ID!, $p: String!) { reveal(subjectId: $id, fields: [FULL_NAME], purpose: $p) { fullName } }', false],
    ['a count table with grouped and filtered variables', 'query C($g: [Dimension!], $f: CountFilter) { accountability(groupBy: $g, filter: $f) { total cells { count } } }', false],
    ['a page size from a variable', 'query S($n: Int) { subjects(first: $n) { edges { node { id } } } }', true],
    ['a page size from a variable inside a fragment', 'query S($n: Int) { ...F } fragment F on Query { accessLog(first: $n) { edges { node { seq } } } }', true],
    ['a list length from a variable nested in an input object', 'mutation L($niks: [String!]!) { appendScreeningList(listId: "1", input: { niks: $niks }) { received } }', true],
    ['a selection included through a variable', 'query S($x: Boolean!) { me { sub roles @include(if: $x) } }', true],
    ['no variables at all', '{ subjects(first: 10) { edges { node { id } } } }', false],
  ])('variablesCanChangeCost: %s', (_name, source, expected) => {
    expect(variablesCanChangeCost(parse(source))).toBe(expected);
  });
});
