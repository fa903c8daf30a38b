/**
 * Exact attacker for small count tables (test-only; exponential in the worst case).
 *
 * The attacker knows every visible cell, the total of every line whose total is ≥ k, the table
 * total unless it is suppressed, that every present cell is ≥ 1 (omitted cells are 0) and that a
 * primary-suppressed cell (count < k) is ≤ k − 1. It enumerates integer assignments of the hidden
 * cells consistent with all of that and reports the hidden cells that take a single value.
 *
 * Lines are derived here independently of the implementation under test.
 */
import type { SuppressionCell } from '../../../src/accountability/suppression';

interface Constraint {
  vars: number[];
  rhs: number;
}

export interface Line {
  cells: number[];
  total: number;
}

/** All lines of the table: for each dimension, cells grouped by their key without it. */
export function linesOf(cells: readonly SuppressionCell[]): Line[] {
  const dims = cells.length > 0 ? cells[0].key.length : 0;
  const lines: Line[] = [];
  for (let d = 0; d < dims; d++) {
    const groups = new Map<string, Line>();
    cells.forEach((cell, i) => {
      const rest = JSON.stringify(cell.key.filter((_, e) => e !== d));
      let line = groups.get(rest);
      if (!line) {
        line = { cells: [], total: 0 };
        groups.set(rest, line);
      }
      line.cells.push(i);
      line.total += cell.count;
    });
    lines.push(...groups.values());
  }
  return lines;
}

/**
 * Indices of hidden cells whose value the attacker can pin down. `budget` bounds the number of
 * search nodes; exceeding it throws rather than returning a guess.
 */
export function recoverableCells(
  cells: readonly SuppressionCell[],
  k: number,
  suppressed: readonly boolean[],
  totalSuppressed: boolean,
  budget = 2_000_000,
): number[] {
  const hidden = cells.map((_, i) => i).filter((i) => suppressed[i]);
  const varOf = new Map<number, number>(hidden.map((cell, v) => [cell, v]));
  const constraints: Constraint[] = [];
  const addConstraint = (members: number[], total: number): void => {
    const vars: number[] = [];
    let rhs = total;
    for (const c of members) {
      const v = varOf.get(c);
      if (v === undefined) rhs -= cells[c].count;
      else vars.push(v);
    }
    if (vars.length > 0) constraints.push({ vars, rhs });
  };
  for (const line of linesOf(cells)) if (line.total >= k) addConstraint(line.cells, line.total);
  const tableTotal = cells.reduce((s, c) => s + c.count, 0);
  if (!totalSuppressed) addConstraint(cells.map((_, i) => i), tableTotal);

  // Implied sums, to let propagation prune more: where one sum's cells include another's, their
  // difference is a sum too (e.g. the table total less some lines), repeatedly (up to a few
  // hundred sums). Adding equations every solution satisfies keeps the search exact.
  const words = Math.ceil(hidden.length / 32) || 1;
  const maskOf = (vars: readonly number[]): Uint32Array => {
    const mask = new Uint32Array(words);
    for (const v of vars) mask[v >>> 5] |= 1 << (v & 31);
    return mask;
  };
  const masks = constraints.map((c) => maskOf(c.vars));
  const keys = new Set(masks.map((m) => m.join(',')));
  for (let i = 0; i < constraints.length && constraints.length < 300; i++) {
    for (let j = 0; j < constraints.length && constraints.length < 300; j++) {
      if (i === j || constraints[j].vars.length >= constraints[i].vars.length) continue;
      const big = masks[i];
      const small = masks[j];
      if (!small.every((w, x) => (w & ~big[x]) === 0)) continue;
      const rest = big.map((w, x) => w & ~small[x]);
      const key = rest.join(',');
      if (keys.has(key)) continue;
      keys.add(key);
      masks.push(rest);
      constraints.push({ vars: constraints[i].vars.filter((v) => (rest[v >>> 5] & (1 << (v & 31))) !== 0), rhs: constraints[i].rhs - constraints[j].rhs });
    }
  }

  const lb = hidden.map(() => 1);
  const ub = hidden.map((cell) => (cells[cell].count < k ? k - 1 : Infinity));
  const byVar: Constraint[][] = hidden.map(() => []);
  for (const c of constraints) for (const v of c.vars) byVar[v].push(c);
  for (const c of constraints) for (const v of c.vars) ub[v] = Math.min(ub[v], c.rhs - (c.vars.length - 1));
  // A hidden cell in no known sum is unconstrained above, hence never recoverable.
  const free = hidden.map((_, v) => byVar[v].length === 0 && ub[v] > lb[v]);

  let nodes = 0;

  /**
   * Narrows each variable's range [lo, hi] by every constraint (a variable can be no more than the
   * constraint's sum less the others' minima, no less than the sum less their maxima) until nothing
   * changes; false when some range empties. Only values no solution takes are removed.
   */
  const propagate = (lo: number[], hi: number[]): boolean => {
    for (let changed = true; changed; ) {
      changed = false;
      for (const c of constraints) {
        let sumLo = 0;
        let sumHi = 0;
        for (const w of c.vars) {
          sumLo += lo[w];
          sumHi += hi[w];
        }
        if (c.rhs < sumLo || c.rhs > sumHi) return false;
        for (const w of c.vars) {
          const newLo = Math.max(lo[w], c.rhs - (sumHi - hi[w]));
          const newHi = Math.min(hi[w], c.rhs - (sumLo - lo[w]));
          if (newLo > newHi) return false;
          if (newLo !== lo[w] || newHi !== hi[w]) {
            sumLo += newLo - lo[w];
            sumHi += newHi - hi[w];
            lo[w] = newLo;
            hi[w] = newHi;
            changed = true;
          }
        }
      }
    }
    return true;
  };

  /**
   * One integer solution within [lo, hi], or undefined when there is none: propagate, then split
   * the range of the open variable with the fewest values left in two halves and search both.
   */
  const solve = (lo: number[], hi: number[]): number[] | undefined => {
    if (++nodes > budget) throw new Error('exact solver: search budget exceeded');
    if (!propagate(lo, hi)) return undefined;
    let v = -1;
    for (const w of vars) if (lo[w] < hi[w] && (v < 0 || hi[w] - lo[w] < hi[v] - lo[v])) v = w;
    if (v < 0) return lo.slice();
    const mid = Math.floor((lo[v] + hi[v]) / 2);
    for (const [from, to] of [[lo[v], mid], [mid + 1, hi[v]]]) {
      const nextLo = lo.slice();
      const nextHi = hi.slice();
      nextLo[v] = from;
      nextHi[v] = to;
      const found = solve(nextLo, nextHi);
      if (found) return found;
    }
    return undefined;
  };

  const vars = hidden.map((_, v) => v).filter((v) => !free[v]);
  // Free variables stay out of the search (they appear in no constraint).
  const startLo = lb.slice();
  const startHi = ub.map((u, v) => (free[v] ? lb[v] : u));
  const first = solve(startLo.slice(), startHi.slice());
  if (!first) throw new Error('exact solver: the true table should always be a solution');
  const seen = hidden.map((_, v) => new Set<number>(free[v] ? [1, 2] : [first[v]]));
  for (const v of vars) {
    if (seen[v].size >= 2) continue;
    // A solution with a different value of v: below the first one, or above it.
    for (const [from, to] of [[startLo[v], first[v] - 1], [first[v] + 1, startHi[v]]]) {
      if (from > to) continue;
      const lo = startLo.slice();
      const hi = startHi.slice();
      lo[v] = from;
      hi[v] = to;
      const other = solve(lo, hi);
      if (other) {
        for (const w of vars) seen[w].add(other[w]);
        break;
      }
    }
  }
  return hidden.filter((_, v) => seen[v].size < 2);
}

/**
 * Lines of the table that break the line rule — a line with total ≥ k hides 0 or ≥ 2 cells
 * summing to ≥ k — other than where the rule allows it: every hidden cell of the line is known
 * anyway (a primary at k = 2, or a cell of a line whose total is below k), or the line cannot be
 * repaired inside the table because every visible cell of it is published through another line.
 */
export function unprotectedLines(cells: readonly SuppressionCell[], k: number, suppressed: readonly boolean[]): Line[] {
  const all = linesOf(cells);
  const lines = all.filter((l) => l.total >= k);
  const maybeKnown = new Set<number>();
  cells.forEach((c, i) => {
    if (k === 2 && c.count < k) maybeKnown.add(i);
  });
  for (const l of all) if (l.total < k) l.cells.forEach((i) => maybeKnown.add(i));
  const pinned = new Set<number>();
  for (const l of lines) {
    const rest = l.cells.filter((i) => !maybeKnown.has(i));
    if (rest.length === 1) pinned.add(rest[0]!);
  }
  return lines.filter((line) => {
    const hidden = line.cells.filter((i) => suppressed[i]);
    const sum = hidden.reduce((s, i) => s + cells[i]!.count, 0);
    if (hidden.length === 0 || (hidden.length >= 2 && sum >= k)) return false;
    const allKnown = hidden.every((i) => maybeKnown.has(i));
    const unrepairable = line.cells.every((i) => suppressed[i] || pinned.has(i));
    return !(allKnown || unrepairable);
  });
}

/**
 * Cells recoverable even with every cell hidden: no suppression inside the table can protect
 * them (hiding more only removes knowledge, so this is the floor of any pattern).
 */
export function inherentlyRecoverable(cells: readonly SuppressionCell[], k: number, totalSuppressed: boolean, budget?: number): Set<number> {
  return new Set(recoverableCells(cells, k, cells.map(() => true), totalSuppressed, budget));
}
