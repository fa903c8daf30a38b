/**
 * Statistical disclosure control for count tables: primary suppression of small cells plus
 * complementary suppression so that no suppressed value can be recovered from what is shown.
 *
 * Why complements are needed: every *line* of a D-dimensional table (the cells that agree on all
 * grouped dimensions but one) sums to a marginal that the same user can obtain by asking again
 * with one dimension fewer. A line that hides exactly one cell therefore gives it away
 * (`cell = line total − visible cells`), and a line that hides two cells summing to less than k
 * pins both into a range narrower than k. The pattern is built so that every line either hides
 * nothing or hides at least two cells whose sum is ≥ k, and so that no hidden cell can be solved
 * from all the lines at once either (see `determinacy.ts`), unless no pattern could hide it.
 *
 * Pure and allocation-local: no I/O, never mutates its input, and deterministic — the pattern
 * depends on the cells' keys and counts only, not on their order in the input.
 */
import { DeterminacyAudit } from './determinacy';

export interface SuppressionCell {
  key: readonly string[];
  count: number;
}

export interface SuppressionPattern {
  /** Parallel to the input cells: `true` where the count must not be shown. */
  suppressed: boolean[];
  /** The table total (sum of all cells) must not be shown. */
  totalSuppressed: boolean;
  /** Cells suppressed because 0 < count < k. */
  primary: number;
  /** Cells suppressed only to protect other cells. */
  complementary: number;
  /**
   * Present (true) only when the determinacy audit could not settle some cell within its work
   * bounds and hid every cell instead: safe, but worth knowing about (see `determinacy.ts`).
   */
  hidAll?: true;
}

const NONE = -1;

/**
 * Computes the suppression pattern of a count table at threshold `k`.
 *
 * Rules:
 * - Primary: a cell with 0 < count < k is suppressed.
 * - Complementary: every line whose total is ≥ k must hide either no cell or ≥ 2 cells whose
 *   sum is ≥ k. Lines with a total < k are exempt: that total is itself suppressed wherever it is
 *   published, so it gives an attacker nothing to subtract from.
 * - The table total is suppressed when 0 < total < k (a total of 0 is already implied by an empty
 *   table, since zero cells are omitted).
 *
 * Three refinements close gaps of the line rule read literally:
 * - Bounds: an attacker knows every present cell is ≥ 1 and that a primary is ≤ k − 1, so a line
 *   hiding only primaries can still be solved from its total (two cells at k − 1 with total
 *   2k − 2; all ones). Such a line gets one more complement.
 * - Known cells: some hidden cells are given away whatever this table hides — a primary at k = 2
 *   is 1; and while the table total is shown, the total minus the non-exempt line totals of one
 *   dimension is the sum of that dimension's exempt lines, which pins their cells when it is a
 *   single cell or all at a bound. Known cells neither count as protection for their lines nor
 *   need complements of their own (a lone 1 at k = 2 gets none: hiding more would not hide it).
 * - Pinned cells: a cell that is the only cell of a line with total ≥ k, apart from known cells,
 *   is published by that line total, so it is never chosen as a complement.
 *
 * Complements are chosen greedily per line: the smallest unsuppressed count in the line, ties
 * broken by key (lexicographic, code-unit order), which loses the least information. Hiding a
 * cell can break the other lines through it, so lines are re-checked from a worklist (always the
 * smallest line in canonical order first) until nothing changes. A line whose only unsuppressed
 * cells are pinned cannot be repaired inside this table and is left as is; its hidden cells are
 * determined by marginals alone, whatever this table hides.
 *
 * The line rule is checked line by line, so on its own it can leave a hidden cell solvable from
 * several lines at once (a hidden "bridge" between two hidden cycles; a box of hidden cells whose
 * bounds pin it; a cell leaning on one that its own line gives away). A determinacy audit
 * (`DeterminacyAudit`) therefore runs after it: for every hidden cell it finds a *move* — a second
 * table that agrees with everything shown and with the bounds and differs in that cell — or
 * proves the cell inherently recoverable (solved even with every cell hidden, so no pattern inside
 * this table protects it; such cells stay as they are). A cell with neither gets the cheapest move
 * through it among all cells (fewest newly hidden counts, then cells, then key order) hidden,
 * the line rule runs again, and so on until every hidden cell is settled. From three dimensions
 * on, each primary first gets the cheapest box (2 × 2 × … move) through it, since complements
 * chosen line by line rarely close into a move there.
 *
 * What is guaranteed (for the attacker who knows the visible cells, every line total ≥ k, the
 * table total unless suppressed, that present cells are ≥ 1 and primaries ≤ k − 1):
 * - one and two dimensions: no hidden cell can be solved unless it is inherently recoverable
 *   (the audit is exact there; only tables of several thousand cells exceed its work bound and
 *   fall back as below);
 * - three or more: the same for every pattern returned, because the audit only passes a cell on
 *   a verified move or a proof; when it cannot settle a cell within its work bounds it hides every
 *   cell of the table instead (`hidAll`), which is safe but loses the table. That is rare in small
 *   tables (about 1 in 5,000 random 3 × 3 × 3 tables) but the usual outcome for sparse tables of
 *   hundreds of cells where most counts are below k.
 * Not guaranteed: that each hidden cell's possible range is ≥ k wide (only each line's hidden sum
 * is), and anything learnt by combining differently filtered queries.
 *
 * Cost: O(n·D·log n) for n cells (sorting), amortised O(n·D) for the line rule, and an audit
 * bounded by a work budget (a few tens of ms at most; ~0.5 ms on a 912-cell table with few small
 * cells).
 *
 * @throws Error when keys differ in length, a count is not a positive integer, two cells share a
 *   key, or k is not a positive integer.
 */
export function suppressSmallCells(cells: readonly SuppressionCell[], k: number): SuppressionPattern {
  if (!Number.isInteger(k) || k < 1) throw new Error(`suppressSmallCells: k must be a positive integer, got ${k}`);
  const n = cells.length;
  const dims = n > 0 ? cells[0].key.length : 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const { key, count } = cells[i];
    if (key.length !== dims) {
      throw new Error(`suppressSmallCells: cell ${i} has ${key.length} key values, expected ${dims}`);
    }
    if (!Number.isSafeInteger(count) || count <= 0) {
      throw new Error(`suppressSmallCells: cell ${i} has count ${count}; counts must be positive integers`);
    }
    total += count;
  }

  const suppressed = new Array<boolean>(n).fill(false);
  const isPrimary = new Uint8Array(n);
  let primary = 0;
  for (let i = 0; i < n; i++) {
    if (cells[i].count < k) {
      suppressed[i] = true;
      isPrimary[i] = 1;
      primary++;
    }
  }
  const totalSuppressed = total > 0 && total < k;
  if (dims === 0 || primary === 0) {
    if (n > 1) assertDistinctKeys(cells, canonicalOrder(cells));
    return { suppressed, totalSuppressed, primary, complementary: 0 };
  }

  // Canonical order (by key) makes line ids and tie-breaks independent of the input order.
  const byKey = canonicalOrder(cells);
  assertDistinctKeys(cells, byKey);
  const keyPos = new Int32Array(n);
  for (let p = 0; p < n; p++) keyPos[byKey[p]] = p;

  // Complement preference: smallest count first, then key.
  const byRank = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => cells[a].count - cells[b].count || keyPos[a] - keyPos[b],
  );
  const rank = new Int32Array(n);
  for (let r = 0; r < n; r++) rank[byRank[r]] = r;

  // Index lines once: line id per (cell, dimension), ids assigned in canonical cell order.
  const encoded = cells.map((c) => c.key.map((v) => `${v.length}:${v}`));
  const lineIdByKey = new Map<string, number>();
  const cellLines = new Int32Array(n * dims);
  const lineMembers: number[][] = [];
  const lineDim: number[] = [];
  for (let p = 0; p < n; p++) {
    const cell = byKey[p];
    const parts = encoded[cell];
    for (let d = 0; d < dims; d++) {
      let lk = `${d}|`;
      for (let e = 0; e < dims; e++) if (e !== d) lk += parts[e];
      let id = lineIdByKey.get(lk);
      if (id === undefined) {
        id = lineMembers.length;
        lineIdByKey.set(lk, id);
        lineMembers.push([]);
        lineDim.push(d);
      }
      lineMembers[id].push(cell);
      cellLines[cell * dims + d] = id;
    }
  }

  const lineCount = lineMembers.length;
  const lineTotal = new Float64Array(lineCount);
  for (let l = 0; l < lineCount; l++) {
    const members = lineMembers[l];
    let sum = 0;
    for (const c of members) sum += cells[c].count;
    lineTotal[l] = sum;
    members.sort((a, b) => rank[a] - rank[b]);
  }
  const exempt = (l: number): boolean => lineTotal[l] < k;

  // A shown table total minus the non-exempt line totals of one dimension gives the sum of that
  // dimension's exempt lines. Their cells are all primaries (each is below its line total < k);
  // when that sum pins them (a single cell, or all at a bound) they are as good as published and
  // must not count as hidden cells protecting other lines.
  const known = new Uint8Array(n);
  if (k === 2) known.set(isPrimary); // a primary at k = 2 is 1, whatever is hidden around it
  if (!totalSuppressed && dims >= 2) {
    const exemptCells: number[][] = Array.from({ length: dims }, () => []);
    for (let l = 0; l < lineCount; l++) if (exempt(l)) exemptCells[lineDim[l]].push(...lineMembers[l]);
    for (const group of exemptCells) {
      let sum = 0;
      for (const c of group) sum += cells[c].count;
      if (group.length > 0 && boundsPin(group.length, sum, k)) {
        for (const c of group) known[c] = 1;
      }
    }
  }

  // A cell that is the only cell of a non-exempt line besides cells already known (alone in the
  // line, or next to primaries pinned as above) is published by that line's total: hiding it protects nothing and would leave that line unrepairable.
  const pinned = new Uint8Array(n);
  for (let l = 0; l < lineCount; l++) {
    if (exempt(l)) continue;
    let unknown = NONE;
    let unknownCount = 0;
    for (const c of lineMembers[l]) {
      if (known[c]) continue;
      unknown = c;
      unknownCount++;
    }
    if (unknownCount === 1) pinned[unknown] = 1;
  }

  // Per-line tallies of hidden cells, kept up to date as cells are hidden.
  const hiddenPrimary = new Int32Array(lineCount);
  const hiddenComplement = new Int32Array(lineCount);
  const hiddenSum = new Float64Array(lineCount);
  const knownHidden = new Int32Array(lineCount);
  const knownSum = new Float64Array(lineCount);
  const nextCandidate = new Int32Array(lineCount); // index into lineMembers[l], only moves forward
  for (let i = 0; i < n; i++) {
    if (!isPrimary[i]) continue;
    for (let d = 0; d < dims; d++) {
      const l = cellLines[i * dims + d];
      if (known[i]) {
        knownHidden[l]++;
        knownSum[l] += cells[i].count;
      } else {
        hiddenPrimary[l]++;
        hiddenSum[l] += cells[i].count;
      }
    }
  }

  const queue = new LineQueue(lineCount);
  for (let l = 0; l < lineCount; l++) if (hiddenPrimary[l] + knownHidden[l] > 0 && !exempt(l)) queue.push(l);

  let complementary = 0;
  /** Hides a complement and re-queues its lines (except `from`, the line being repaired). */
  const hide = (cell: number, from: number): void => {
    suppressed[cell] = true;
    complementary++;
    for (let d = 0; d < dims; d++) {
      const other = cellLines[cell * dims + d];
      hiddenComplement[other]++;
      hiddenSum[other] += cells[cell].count;
      if (other !== from && !exempt(other)) queue.push(other);
    }
  };
  /** The line rule, repaired line by line from the worklist until nothing changes. */
  const settleLines = (): void => {
    while (queue.size > 0) {
      const l = queue.pop();
      while (lineNeedsComplement(hiddenPrimary[l], hiddenComplement[l], hiddenSum[l], k, knownHidden[l], knownSum[l])) {
        const members = lineMembers[l];
        let idx = nextCandidate[l];
        while (idx < members.length && (suppressed[members[idx]] || pinned[members[idx]])) idx++;
        nextCandidate[l] = idx;
        if (idx === members.length) break; // only pinned cells left: not repairable here
        hide(members[idx], l);
      }
    }
  };
  // The line rule alone leaves solvable cells; an audit proves each hidden cell free (a move
  // through it: another table consistent with all that is shown) or inherently recoverable, or names
  // cells to hide. Every round hides more, so this ends (at worst with every cell hidden).
  const constrained = new Uint8Array(lineCount);
  for (let l = 0; l < lineCount; l++) if (!exempt(l)) constrained[l] = 1;
  const audit = new DeterminacyAudit({
    n,
    dims,
    k,
    counts: cells.map((c) => c.count),
    isPrimary,
    cellLines,
    lineMembers,
    lineDim,
    constrained,
    totalShown: !totalSuppressed,
    byKey,
    byRank,
    keys: cells.map((c) => c.key),
  });
  // From three dimensions on, complements chosen line by line rarely close into a move, so each
  // primary first gets the cheapest box through it (the hypercube method); the line rule then only
  // adds what the sums and bounds of its lines still need.
  if (dims >= 3) {
    for (const cell of byKey) {
      if (isPrimary[cell] && !known[cell]) for (const c of audit.protect(cell, suppressed)) hide(c, NONE);
    }
  }
  settleLines();
  for (let more = audit.next(suppressed); more !== null; more = audit.next(suppressed)) {
    for (const cell of more) if (!suppressed[cell]) hide(cell, NONE);
    settleLines();
  }

  return audit.fellBack ? { suppressed, totalSuppressed, primary, complementary, hidAll: true } : { suppressed, totalSuppressed, primary, complementary };
}

/**
 * Whether a non-exempt line hiding `p` primary cells (each known to be in [1, k−1]) and `c`
 * complements (known to be ≥ 1) with hidden sum `sum` must hide one more cell: it hides exactly
 * one cell, hides less than k in total, or the line total plus those bounds leaves some hidden
 * cell a single possible value. Primaries with k = 2 are known to be 1 whatever is hidden, so
 * they are not counted as recoverable here.
 */
function lineNeedsComplement(p: number, c: number, sum: number, k: number, knownHidden = 0, knownSum = 0): boolean {
  const hidden = p + c;
  // Hidden cells the attacker knows anyway need no company; the others need the full rule.
  if (hidden === 0) return false;
  if (knownHidden > 0 && sum + knownSum < k) return true;
  if (hidden === 1) return true;
  if (sum < k && knownHidden === 0) return true;
  const primaryHi = k - 1;
  if (c > 0) {
    // Range of a complement: the others' upper bounds are infinite unless they are all primaries.
    const othersHi = c > 1 ? Infinity : p * primaryHi;
    const lo = Math.max(1, sum - othersHi);
    const hi = sum - (hidden - 1);
    if (hi - lo < 1) return true;
  }
  if (p > 0 && primaryHi > 1) {
    const othersHi = c > 0 ? Infinity : (p - 1) * primaryHi;
    const lo = Math.max(1, sum - othersHi);
    const hi = Math.min(primaryHi, sum - (hidden - 1));
    if (hi - lo < 1) return true;
  }
  return false;
}

/** Whether `p` primaries (each in [1, k−1]) with known sum `sum` are pinned to single values. */
function boundsPin(p: number, sum: number, k: number): boolean {
  if (p === 1 || k === 2) return true;
  const lo = Math.max(1, sum - (p - 1) * (k - 1));
  const hi = Math.min(k - 1, sum - (p - 1));
  return hi - lo < 1;
}

function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

function canonicalOrder(cells: readonly SuppressionCell[]): number[] {
  return Array.from({ length: cells.length }, (_, i) => i).sort((a, b) => compareKeys(cells[a].key, cells[b].key));
}

function assertDistinctKeys(cells: readonly SuppressionCell[], byKey: readonly number[]): void {
  for (let p = 1; p < byKey.length; p++) {
    if (compareKeys(cells[byKey[p - 1]].key, cells[byKey[p]].key) === 0) {
      throw new Error(`suppressSmallCells: duplicate key ${JSON.stringify(cells[byKey[p]].key)}`);
    }
  }
}

/** Min-heap of line ids without duplicates: the smallest dirty line is always repaired first. */
class LineQueue {
  private readonly heap: Int32Array;
  private readonly queued: Uint8Array;
  size = 0;

  constructor(capacity: number) {
    this.heap = new Int32Array(capacity);
    this.queued = new Uint8Array(capacity);
  }

  push(line: number): void {
    if (this.queued[line]) return;
    this.queued[line] = 1;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.heap[parent] <= line) break;
      this.heap[i] = this.heap[parent];
      i = parent;
    }
    this.heap[i] = line;
  }

  pop(): number {
    const top = this.heap[0];
    this.queued[top] = 0;
    const last = this.heap[--this.size];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && this.heap[child + 1] < this.heap[child]) child++;
      if (this.heap[child] >= last) break;
      this.heap[i] = this.heap[child];
      i = child;
    }
    if (this.size > 0) this.heap[i] = last;
    return top;
  }
}
