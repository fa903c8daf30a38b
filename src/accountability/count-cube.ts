import type { CellChange, SerializedChanges } from './count-changes';
import type { StoredCell } from './count-store';
import { APPLICATION_DIMENSIONS, Dimension, PERSON_DIMENSIONS } from './dimensions';

/** A grouped count: the values of the grouped dimensions (in the order asked) and the sum. */
export interface GroupedCount {
  values: string[];
  count: number;
}

/** Per dimension, the values a query keeps; a dimension absent from the map is not filtered. */
export type CellFilter = ReadonlyMap<Dimension, ReadonlySet<string>>;

/** Interns one dimension's values as small integer codes. */
class Codebook {
  private readonly codes = new Map<string, number>();
  readonly values: string[] = [];

  code(value: string): number {
    let code = this.codes.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.codes.set(value, code);
      this.values.push(value);
    }
    return code;
  }

  get size(): number {
    return this.values.length;
  }

  has(value: string): boolean {
    return this.codes.has(value);
  }

  find(value: string): number | undefined {
    return this.codes.get(value);
  }
}

/** Largest group-key space summed into a flat array rather than a Map. */
const DENSE_LIMIT = 1 << 20;
/** Largest rollup kept: slots (combinations of codes) of the dimensions it keeps. */
const ROLLUP_SLOTS = 1 << 16;
/** Rollups kept per table, least recently used dropped first. */
const MAX_ROLLUPS = 32;

/** Cells as columns: per dimension of the source, a typed array of codes, and one of counts. */
interface Columns {
  /** Indexes (into the table's dimensions) of the columns present, ascending. */
  readonly dims: readonly number[];
  /** Parallel to `dims`. */
  readonly columns: readonly Uint16Array[];
  readonly counts: Float64Array;
  readonly rows: number;
}

/**
 * The table summed over the dimensions it leaves out, kept densely: one slot per combination of
 * the kept dimensions' codes, in mixed radix. Built by one pass over the table, then kept in step
 * with every change, so a query that only groups and filters by kept dimensions sums a few hundred
 * slots instead of every finest-grain cell.
 */
class Rollup implements Columns {
  readonly columns: Uint16Array[];
  readonly counts: Float64Array;
  readonly rows: number;
  private readonly strides: number[] = [];

  /** `sizes[i]` is the number of codes of dimension `dims[i]` when built; a later code invalidates the rollup. */
  constructor(
    readonly dims: readonly number[],
    readonly sizes: readonly number[],
  ) {
    let slots = 1;
    for (const size of sizes) {
      this.strides.push(slots);
      slots *= size;
    }
    this.rows = slots;
    this.counts = new Float64Array(slots);
    this.columns = sizes.map((size, i) => {
      const column = new Uint16Array(slots);
      const stride = this.strides[i]!;
      for (let slot = 0; slot < slots; slot++) column[slot] = Math.floor(slot / stride) % size;
      return column;
    });
  }

  /** Adds `delta` for a cell given by its codes on every table dimension; false when a code is new to this rollup. */
  add(codes: (d: number) => number, delta: number): boolean {
    let slot = 0;
    for (let i = 0; i < this.dims.length; i++) {
      const code = codes(this.dims[i]!);
      if (code >= this.sizes[i]!) return false;
      slot += code * this.strides[i]!;
    }
    this.counts[slot] += delta;
    return true;
  }
}

/**
 * One cell table held in memory, column-wise: a typed array of codes per dimension and one of
 * counts. Summing 10^6 cells for any grouping is a single pass over typed arrays; a query that
 * groups and filters by a few dimensions sums a small rollup of them instead (see Rollup).
 */
export class CellTable {
  private readonly codebooks: Codebook[];
  private readonly rowOf = new Map<string, number>();
  /** Keyed by the kept dimension indexes joined with ','; Map order is least recently used first. */
  private readonly rollups = new Map<string, Rollup>();
  private columns: Uint16Array[];
  private counts: Float64Array;
  private rows = 0;

  constructor(readonly dimensions: readonly Dimension[], capacity = 1024) {
    this.codebooks = dimensions.map(() => new Codebook());
    this.columns = dimensions.map(() => new Uint16Array(capacity));
    this.counts = new Float64Array(capacity);
  }

  get size(): number {
    return this.rows;
  }

  add(values: readonly string[], delta: number): void {
    const key = values.join('\u0000');
    let row = this.rowOf.get(key);
    if (row === undefined) {
      if (delta === 0) return;
      row = this.rows++;
      if (row === this.counts.length) this.grow();
      for (let d = 0; d < this.columns.length; d++) this.columns[d]![row] = this.codebooks[d]!.code(values[d]!);
      this.rowOf.set(key, row);
    }
    this.counts[row] += delta;
    if (this.rollups.size === 0) return;
    const at = row;
    const codes = (d: number) => this.columns[d]![at]!;
    for (const [name, rollup] of this.rollups) if (!rollup.add(codes, delta)) this.rollups.delete(name);
  }

  /**
   * Sums the cells that pass the filter, grouped by `groupBy` (a subset of this table's
   * dimensions). Groups with a zero sum are left out.
   */
  sum(groupBy: readonly Dimension[], filter: CellFilter): GroupedCount[] {
    const used = new Set<number>();
    for (const d of groupBy) used.add(this.indexOf(d));
    for (const d of filter.keys()) if (this.dimensions.includes(d)) used.add(this.indexOf(d));
    const rollup = used.size < this.dimensions.length ? this.rollup([...used].sort((a, b) => a - b)) : null;
    return this.scan(rollup ?? { dims: this.dimensions.map((_, i) => i), columns: this.columns, counts: this.counts, rows: this.rows }, groupBy, filter);
  }

  /** The rollup keeping `dims`, built on first use; null when it would hold more than ROLLUP_SLOTS slots. */
  private rollup(dims: number[]): Rollup | null {
    const name = dims.join(',');
    const kept = this.rollups.get(name);
    if (kept) {
      this.rollups.delete(name);
      this.rollups.set(name, kept);
      return kept;
    }
    const sizes = dims.map((d) => Math.max(this.codebooks[d]!.size, 1));
    if (sizes.reduce((a, b) => a * b, 1) > ROLLUP_SLOTS) return null;
    const rollup = new Rollup(dims, sizes);
    for (let row = 0; row < this.rows; row++) {
      const count = this.counts[row]!;
      if (count !== 0) rollup.add((d) => this.columns[d]![row]!, count);
    }
    if (this.rollups.size >= MAX_ROLLUPS) this.rollups.delete(this.rollups.keys().next().value!);
    this.rollups.set(name, rollup);
    return rollup;
  }

  private scan(source: Columns, groupBy: readonly Dimension[], filter: CellFilter): GroupedCount[] {
    const columnOf = (dimension: Dimension) => source.columns[source.dims.indexOf(this.indexOf(dimension))]!;
    const groupColumns = groupBy.map(columnOf);
    const groupBooks = groupBy.map((d) => this.codebooks[this.indexOf(d)]!);
    const strides: number[] = [];
    let space = 1;
    for (const book of groupBooks) {
      strides.push(space);
      space *= Math.max(book.size, 1);
    }
    const filterColumns: Uint16Array[] = [];
    const allowed: Uint8Array[] = [];
    for (const [dimension, values] of filter) {
      if (!this.dimensions.includes(dimension)) continue;
      const book = this.codebooks[this.indexOf(dimension)]!;
      const mask = new Uint8Array(Math.max(book.size, 1));
      let any = false;
      for (const value of values) {
        const code = book.find(value);
        if (code !== undefined) {
          mask[code] = 1;
          any = true;
        }
      }
      if (!any) return [];
      filterColumns.push(columnOf(dimension));
      allowed.push(mask);
    }

    const dense = space <= DENSE_LIMIT ? new Float64Array(space) : null;
    const sparse = dense ? null : new Map<number, number>();
    const counts = source.counts;
    const nFilters = filterColumns.length;
    const nGroups = groupColumns.length;
    rows: for (let row = 0; row < source.rows; row++) {
      const count = counts[row]!;
      if (count === 0) continue;
      for (let f = 0; f < nFilters; f++) if (allowed[f]![filterColumns[f]![row]!] === 0) continue rows;
      let key = 0;
      for (let g = 0; g < nGroups; g++) key += groupColumns[g]![row]! * strides[g]!;
      if (dense) dense[key] += count;
      else sparse!.set(key, (sparse!.get(key) ?? 0) + count);
    }

    const out: GroupedCount[] = [];
    const decode = (key: number, count: number) => {
      const values = groupBooks.map((book, g) => book.values[Math.floor(key / strides[g]!) % Math.max(book.size, 1)]!);
      out.push({ values, count });
    };
    if (dense) {
      for (let key = 0; key < space; key++) if (dense[key] !== 0) decode(key, dense[key]!);
    } else {
      for (const [key, count] of sparse!) if (count !== 0) decode(key, count);
    }
    return out;
  }

  private indexOf(dimension: Dimension): number {
    const index = this.dimensions.indexOf(dimension);
    if (index < 0) throw new Error(`CellTable: no dimension ${dimension}`);
    return index;
  }

  private grow(): void {
    const capacity = this.counts.length * 2;
    this.columns = this.columns.map((column) => {
      const grown = new Uint16Array(capacity);
      grown.set(column);
      return grown;
    });
    const counts = new Float64Array(capacity);
    counts.set(this.counts);
    this.counts = counts;
  }
}

/**
 * The whole count state of one data version, in memory: the application and person cell tables.
 * Kept up to date from the journal (CountStore) so that a query never touches the cell tables,
 * let alone registrants.
 */
export class CountCube {
  readonly applications = new CellTable(APPLICATION_DIMENSIONS);
  readonly people = new CellTable(PERSON_DIMENSIONS);

  constructor(public version: number) {}

  /** Adds stored cells to one table (loading; does not change the version). */
  addCells(measure: 'applications' | 'people', cells: StoredCell[]): void {
    const table = this[measure];
    for (const [values, count] of cells) table.add(values, count);
  }

  apply(version: number, changes: SerializedChanges): void {
    applyAll(this.applications, changes.a);
    applyAll(this.people, changes.p);
    this.version = version;
  }
}

function applyAll(table: CellTable, changes: CellChange[]): void {
  for (const [values, delta] of changes) table.add(values, delta);
}
