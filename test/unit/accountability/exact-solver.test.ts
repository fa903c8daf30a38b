import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SuppressionCell } from '../../../src/accountability/suppression';
import { recoverableCells } from './exact-solver';

/**
 * The oracle of the disclosure-control properties checked against plain enumeration: every integer
 * assignment of the hidden cells (present cells ≥ 1, small ones ≤ k − 1, none above a published sum
 * it is in) that meets every published sum, pruned as soon as a sum is exceeded or completed wrong.
 */
function enumerated(cells: readonly SuppressionCell[], k: number, hidden: readonly boolean[], totalSuppressed: boolean): number[] {
  const dims = cells[0]?.key.length ?? 0;
  const lines = new Map<string, number[]>();
  cells.forEach((cell, i) => {
    for (let d = 0; d < dims; d++) {
      const id = `${d}|${cell.key.map((v, j) => (j === d ? '*' : v)).join('/')}`;
      lines.set(id, [...(lines.get(id) ?? []), i]);
    }
  });
  const sums: Array<[number[], number]> = [];
  for (const members of lines.values()) {
    const total = members.reduce((s, i) => s + cells[i]!.count, 0);
    if (total >= k) sums.push([members, total]);
  }
  if (!totalSuppressed) sums.push([cells.map((_, i) => i), cells.reduce((s, c) => s + c.count, 0)]);
  const open = cells.map((_, i) => i).filter((i) => hidden[i]);
  const position = new Map(open.map((i, j) => [i, j]));
  // A hidden cell is at most the smallest published sum it is in (every other member is ≥ 1); one
  // in no published sum is unbounded, and two values show that.
  const cap = (i: number) => Math.min(cells[i]!.count < k ? k - 1 : Infinity, ...sums.filter(([members]) => members.includes(i)).map(([, total]) => total), sums.some(([members]) => members.includes(i)) ? Infinity : 2);
  const values = new Map(open.map((i) => [i, new Set<number>()]));
  const x = cells.map((c) => c.count);
  /** Sums cannot be met any more once the first `assigned` hidden cells have their values. */
  const dead = (assigned: number) =>
    sums.some(([members, total]) => {
      let sum = 0;
      let complete = true;
      for (const i of members) {
        const j = position.get(i);
        if (j === undefined || j < assigned) sum += x[i]!;
        else complete = false;
      }
      return sum > total || (complete && sum !== total);
    });
  const assign = (j: number): void => {
    if (dead(j)) return;
    if (j === open.length) {
      for (const i of open) values.get(i)!.add(x[i]!);
      return;
    }
    const i = open[j]!;
    for (let v = 1; v <= cap(i); v++) {
      x[i] = v;
      assign(j + 1);
    }
    x[i] = cells[i]!.count;
  };
  assign(0);
  return open.filter((i) => values.get(i)!.size < 2);
}

const KEYS: Record<number, string[][]> = {
  1: [['a'], ['b'], ['c'], ['d']],
  2: [['r1', 'c1'], ['r1', 'c2'], ['r2', 'c1'], ['r2', 'c2'], ['r1', 'c3']],
  3: [['x1', 'y1', 'z1'], ['x1', 'y2', 'z1'], ['x2', 'y1', 'z1'], ['x2', 'y2', 'z1'], ['x1', 'y1', 'z2']],
};

describe('exact solver (test oracle)', () => {
  it('finds exactly the hidden cells that plain enumeration of every assignment pins down', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2, 3),
        fc.array(fc.integer({ min: 1, max: 14 }), { minLength: 5, maxLength: 5 }),
        fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
        fc.integer({ min: 3, max: 8 }),
        fc.boolean(),
        (dims, counts, hide, k, totalSuppressed) => {
          const keys = KEYS[dims]!;
          const cells = keys.map((key, i) => ({ key, count: counts[i]! }));
          const hidden = cells.map((_, i) => hide[i]!);
          expect(recoverableCells(cells, k, hidden, totalSuppressed)).toEqual(enumerated(cells, k, hidden, totalSuppressed));
        },
      ),
      { numRuns: 1_500 },
    );
  }, 60_000);
});
