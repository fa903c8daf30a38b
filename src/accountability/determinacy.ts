/**
 * Determinacy audit of a suppression pattern: whether an attacker can solve a hidden cell from
 * what the table shows, and which cells to hide next when one can be solved.
 *
 * The attacker knows every visible cell, the total of every line whose total is ≥ k (the
 * "constrained" lines; a line below k has its total suppressed wherever it appears), the table
 * total when it is shown, that every present cell is ≥ 1 and that a primary (count < k) is
 * ≤ k − 1. A hidden cell is safe when a second integer table agrees with all of that and differs
 * in it: the true table plus a *move* d — an integer vector on the hidden cells that sums to zero
 * along every constrained line (and in total when the total is shown) and keeps every cell within
 * its bounds. The audit looks for such moves and takes one as a proof (a witness), so a cell it
 * passes is never solvable, whatever the dimension. Hiding more cells keeps every witness valid
 * (the constraints do not depend on the pattern), so a cell once proven stays proven.
 *
 * A cell without a witness is repaired: the cheapest move through it among *all* present cells is
 * found (cost = sum of the counts that would newly be hidden, then the number of cells, then the
 * canonical order), and its visible cells are returned to be hidden. A cell that no move through
 * the whole table can free is determined whatever is hidden (inherently recoverable) and is left
 * as it is.
 *
 * - 1 and 2 dimensions: exact. The line constraints form the incidence matrix of a bipartite graph
 *   (rows and columns as nodes, hidden cells as edges; the lines below k of each side merged into
 *   one node whose total is the table total minus the other lines, which is what the attacker
 *   derives). That matrix is totally unimodular, so a cell is solvable exactly when no directed
 *   cycle (alternating +1/−1, respecting bounds) runs through it: depth-first search finds
 *   witnesses, Dijkstra the cheapest repair, and "no cycle in the whole table" proves a cell
 *   inherent.
 * - 3 or more dimensions: sound but not complete (integer points of 3-way line constraints are
 *   NP-hard in general). A cell is freed, in this order, by a box (a 2 × 2 × … move, or fewer
 *   corners along dimensions whose lines are all below k), by a cycle in a plane through it made of
 *   cells whose other lines are all below k, by a bounded exact search for a second table that
 *   differs in it (branch and bound with bounds propagation, each table found checked against
 *   every sum), or by a bounded depth-first search for a move. It is left as inherent only on a
 *   proof: a plane through it whose own lines pin it (exact for that plane: two dimensions),
 *   bounds propagation over the attacker's sums (lines, total, and the total less one
 *   dimension's constrained lines) with probing, the exact search exhausting its space, or exact
 *   elimination (integer Gauss–Jordan) showing the sums determine it. When a cell is neither freed
 *   nor proven within the work bounds (`BOX_WORK`, `EXACT_WORK`, `DFS_*`, `ELIMINATION_WORK`,
 *   `PROPAGATION_WORK`, and `AUDIT_WORK` for the whole table, about 30–50 ms), the audit falls back
 *   to hiding every cell of the table: with everything hidden only inherently recoverable cells
 *   can be solved, by definition, so the fallback is safe, only costly. It never passes a cell it
 *   has not checked.
 *
 * Deterministic: everything is ordered by line id, rank (count, then key) or canonical key
 * position, never by input order; work bounds count search steps, not time.
 */

export interface AuditTable {
  readonly n: number;
  readonly dims: number;
  readonly k: number;
  readonly counts: readonly number[];
  readonly isPrimary: Uint8Array;
  /** Line id of each cell along each dimension: `cellLines[cell * dims + d]`. */
  readonly cellLines: Int32Array;
  /** Cells of each line, in rank order (count, then key). */
  readonly lineMembers: readonly (readonly number[])[];
  readonly lineDim: readonly number[];
  /** 1 where the line's total is ≥ k, i.e. known to the attacker. */
  readonly constrained: Uint8Array;
  readonly totalShown: boolean;
  /** Cells in canonical (key) order. */
  readonly byKey: readonly number[];
  /** Cells in rank order (count, then key). */
  readonly byRank: readonly number[];
  readonly keys: readonly (readonly string[])[];
}

/** Work (cells looked at) and largest move (sum of |entries|) of a search for a witness among hidden cells. */
const DFS_WITNESS_WORK = 3_000;
const DFS_WITNESS_SIZE = 12;
/** Work and largest move of a search for a repair among all cells. */
const DFS_REPAIR_WORK = 40_000;
const DFS_REPAIR_SIZE = 24;
/** Work (propagation steps) of one exact search for a move through a cell. */
const EXACT_WORK = 60_000;
/** Corners one box search may try, and how many more once it has found a box. */
const BOX_WORK = 20_000;
const BOX_REFINE_WORK = 2_000;
/** The searches try moves of growing size, up to their largest. */
const DFS_SIZES = [4, 8, 12, 16, 20, 24];
/**
 * Work one table's audit may spend — arcs followed by graph searches, corners tried by box
 * searches, cells looked at by move searches, propagation and elimination steps — before it falls
 * back to hiding every cell (measured at 30–50 ms on a loaded two-core machine).
 */
const AUDIT_WORK = 600_000;

class OutOfWork extends Error {}

/** The audit's work so far, shared by its searches; throws OutOfWork past `AUDIT_WORK`. */
class Budget {
  used = 0;
  get left(): number {
    return Math.max(0, AUDIT_WORK - this.used);
  }
  spend(units: number): void {
    this.used += units;
    if (this.used > AUDIT_WORK) throw new OutOfWork();
  }
}

/** Checks a pattern and proposes cells to hide; keeps its proofs from one call to the next. */
export class DeterminacyAudit {
  private readonly covered: Uint8Array;
  private readonly inherent: Uint8Array;
  private readonly engine: Engine;
  private gaveUp = false;
  readonly budget = new Budget();
  /** Whether the audit gave up and asked for every cell to be hidden. */
  get fellBack(): boolean {
    return this.gaveUp;
  }

  constructor(private readonly t: AuditTable) {
    this.covered = new Uint8Array(t.n);
    this.inherent = new Uint8Array(t.n);
    this.engine = t.dims <= 2 ? new PlaneEngine(t, this.budget) : new BoxEngine(t, this.budget);
  }

  /**
   * Cells to hide before the pattern can pass, or null when every hidden cell has a witness or is
   * inherently recoverable. Hides cells for one unproven cell at a time (the first in key order),
   * so callers hide them all, re-run the line rule and ask again.
   */
  next(suppressed: readonly boolean[]): number[] | null {
    // Total below k: every line is below k too, so the attacker has no equation, only bounds, and
    // only a cell whose bounds meet (a primary at k = 2) is known — whatever is hidden.
    if (!this.t.totalShown || this.gaveUp) return null;
    for (const cell of this.t.byKey) {
      if (!suppressed[cell] || this.covered[cell] || this.inherent[cell]) continue;
      const witness = this.attempt(() => this.engine.witness(cell, suppressed));
      if (witness === FALLBACK) return this.fallBack(suppressed);
      if (witness) {
        this.cover(cell, witness);
        continue;
      }
      const hide = this.fix(cell, suppressed);
      if (hide === FALLBACK) return this.fallBack(suppressed);
      if (hide.length > 0) return hide;
    }
    return null;
  }

  /**
   * Protects one hidden cell up front, before the line rule runs: the visible cells of the
   * cheapest move through it (to hide), [] when it is protected already or inherently
   * recoverable, or every visible cell when the audit gives up (see `next`).
   */
  protect(cell: number, suppressed: readonly boolean[]): number[] {
    if (!this.t.totalShown || this.gaveUp || this.covered[cell] || this.inherent[cell]) return [];
    const hide = this.fix(cell, suppressed);
    return hide === FALLBACK ? this.fallBack(suppressed) : hide;
  }

  /** Visible cells of the cheapest move through `cell` (then counted as a witness). */
  private fix(cell: number, suppressed: readonly boolean[]): number[] | typeof FALLBACK {
    const move = this.attempt(() => this.engine.repair(cell, suppressed));
    if (move === FALLBACK || move === UNKNOWN) return FALLBACK;
    if (move === INHERENT) {
      this.inherent[cell] = 1;
      return [];
    }
    // The caller hides the move's visible cells, which makes the move a witness.
    this.cover(cell, move);
    return move.filter((c) => !suppressed[c]);
  }

  private cover(cell: number, move: readonly number[]): void {
    this.covered[cell] = 1;
    for (const c of move) this.covered[c] = 1;
  }

  private attempt<T>(search: () => T): T | typeof FALLBACK {
    try {
      return search();
    } catch (error) {
      if (error instanceof OutOfWork) return FALLBACK;
      throw error;
    }
  }

  private fallBack(suppressed: readonly boolean[]): number[] {
    this.gaveUp = true;
    return this.t.byKey.filter((c) => !suppressed[c]);
  }
}

const FALLBACK = 'fallback' as const;
const INHERENT = 'inherent' as const;
/** Modes of a plane search (see `BoxEngine.planeCycle`). */
const PROOF = 0;
const WITNESS = 1;
const REPAIR = 2;
const UNKNOWN = 'unknown' as const;

interface Engine {
  /** Cells of a move through `cell` among hidden cells (a proof it is not determined), or null. */
  witness(cell: number, suppressed: readonly boolean[]): number[] | null;
  /** Cells of the cheapest move through `cell` among all cells, or why there is none. */
  repair(cell: number, suppressed: readonly boolean[]): number[] | typeof INHERENT | typeof UNKNOWN;
}

/** Bounds: every present cell ≥ 1, a primary ≤ k − 1, others unbounded above. */
function canIncrease(t: AuditTable, cell: number): boolean {
  return !t.isPrimary[cell] || t.counts[cell] < t.k - 1;
}
function canDecrease(t: AuditTable, cell: number): boolean {
  return t.counts[cell] > 1;
}

/**
 * One and two dimensions as a bipartite graph: each cell is an edge from its row node to its
 * column node (in one dimension the row is the single line and the column a node shared by all
 * cells, standing for the table total). Lines below k of a side merge into one node of that side:
 * the attacker knows their combined total (table total minus the side's other lines) and nothing
 * else about them. Raising a cell is an arc row → column, lowering it an arc column → row, each
 * present only where the bounds allow; a move is a directed cycle.
 */
class PlaneEngine implements Engine {
  private readonly rowNode: Int32Array;
  private readonly colNode: Int32Array;
  private readonly adjStart: Int32Array;
  private readonly adjCell: Int32Array;
  private readonly nodeCount: number;
  private readonly seen: Int32Array;
  private readonly via: Int32Array;
  private readonly stack: Int32Array;
  private readonly cursor: Int32Array;
  private readonly settled: Int32Array;
  private stamp = 0;
  private readonly cost: Float64Array;
  private readonly hops: Int32Array;

  constructor(
    private readonly t: AuditTable,
    private readonly budget: Budget,
  ) {
    const { n, dims, cellLines, constrained, lineDim } = t;
    const lines = t.lineMembers.length;
    const mergedRow = lines;
    const mergedCol = lines + 1;
    this.nodeCount = lines + 2;
    const node = (line: number): number => (constrained[line] ? line : lineDim[line] === dims - 1 ? mergedRow : mergedCol);
    this.rowNode = new Int32Array(n);
    this.colNode = new Int32Array(n);
    for (let c = 0; c < n; c++) {
      if (dims === 2) {
        this.rowNode[c] = node(cellLines[c * 2 + 1]);
        this.colNode[c] = node(cellLines[c * 2]);
      } else {
        this.rowNode[c] = node(cellLines[c]);
        this.colNode[c] = mergedCol;
      }
    }
    // Adjacency in rank order, so searches prefer small counts and are independent of input order.
    const degree = new Int32Array(this.nodeCount + 1);
    for (let c = 0; c < n; c++) {
      degree[this.rowNode[c] + 1]++;
      degree[this.colNode[c] + 1]++;
    }
    for (let v = 0; v < this.nodeCount; v++) degree[v + 1] += degree[v];
    this.adjStart = degree.slice();
    this.adjCell = new Int32Array(2 * n);
    const fill = degree.slice();
    for (const c of t.byRank) {
      this.adjCell[fill[this.rowNode[c]]++] = c;
      this.adjCell[fill[this.colNode[c]]++] = c;
    }
    this.seen = new Int32Array(this.nodeCount);
    this.via = new Int32Array(this.nodeCount);
    this.stack = new Int32Array(this.nodeCount);
    this.cursor = new Int32Array(this.nodeCount);
    this.settled = new Int32Array(this.nodeCount);
    this.cost = new Float64Array(this.nodeCount);
    this.hops = new Int32Array(this.nodeCount);
  }

  witness(cell: number, suppressed: readonly boolean[]): number[] | null {
    const { t } = this;
    const row = this.rowNode[cell];
    const col = this.colNode[cell];
    if (canIncrease(t, cell)) {
      const path = this.search(col, row, cell, suppressed);
      if (path) return path;
    }
    if (canDecrease(t, cell)) return this.search(row, col, cell, suppressed);
    return null;
  }

  repair(cell: number, suppressed: readonly boolean[]): number[] | typeof INHERENT {
    const { t } = this;
    const row = this.rowNode[cell];
    const col = this.colNode[cell];
    const up = canIncrease(t, cell) ? this.cheapest(col, row, cell, suppressed) : null;
    const down = canDecrease(t, cell) ? this.cheapest(row, col, cell, suppressed) : null;
    if (!up && !down) return INHERENT;
    if (!down || (up && (up.cost < down.cost || (up.cost === down.cost && up.cells.length <= down.cells.length)))) return up!.cells;
    return down.cells;
  }

  /** Follows an arc out of `node` along `edge`, or returns −1 where the bounds forbid it. */
  private step(node: number, edge: number): number {
    if (this.rowNode[edge] === node) return canIncrease(this.t, edge) ? this.colNode[edge] : -1;
    return canDecrease(this.t, edge) ? this.rowNode[edge] : -1;
  }

  private other(node: number, edge: number): number {
    return this.rowNode[edge] === node ? this.colNode[edge] : this.rowNode[edge];
  }

  private path(from: number, to: number): number[] {
    const cells: number[] = [];
    for (let v = to; v !== from; ) {
      const e = this.via[v];
      cells.push(e);
      v = this.other(v, e);
    }
    return cells;
  }

  /**
   * Depth-first search for a directed path over hidden cells, avoiding `skip` (depth-first: in a
   * dense pattern it reaches the target after few arcs, and its longer cycles prove more cells).
   */
  private search(from: number, to: number, skip: number, suppressed: readonly boolean[]): number[] | null {
    const stamp = ++this.stamp;
    const { stack, cursor } = this;
    let depth = 0;
    stack[0] = from;
    cursor[0] = this.adjStart[from];
    this.seen[from] = stamp;
    let steps = 0;
    try {
      while (depth >= 0) {
        const u = stack[depth];
        const end = this.adjStart[u + 1];
        let i = cursor[depth];
        let next = -1;
        for (; i < end; i++) {
          steps++;
          const e = this.adjCell[i];
          if (e === skip || !suppressed[e]) continue;
          const v = this.step(u, e);
          if (v < 0 || this.seen[v] === stamp) continue;
          this.seen[v] = stamp;
          this.via[v] = e;
          if (v === to) return this.path(from, to);
          next = v;
          i++;
          break;
        }
        cursor[depth] = i;
        if (next < 0) {
          depth--;
          continue;
        }
        stack[++depth] = next;
        cursor[depth] = this.adjStart[next];
      }
      return null;
    } finally {
      this.budget.spend(steps + 1);
    }
  }

  /**
   * Cheapest directed path over all cells, avoiding `skip`: cost is the sum of the counts of
   * visible cells on it (hidden ones are free), then the number of cells; ties by node id.
   */
  private cheapest(from: number, to: number, skip: number, suppressed: readonly boolean[]): { cells: number[]; cost: number } | null {
    const stamp = ++this.stamp;
    const done = this.settled;
    const heap = new MinHeap();
    this.seen[from] = stamp;
    this.cost[from] = 0;
    this.hops[from] = 0;
    heap.push(0, 0, from);
    while (heap.size > 0) {
      const u = heap.pop();
      if (done[u] === stamp) continue;
      done[u] = stamp;
      if (u === to) return { cells: this.path(from, to), cost: this.cost[to] };
      this.budget.spend(2 * (this.adjStart[u + 1] - this.adjStart[u]) + 1);
      for (let i = this.adjStart[u]; i < this.adjStart[u + 1]; i++) {
        const e = this.adjCell[i];
        if (e === skip) continue;
        const v = this.step(u, e);
        if (v < 0 || done[v] === stamp) continue;
        const c = this.cost[u] + (suppressed[e] ? 0 : this.t.counts[e]);
        const h = this.hops[u] + 1;
        if (this.seen[v] !== stamp || c < this.cost[v] || (c === this.cost[v] && h < this.hops[v])) {
          this.seen[v] = stamp;
          this.cost[v] = c;
          this.hops[v] = h;
          this.via[v] = e;
          heap.push(c, h, v);
        }
      }
    }
    return null;
  }
}

/** Binary min-heap of (cost, hops, node) triples. */
class MinHeap {
  private readonly items: Array<[number, number, number]> = [];
  get size(): number {
    return this.items.length;
  }
  private static less(a: [number, number, number], b: [number, number, number]): boolean {
    return a[0] < b[0] || (a[0] === b[0] && (a[1] < b[1] || (a[1] === b[1] && a[2] < b[2])));
  }
  push(cost: number, hops: number, node: number): void {
    const items = this.items;
    const item: [number, number, number] = [cost, hops, node];
    let i = items.length;
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!MinHeap.less(item, items[parent])) break;
      items[i] = items[parent];
      i = parent;
    }
    items[i] = item;
  }
  pop(): number {
    const items = this.items;
    const top = items[0];
    const last = items.pop()!;
    if (items.length > 0) {
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= items.length) break;
        if (child + 1 < items.length && MinHeap.less(items[child + 1], items[child])) child++;
        if (!MinHeap.less(items[child], last)) break;
        items[i] = items[child];
        i = child;
      }
      items[i] = last;
    }
    return top[2];
  }
}

/**
 * Three or more dimensions. Moves, cheapest kinds first: boxes (each dimension contributes a pair
 * of values, or a single value where every line of the box along it is below k), cycles in a plane
 * of cells whose other lines are below k, a bounded exact search over all cells, and a bounded
 * depth-first search that balances one constrained line at a time. Proofs that a cell is inherent:
 * a plane whose own lines pin it, bounds propagation over the known sums (with probing), the exact
 * search exhausting its space, and elimination. See the file header for the guarantees.
 */
class BoxEngine implements Engine {
  private readonly dims: number;
  /** Value id of each cell along each dimension (ids by first appearance in key order). */
  private readonly coord: Int32Array;
  /** Cell of line `l` at value id `v` along the line's dimension, at `l * width + v` (−1: none). */
  private readonly slot: Int32Array | Map<number, number>;
  private readonly width: number;
  // Box search scratch: corners, their parity (odd: moves against the cell), the best box so far.
  private readonly corners: Int32Array;
  private readonly parity: Uint8Array;
  private readonly best: Int32Array;
  private readonly single: Uint8Array;
  /** Cells with at least one line below k, in rank order (they can rebalance the table total). */
  private readonly looseCells: number[] = [];
  /** Plane search scratch, indexed by node (line ids, then the merged nodes) or adjacency entry. */
  private readonly scratch: {
    stamp: number;
    seen: Int32Array;
    head: Int32Array;
    done: Int32Array;
    reached: Int32Array;
    via: Int32Array;
    cost: Float64Array;
    hops: Int32Array;
    next: Int32Array;
    entry: Int32Array;
  };
  /** Planes along each pair of dimensions p < q (key p · dims + q), built on first use. */
  private readonly planes = new Map<number, { of: Int32Array; cells: number[][] }>();
  /** Bounds propagated over the known sums, then over the sums and their reduced rows. */
  private sums: Proof | null = null;
  private reduced: Proof | null = null;

  // Depth-first search state.
  private readonly delta: Int32Array;
  private readonly imbalance: Int32Array;
  private readonly openPos: Int32Array;
  private readonly open: Int32Array;
  private openCount = 0;
  private openSum = 0;
  private totalImbalance = 0;
  /** Unit steps taken, as cell and direction (a cell may take several steps one way). */
  private readonly steps: number[] = [];
  private readonly stepSigns: number[] = [];
  /** Work of the current move search (cells looked at) and its limit. */
  private nodes = 0;
  private nodeLimit = 0;
  private hiddenOnly = true;
  private suppressed: readonly boolean[] = [];

  constructor(
    private readonly t: AuditTable,
    private readonly budget: Budget,
  ) {
    const { n, dims, cellLines, lineMembers, constrained } = t;
    this.dims = dims;
    // Value ids per dimension, in order of first appearance in key order (only compared for
    // equality, never ordered).
    this.coord = new Int32Array(n * dims);
    let width = 1;
    for (let d = 0; d < dims; d++) {
      const id = new Map<string, number>();
      for (const c of t.byKey) {
        const value = t.keys[c][d];
        let v = id.get(value);
        if (v === undefined) id.set(value, (v = id.size));
        this.coord[c * dims + d] = v;
      }
      width = Math.max(width, id.size);
    }
    this.width = width;
    const slots = lineMembers.length * width;
    if (slots <= 1 << 22) {
      const slot = new Int32Array(slots).fill(-1);
      for (let c = 0; c < n; c++) {
        for (let d = 0; d < dims; d++) slot[cellLines[c * dims + d] * width + this.coord[c * dims + d]] = c;
      }
      this.slot = slot;
    } else {
      const slot = new Map<number, number>();
      for (let c = 0; c < n; c++) {
        for (let d = 0; d < dims; d++) slot.set(cellLines[c * dims + d] * width + this.coord[c * dims + d], c);
      }
      this.slot = slot;
    }
    const boxSize = 2 ** dims;
    this.corners = new Int32Array(boxSize);
    this.parity = new Uint8Array(boxSize);
    this.best = new Int32Array(boxSize);
    this.single = new Uint8Array(dims);
    for (const c of t.byRank) {
      for (let d = 0; d < dims; d++) {
        if (!constrained[cellLines[c * dims + d]]) {
          this.looseCells.push(c);
          break;
        }
      }
    }
    const nodes = lineMembers.length + 3;
    this.scratch = {
      stamp: 0,
      seen: new Int32Array(nodes),
      head: new Int32Array(nodes),
      done: new Int32Array(nodes),
      reached: new Int32Array(nodes),
      via: new Int32Array(nodes),
      cost: new Float64Array(nodes),
      hops: new Int32Array(nodes),
      next: new Int32Array(2 * n),
      entry: new Int32Array(2 * n),
    };
    this.delta = new Int32Array(n);
    this.imbalance = new Int32Array(lineMembers.length);
    this.openPos = new Int32Array(lineMembers.length).fill(-1);
    this.open = new Int32Array(lineMembers.length);
  }

  witness(cell: number, suppressed: readonly boolean[]): number[] | null {
    const box = this.box(cell, suppressed, true);
    if (box) return box;
    for (let p = 0; p < this.dims; p++) {
      for (let q = p + 1; q < this.dims; q++) {
        const cycle = this.planeCycle(cell, p, q, WITNESS, suppressed);
        if (cycle) return cycle.cells;
      }
    }
    return this.moveSearch(cell, suppressed, true, DFS_WITNESS_WORK, DFS_WITNESS_SIZE);
  }

  repair(cell: number, suppressed: readonly boolean[]): number[] | typeof INHERENT | typeof UNKNOWN {
    // A box through the whole table proves the cell is not inherent; take the cheapest.
    const box = this.box(cell, suppressed, false);
    if (box) return box;
    // No box. A cycle in a plane through the cell, of cells whose other lines are all below k,
    // is a move too; a plane where no cycle runs through the cell even with all its cells hidden
    // proves it inherent (its lines alone pin it).
    let best: { cells: number[]; cost: number } | null = null;
    for (let p = 0; p < this.dims; p++) {
      for (let q = p + 1; q < this.dims; q++) {
        if (!this.planeCycle(cell, p, q, PROOF, suppressed)) return INHERENT;
        const cycle = this.planeCycle(cell, p, q, REPAIR, suppressed);
        if (cycle && (!best || cycle.cost < best.cost || (cycle.cost === best.cost && cycle.cells.length < best.cells.length))) best = cycle;
      }
    }
    if (best) return best.cells;
    // Then the sums the attacker knows, a longer move, and only then elimination.
    this.sums ??= this.prove(false);
    if (this.pinned(this.sums, cell)) return INHERENT;
    const exact = this.exactMove(cell);
    if (exact) return exact;
    const move = this.moveSearch(cell, suppressed, false, DFS_REPAIR_WORK, DFS_REPAIR_SIZE);
    if (move) return move;
    this.reduced ??= this.prove(true);
    return this.pinned(this.reduced, cell) ? INHERENT : UNKNOWN;
  }

  /**
   * Exact search, bounded by EXACT_WORK: a second integer table that agrees with all the sums the
   * attacker knows (every cell hidden) and differs in `cell`. Branches on the open cell with the
   * fewest values left — its true value first, so the table found differs in few cells — and
   * propagates bounds after each choice; a complete table is checked against every sum. Returns
   * the cells that differ (a move), INHERENT when the whole search space holds no such table, or
   * null when the work ran out first.
   */
  private exactMove(cell: number): number[] | typeof INHERENT | null {
    const { rows, of, lo, hi } = this.sums!;
    const { counts, n, byKey } = this.t;
    const limit = Math.min(EXACT_WORK, this.budget.left);
    let work = 0;
    let cut = false;
    const holds = (x: Float64Array): boolean => {
      for (const row of rows) {
        let sum = 0;
        for (let i = 0; i < row.cols.length; i++) sum += row.vals[i] * x[row.cols[i]];
        if (sum !== row.rhs) return false;
      }
      return true;
    };
    const search = (l: Float64Array, h: Float64Array, start: readonly number[]): Float64Array | null => {
      if (work >= limit) {
        cut = true;
        return null;
      }
      const run = propagate(rows, of, l, h, start, limit - work);
      work += run.work + n;
      if (!run.feasible) return null;
      let v = -1;
      for (const c of byKey) if (l[c] < h[c] && (v < 0 || h[c] - l[c] < h[v] - l[v])) v = c;
      if (v < 0) return holds(l) ? l : null;
      const truth = counts[v];
      const mid = Math.floor((l[v] + h[v]) / 2);
      const ranges =
        truth >= l[v] && truth <= h[v]
          ? [[truth, truth], [l[v], truth - 1], [truth + 1, h[v]]]
          : [[l[v], mid], [mid + 1, h[v]]];
      for (const [from, to] of ranges) {
        if (from > to) continue;
        const found = search(...narrowed(l, h, v, from, to), of[v]);
        if (found || cut) return found;
      }
      return null;
    };
    try {
      for (const [from, to] of [[lo[cell], counts[cell] - 1], [counts[cell] + 1, hi[cell]]]) {
        if (from > to) continue;
        const found = search(...narrowed(lo, hi, cell, from, to), of[cell]);
        if (found) return this.t.byKey.filter((c) => found[c] !== counts[c]);
        if (cut) return null;
      }
      return INHERENT;
    } finally {
      this.budget.spend(work);
    }
  }

  /** Cells of each plane along dimensions p < q (all other values fixed), in rank order. */
  private plane(cell: number, p: number, q: number): readonly number[] {
    const { dims, coord, t } = this;
    let planes = this.planes.get(p * dims + q);
    if (!planes) {
      const id = new Map<string, number>();
      const of = new Int32Array(t.n);
      const cells: number[][] = [];
      for (const c of t.byRank) {
        let key = '';
        for (let d = 0; d < dims; d++) if (d !== p && d !== q) key += `${coord[c * dims + d]},`;
        let i = id.get(key);
        if (i === undefined) {
          id.set(key, (i = cells.length));
          cells.push([]);
        }
        of[c] = i;
        cells[i].push(c);
      }
      planes = { of, cells };
      this.planes.set(p * dims + q, planes);
    }
    return planes.cells[planes.of[cell]];
  }

  /**
   * A directed cycle through `cell` in its plane along dimensions p and q, as in two dimensions:
   * each cell an edge from its line along q ("row") to its line along p ("column"), raising it
   * an arc row → column, lowering it the reverse, where the bounds allow.
   * - PROOF: all cells of the plane, lines below k free (one node: the plane's total is not
   *   known). Null means the plane's lines alone pin the cell (exact for them: totally
   *   unimodular), so it is inherent.
   * - WITNESS / REPAIR: only cells whose lines along every other dimension are below k (the move
   *   leaves those lines unbalanced), hidden ones for a witness; lines below k merge per side as
   *   in two dimensions (the table total is known). REPAIR returns the cheapest cycle (sum of the
   *   visible counts on it, then cells).
   */
  private planeCycle(cell: number, p: number, q: number, mode: number, suppressed: readonly boolean[]): { cells: number[]; cost: number } | null {
    const { t, dims, scratch } = this;
    const { cellLines, constrained, counts } = t;
    const loose = (c: number): boolean => {
      for (let d = 0; d < dims; d++) if (d !== p && d !== q && constrained[cellLines[c * dims + d]]) return false;
      return true;
    };
    if (mode !== PROOF && !loose(cell)) return null;
    const lines = t.lineMembers.length;
    const node = (c: number, d: number): number => {
      const line = cellLines[c * dims + d];
      if (constrained[line]) return line;
      if (mode === PROOF) return lines;
      return d === q ? lines + 1 : lines + 2;
    };
    const row = node(cell, q);
    const col = node(cell, p);
    if (row === col) return canIncrease(t, cell) || canDecrease(t, cell) ? { cells: [cell], cost: 0 } : null;
    // Adjacency as linked lists over the plane's edges, in rank order.
    const stamp = ++scratch.stamp;
    const { head, next, entry, seen, done, via, cost, hops } = scratch;
    const plane = this.plane(cell, p, q);
    let entries = 0;
    const link = (v: number, c: number): void => {
      if (seen[v] !== stamp) {
        seen[v] = stamp;
        head[v] = -1;
      }
      entry[entries] = c;
      next[entries] = head[v];
      head[v] = entries++;
    };
    for (let i = plane.length - 1; i >= 0; i--) {
      const c = plane[i];
      if (c === cell || (mode === WITNESS && !suppressed[c]) || (mode !== PROOF && !loose(c))) continue;
      link(node(c, q), c);
      link(node(c, p), c);
    }
    this.budget.spend(8 * plane.length + 1);
    const search = (from: number, to: number): { cells: number[]; cost: number } | null => {
      // Dijkstra on (cost of visible cells, cells); for WITNESS and PROOF costs are all 0.
      const run = ++scratch.stamp;
      const heap = new MinHeap();
      const reach = (v: number, c: number, h: number, e: number): void => {
        if (done[v] === run) return;
        if (scratch.reached[v] === run && (c > cost[v] || (c === cost[v] && h >= hops[v]))) return;
        scratch.reached[v] = run;
        cost[v] = c;
        hops[v] = h;
        via[v] = e;
        heap.push(c, h, v);
      };
      via[from] = -1;
      reach(from, 0, 0, -1);
      let steps = 0;
      while (heap.size > 0) {
        const u = heap.pop();
        if (done[u] === run) continue;
        done[u] = run;
        if (u === to) {
          this.budget.spend(steps);
          const cells = [cell];
          for (let v = to; v !== from; ) {
            const c = via[v];
            cells.push(c);
            const r = node(c, q);
            v = r === v ? node(c, p) : r;
          }
          return { cells, cost: cost[to] };
        }
        if (seen[u] !== stamp) continue;
        for (let i = head[u]; i >= 0; i = next[i]) {
          steps += 4;
          const c = entry[i];
          const r = node(c, q);
          const v = r === u ? (canIncrease(t, c) ? node(c, p) : -1) : canDecrease(t, c) ? r : -1;
          if (v < 0) continue;
          reach(v, cost[u] + (mode === REPAIR && !suppressed[c] ? counts[c] : 0), hops[u] + 1, c);
        }
      }
      this.budget.spend(steps);
      return null;
    };
    const up = canIncrease(t, cell) ? search(col, row) : null;
    if (up && mode !== REPAIR) return up;
    const down = canDecrease(t, cell) ? search(row, col) : null;
    if (!up) return down;
    if (!down) return up;
    return down.cost < up.cost || (down.cost === up.cost && down.cells.length < up.cells.length) ? down : up;
  }

  /** The cell at value id `v` along dimension `d` from `cell`, or −1 when absent. */
  private neighbour(cell: number, d: number, v: number): number {
    const at = this.t.cellLines[cell * this.dims + d] * this.width + v;
    return this.slot instanceof Int32Array ? this.slot[at] : (this.slot.get(at) ?? -1);
  }

  /**
   * A box through `cell`: among hidden cells, the first found; among all cells, the one hiding the
   * least (sum of newly hidden counts, then their number; ties by rank order of the partners).
   */
  private box(cell: number, suppressed: readonly boolean[], hiddenOnly: boolean): number[] | null {
    const { t, dims, coord, corners, parity, best, single } = this;
    const { cellLines, constrained, counts, isPrimary, lineMembers } = t;
    const top = t.k - 1;
    let size = 1;
    let bestSize = 0;
    let bestCost = Infinity;
    let bestFresh = Infinity;
    // Work: corners tried. Past BOX_WORK the search stops; once a box is found it may spend
    // BOX_REFINE_WORK more looking for a cheaper one.
    let spent = 0;
    let limit = BOX_WORK;
    corners[0] = cell;
    parity[0] = 0;
    const visit = (d: number, up: boolean, down: boolean, cost: number, fresh: number, paired: number): void => {
      if (d === dims) {
        if (paired === 0) return;
        for (let e = 0; e < dims; e++) {
          if (!single[e]) continue;
          for (let i = 0; i < size; i++) if (constrained[cellLines[corners[i] * dims + e]]) return;
        }
        best.set(corners.subarray(0, size));
        if (bestSize === 0) limit = Math.min(limit, spent + BOX_REFINE_WORK);
        bestSize = size;
        bestCost = cost;
        bestFresh = fresh;
        return;
      }
      const line = cellLines[cell * dims + d];
      const members = lineMembers[line];
      for (let m = 0; m < members.length; m++) {
        if ((spent += size) > limit) return;
        const partner = members[m];
        if (partner === cell || (hiddenOnly && !suppressed[partner])) continue;
        const v = coord[partner * dims + d];
        let u = up;
        let w = down;
        let c2 = cost;
        let f2 = fresh;
        let ok = true;
        for (let i = 0; i < size; i++) {
          const x = this.neighbour(corners[i], d, v);
          if (x < 0 || (hiddenOnly && !suppressed[x])) {
            ok = false;
            break;
          }
          // With +1 at `cell`, corners of odd parity move by −1 (and the reverse for −1).
          const p = parity[i] ^ 1;
          const canUp = !isPrimary[x] || counts[x] < top;
          const canDown = counts[x] > 1;
          u &&= p === 0 ? canUp : canDown;
          w &&= p === 0 ? canDown : canUp;
          if (!suppressed[x]) {
            c2 += counts[x];
            f2++;
          }
          if (!(u || w) || c2 > bestCost || (c2 === bestCost && f2 >= bestFresh)) {
            ok = false;
            break;
          }
          corners[size + i] = x;
          parity[size + i] = p;
        }
        if (ok) {
          const before = size;
          size *= 2;
          visit(d + 1, u, w, c2, f2, paired + 1);
          size = before;
        }
        if (hiddenOnly && bestSize > 0) return;
      }
      // A single value along d: every line of the box along d must be below k (checked again at
      // the end for corners added later).
      for (let i = 0; i < size; i++) if (constrained[cellLines[corners[i] * dims + d]]) return;
      single[d] = 1;
      visit(d + 1, up, down, cost, fresh, paired);
      single[d] = 0;
    };
    visit(0, canIncrease(t, cell), canDecrease(t, cell), 0, 0, 0);
    this.budget.spend(spent);
    return bestSize > 0 ? Array.from(best.subarray(0, bestSize)) : null;
  }

  /**
   * Depth-first search for a move through `cell`, in rounds of growing size (sum of |entries|).
   * Entries may exceed 1 where the bounds leave room (a cell below k in lines below k can take
   * up twice what one line gives, say).
   */
  private moveSearch(cell: number, suppressed: readonly boolean[], hiddenOnly: boolean, limit: number, largest: number): number[] | null {
    this.suppressed = suppressed;
    this.hiddenOnly = hiddenOnly;
    this.nodes = 0;
    this.nodeLimit = limit;
    try {
      for (const size of DFS_SIZES) {
        if (size > largest) break;
        for (const s of [1, -1]) {
          if (!this.canStep(cell, s)) continue;
          this.step(cell, s);
          const found = this.dfs(1, size);
          const move = found ? [...new Set(this.steps)] : null;
          while (this.steps.length > 0) this.unstep();
          if (move) return move;
        }
        if (this.nodes > this.nodeLimit) return null;
      }
      return null;
    } finally {
      this.budget.spend(this.nodes);
    }
  }

  /** Whether `cell` can move one more unit in direction `s` (never reversing, within bounds). */
  private canStep(cell: number, s: number): boolean {
    const { t } = this;
    const d = this.delta[cell];
    if (d * s < 0) return false;
    const next = Math.abs(d) + 1;
    if (s > 0) return !t.isPrimary[cell] || t.counts[cell] + next <= t.k - 1;
    return t.counts[cell] - next >= 1;
  }

  /** Pass 0: cells free to use (hidden, or already in the move); pass 1 (repairs only): the rest. */
  private usable(cell: number, pass: number): boolean {
    const cheap = this.suppressed[cell] || this.delta[cell] !== 0;
    return pass === 0 ? cheap : !cheap;
  }

  private dfs(size: number, max: number): boolean {
    this.nodes += 1 + this.openCount;
    if (this.nodes > this.nodeLimit) return false;
    const passes = this.hiddenOnly ? 1 : 2;
    if (this.openCount === 0) {
      if (this.totalImbalance === 0) return true;
      if (size >= max) return false;
      // Every constrained line balances but the total does not: a cell in a line below k must
      // move against it.
      const s = this.totalImbalance > 0 ? -1 : 1;
      this.nodes += this.looseCells.length;
      for (let pass = 0; pass < passes; pass++) {
        for (const c of this.looseCells) {
          if (!this.usable(c, pass) || !this.canStep(c, s)) continue;
          this.step(c, s);
          if (this.dfs(size + 1, max)) return true;
          this.unstep();
          if (this.nodes > this.nodeLimit) return false;
        }
      }
      return false;
    }
    if (size + Math.ceil(this.openSum / this.dims) > max) return false;
    // The open line with the fewest candidates; every completion must step one of them.
    let bestLine = -1;
    let bestCount = Infinity;
    for (let i = 0; i < this.openCount; i++) {
      const line = this.open[i];
      const s = this.imbalance[line] > 0 ? -1 : 1;
      let count = 0;
      const members = this.t.lineMembers[line];
      this.nodes += members.length;
      for (const c of members) {
        if ((!this.hiddenOnly || this.usable(c, 0)) && this.canStep(c, s) && ++count >= bestCount) break;
      }
      if (count < bestCount) {
        bestCount = count;
        bestLine = line;
        if (count === 0) return false;
      }
    }
    // Candidates that close other open lines (or sit in lines below k) first, then free ones
    // (hidden, or already moving) before visible ones, then rank.
    const s = this.imbalance[bestLine] > 0 ? -1 : 1;
    const { cellLines, constrained } = this.t;
    const candidates: number[] = [];
    const score: number[] = [];
    for (let pass = 0; pass < passes; pass++) {
      for (const c of this.t.lineMembers[bestLine]) {
        if (!this.usable(c, pass) || !this.canStep(c, s)) continue;
        let gain = 0;
        for (let d = 0; d < this.dims; d++) {
          const line = cellLines[c * this.dims + d];
          if (line === bestLine || !constrained[line]) continue;
          const imbalance = this.imbalance[line];
          gain += imbalance * s < 0 ? 1 : imbalance === 0 ? -1 : -2;
        }
        candidates.push(c);
        score.push(gain * 2 - pass);
      }
    }
    this.nodes += candidates.length * this.dims;
    const order = candidates.map((_, i) => i).sort((a, b) => score[b] - score[a] || a - b);
    for (const i of order) {
      const c = candidates[i];
      this.step(c, s);
      if (this.dfs(size + 1, max)) return true;
      this.unstep();
      if (this.nodes > this.nodeLimit) return false;
    }
    return false;
  }

  private step(cell: number, s: number): void {
    this.delta[cell] += s;
    this.steps.push(cell);
    this.stepSigns.push(s);
    this.shift(cell, s);
  }

  private unstep(): void {
    const cell = this.steps.pop()!;
    const s = this.stepSigns.pop()!;
    this.delta[cell] -= s;
    this.shift(cell, -s);
  }

  private shift(cell: number, s: number): void {
    const { cellLines, constrained } = this.t;
    this.totalImbalance += s;
    for (let d = 0; d < this.dims; d++) {
      const line = cellLines[cell * this.dims + d];
      if (!constrained[line]) continue;
      const before = this.imbalance[line];
      const after = before + s;
      this.imbalance[line] = after;
      this.openSum += Math.abs(after) - Math.abs(before);
      if (before === 0) {
        this.openPos[line] = this.openCount;
        this.open[this.openCount++] = line;
      } else if (after === 0) {
        const pos = this.openPos[line];
        const last = this.open[--this.openCount];
        this.open[pos] = last;
        this.openPos[last] = pos;
        this.openPos[line] = -1;
      }
    }
  }

  /**
   * Bounds on every cell with every cell hidden, from the sums the attacker knows (constrained
   * lines, the table total, the total less one dimension's constrained lines), propagated over
   * integers (each cell ≥ 1, primaries ≤ k − 1); a cell whose bounds meet is pinned whatever is
   * hidden. With `eliminating`, exact elimination of the sums first gives the cells they determine
   * outright, and its reduced rows join the propagation. Sound, not complete: elimination stops,
   * unfinished but still sound, after `ELIMINATION_WORK` operations or when a coefficient would
   * leave the safe-integer range; propagation after `PROPAGATION_WORK` per cell. Both count
   * against the audit's work.
   */
  private prove(eliminating: boolean): Proof {
    const { t, dims } = this;
    const { n, k, counts, isPrimary, cellLines, lineMembers, constrained } = t;
    const rows: SparseRow[] = [];
    const addSum = (cells: readonly number[]): void => {
      if (cells.length === 0) return;
      let rhs = 0;
      for (const c of cells) rhs += counts[c];
      rows.push({ cols: [...cells], vals: cells.map(() => 1), rhs });
    };
    for (let l = 0; l < lineMembers.length; l++) if (constrained[l]) addSum(lineMembers[l]);
    addSum(t.byKey);
    // Columns in key order while eliminating, so pivots do not depend on the input order.
    const pos = new Int32Array(n);
    t.byKey.forEach((c, p) => (pos[c] = p));
    const elimination = eliminating
      ? eliminate(
          rows.map((r) => ({ ...r, cols: r.cols.map((c) => pos[c]) })),
          Math.min(ELIMINATION_WORK, this.budget.left),
        )
      : { rows: [], work: 0 };
    this.budget.spend(elimination.work);
    const reduced = elimination.rows.map((r) => ({ ...r, cols: r.cols.map((p) => t.byKey[p]) }));
    // The table total minus one dimension's constrained lines: the sum of its lines below k.
    for (let d = 0; d < dims; d++) {
      const loose = t.byKey.filter((c) => !constrained[cellLines[c * dims + d]]);
      if (loose.length < n) addSum(loose);
    }
    const all = [...rows, ...reduced.filter((r) => r.cols.length > 1)];
    const lo = new Float64Array(n).fill(1);
    const hi = new Float64Array(n);
    for (let c = 0; c < n; c++) hi[c] = isPrimary[c] ? k - 1 : Infinity;
    for (const r of reduced) {
      if (r.cols.length !== 1) continue;
      const c = r.cols[0];
      lo[c] = hi[c] = counts[c];
    }
    const of: number[][] = Array.from({ length: n }, () => []);
    all.forEach((row, e) => {
      for (const c of row.cols) of[c].push(e);
    });
    const run = propagate(all, of, lo, hi, all.map((_, e) => e), Math.min(PROPAGATION_WORK * (n + 16), this.budget.left));
    this.budget.spend(run.work);
    return { rows: all, of, lo, hi };
  }

  /**
   * Whether `cell` is pinned with every cell hidden, by refutation: propagation from "one more"
   * and from "one less" than its count each end with crossing bounds. Sound like `prove`.
   */
  private pinned(proof: Proof, cell: number): boolean {
    const { rows, of, lo, hi } = proof;
    if (lo[cell] === hi[cell]) return true;
    const count = this.t.counts[cell];
    for (const [from, to] of [[count + 1, hi[cell]], [lo[cell], count - 1]]) {
      if (from > to) continue;
      const run = propagate(rows, of, ...narrowed(lo, hi, cell, from, to), of[cell], Math.min(PROPAGATION_WORK * (this.t.n + 16), this.budget.left));
      this.budget.spend(run.work + this.t.n);
      if (run.feasible) return false;
    }
    return true;
  }
}

/** What `prove` found: the equations, the rows holding each cell, bounds with every cell hidden. */
interface Proof {
  rows: SparseRow[];
  of: number[][];
  lo: Float64Array;
  hi: Float64Array;
}

/** A linear equation Σ vals[i]·x[cols[i]] = rhs with integer coefficients. */
interface SparseRow {
  cols: number[];
  vals: number[];
  rhs: number;
}

/** Operations Gauss–Jordan elimination may spend on one table. */
const ELIMINATION_WORK = 200_000;
/** Row visits propagation may spend, per cell. */
const PROPAGATION_WORK = 200;

/** Copies of the bounds with `cell` restricted to [from, to]. */
function narrowed(lo: Float64Array, hi: Float64Array, cell: number, from: number, to: number): [Float64Array, Float64Array] {
  const l = lo.slice();
  const h = hi.slice();
  l[cell] = from;
  h[cell] = to;
  return [l, h];
}

function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * Gauss–Jordan elimination over the integers (rows scaled to coprime entries), in row order; the
 * pivot of each row is its column with the smallest |coefficient|, then the smallest index. Returns
 * the reduced rows found so far: each is implied by the input, so the result is sound even when
 * work or the safe-integer range runs out and elimination stops early.
 */
function eliminate(input: readonly SparseRow[], limit: number): { rows: SparseRow[]; work: number } {
  const rows: SparseRow[] = [];
  const pivots: number[] = [];
  const pivotRow = new Map<number, number>();
  let work = 0;
  for (const next of input) {
    if (work > limit) break;
    const order = next.cols.map((_, i) => i).sort((a, b) => next.cols[a] - next.cols[b]);
    let row: SparseRow | null = { cols: order.map((i) => next.cols[i]), vals: order.map((i) => next.vals[i]), rhs: next.rhs };
    // Earlier pivot rows hold no other pivot column, so one pass clears them all.
    for (const c of row.cols.filter((col) => pivotRow.has(col))) {
      const p = pivotRow.get(c)!;
      row = cancel(row, rows[p], c, -1);
      if (!row) break;
      work += row.cols.length + rows[p].cols.length;
    }
    if (!row) break;
    if (row.cols.length === 0) continue;
    let at = 0;
    for (let i = 1; i < row.cols.length; i++) if (Math.abs(row.vals[i]) < Math.abs(row.vals[at])) at = i;
    const pivot = row.cols[at];
    if (row.vals[at] < 0) row = { cols: row.cols, vals: row.vals.map((v) => -v), rhs: -row.rhs };
    // Clear the new pivot from the earlier rows; commit only when every row could be updated.
    const updates: Array<[number, SparseRow]> = [];
    let ok = true;
    for (let i = 0; i < rows.length && ok; i++) {
      if (coefficient(rows[i], pivot) === 0) continue;
      const updated = cancel(rows[i], row, pivot, pivots[i]);
      if (updated) {
        updates.push([i, updated]);
        work += rows[i].cols.length + row.cols.length;
      } else ok = false;
    }
    work += rows.length;
    if (!ok) break;
    for (const [i, updated] of updates) rows[i] = updated;
    pivotRow.set(pivot, rows.length);
    pivots.push(pivot);
    rows.push(row);
  }
  return { rows, work };
}

/** Coefficient of column `col` in a row (columns ascending), 0 when absent. */
function coefficient(row: SparseRow, col: number): number {
  let lo = 0;
  let hi = row.cols.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = row.cols[mid];
    if (c === col) return row.vals[mid];
    if (c < col) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}

/**
 * row·a − other·b, with a and b the two rows' coefficients at `col` so that it cancels, divided by
 * the gcd of its entries and made positive at column `sign` (if present); null when a value leaves
 * the safe-integer range. Columns ascending, like its inputs.
 */
function cancel(row: SparseRow, other: SparseRow, col: number, sign: number): SparseRow | null {
  const a = coefficient(other, col);
  const b = coefficient(row, col);
  const cols: number[] = [];
  const vals: number[] = [];
  let i = 0;
  let j = 0;
  let g = 0;
  while (i < row.cols.length || j < other.cols.length) {
    const ci = i < row.cols.length ? row.cols[i] : Infinity;
    const cj = j < other.cols.length ? other.cols[j] : Infinity;
    let v: number;
    let c: number;
    if (ci < cj) {
      c = ci;
      v = row.vals[i++] * a;
    } else if (cj < ci) {
      c = cj;
      v = -other.vals[j++] * b;
    } else {
      c = ci;
      v = row.vals[i++] * a - other.vals[j++] * b;
    }
    if (v === 0) continue;
    if (!Number.isSafeInteger(v)) return null;
    cols.push(c);
    vals.push(v);
    g = gcd(g, v);
  }
  let rhs = row.rhs * a - other.rhs * b;
  if (!Number.isSafeInteger(rhs)) return null;
  g = gcd(g, rhs);
  const at = cols.indexOf(sign);
  const f = (at >= 0 && vals[at] < 0 ? -1 : 1) / (g || 1);
  if (f !== 1) {
    for (let k = 0; k < vals.length; k++) vals[k] *= f;
    rhs *= f;
  }
  return { cols, vals, rhs };
}

function floorDiv(p: number, q: number): number {
  let f = Math.floor(p / q);
  while (f * q > p) f--;
  while ((f + 1) * q <= p) f++;
  return f;
}

/**
 * Integer bounds propagation: each row bounds each of its cells by the range the others leave.
 * Tightens `lo`/`hi` in place; every bound it derives holds for all integer solutions. Returns
 * false when it finds there are none (some cell's bounds cross).
 */
function propagate(
  rows: readonly SparseRow[],
  of: readonly (readonly number[])[],
  lo: Float64Array,
  hi: Float64Array,
  start: readonly number[],
  limit: number,
): { feasible: boolean; work: number } {
  const queued = new Uint8Array(rows.length);
  const queue = [...start];
  for (const e of start) queued[e] = 1;
  let work = 0;
  for (let head = 0; head < queue.length && work < limit; head++) {
    const e = queue[head];
    queued[e] = 0;
    const { cols, vals, rhs } = rows[e];
    work += 2 * cols.length;
    // Range of Σ vals·x: finite parts and the number of unbounded terms each way.
    let min = 0;
    let max = 0;
    let minInf = 0;
    let maxInf = 0;
    for (let i = 0; i < cols.length; i++) {
      const a = vals[i];
      const c = cols[i];
      if (a > 0) {
        min += a * lo[c];
        if (hi[c] === Infinity) maxInf++;
        else max += a * hi[c];
      } else {
        max += a * lo[c];
        if (hi[c] === Infinity) minInf++;
        else min += a * hi[c];
      }
    }
    for (let i = 0; i < cols.length; i++) {
      const a = vals[i];
      const c = cols[i];
      const unbounded = hi[c] === Infinity;
      // Range of the other terms.
      let oMin: number;
      let oMax: number;
      if (a > 0) {
        oMin = minInf > 0 ? -Infinity : min - a * lo[c];
        oMax = maxInf - (unbounded ? 1 : 0) > 0 ? Infinity : max - (unbounded ? 0 : a * hi[c]);
      } else {
        oMin = minInf - (unbounded ? 1 : 0) > 0 ? -Infinity : min - (unbounded ? 0 : a * hi[c]);
        oMax = maxInf > 0 ? Infinity : max - a * lo[c];
      }
      // a·x = rhs − others ∈ [rhs − oMax, rhs − oMin].
      const left = rhs - oMax;
      const right = rhs - oMin;
      let newLo = lo[c];
      let newHi = hi[c];
      if (a > 0) {
        if (left !== -Infinity) newLo = Math.max(newLo, -floorDiv(-left, a));
        if (right !== Infinity) newHi = Math.min(newHi, floorDiv(right, a));
      } else {
        if (right !== Infinity) newLo = Math.max(newLo, -floorDiv(right, -a));
        if (left !== -Infinity) newHi = Math.min(newHi, floorDiv(-left, -a));
      }
      if (newLo > newHi) return { feasible: false, work };
      if (newLo > lo[c] || newHi < hi[c]) {
        lo[c] = newLo;
        hi[c] = newHi;
        for (const f of of[c]) {
          if (f !== e && !queued[f]) {
            queued[f] = 1;
            queue.push(f);
          }
        }
      }
    }
  }
  return { feasible: true, work };
}
