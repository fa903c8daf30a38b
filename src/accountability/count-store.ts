import type { EntityManager } from '@mikro-orm/knex';
import { transactionSession, type SqlSession } from '../database/sql-session';
import type { CellChange, CountChanges, SerializedChanges } from './count-changes';
import { APPLICATION_DIMENSIONS, DIMENSION_COLUMN, PERSON_DIMENSIONS } from './dimensions';

/** A stored cell: key values in stored order, then the count. */
export type StoredCell = [values: string[], count: number];

export interface CountSnapshot {
  version: number;
  applications: StoredCell[];
  people: StoredCell[];
}

export interface JournalEntry {
  version: number;
  changes: SerializedChanges;
}

export interface CellDifference {
  measure: 'APPLICATIONS' | 'PEOPLE';
  key: string[];
  stored: number;
  recounted: number;
}

const APPLICATION_COLUMNS = APPLICATION_DIMENSIONS.map((d) => DIMENSION_COLUMN[d]);
const PERSON_COLUMNS = PERSON_DIMENSIONS.map((d) => DIMENSION_COLUMN[d]);
/** Rows per multi-row upsert: 9 parameters each stays far below SQLite's variable limit. */
const UPSERT_CHUNK = 500;
/** Journal entries kept behind the newest; a process further behind reloads the cells. */
export const JOURNAL_KEEP = 10_000;
const PRUNE_EVERY = 1_000;
/** Cells per read when loading them (see readCells). */
export const LOAD_CHUNK = 5_000;

/**
 * The persistent side of the counts: the cell tables, their version and journal. All SQL is
 * plain and portable (SQLite ≥ 3.24 and PostgreSQL both have `insert … on conflict do update`).
 */
export class CountStore {
  private written = 0;

  /**
   * The newest version this process has written (committed or not yet): a process that heard of
   * an older one must read the version row to see its own writes (CountVersionWatch).
   */
  get writtenHere(): number {
    return this.written;
  }

  /**
   * Applies the changes inside the caller's transaction (call it from `em.transactional`), after
   * the base rows they describe were written. Increments the version first — a row lock, so
   * count changes commit in version order across processes — then upserts the cells and appends
   * the journal entry. Returns the new version, or null when there was nothing to change.
   */
  async write(em: EntityManager, changes: CountChanges): Promise<number | null> {
    if (changes.isEmpty) return null;
    const serialized = changes.serialize();
    // On the transaction's driver connection: a bulk batch changes thousands of cells.
    const session = await transactionSession(em);
    const [row] = await session.all<{ version: number | string }>('update count_version set version = version + 1 where id = 1 returning version');
    if (!row) throw new Error('count_version is missing; run the migrations');
    const version = Number(row.version);
    this.written = Math.max(this.written, version);
    await upsert(session, 'count_cell', APPLICATION_COLUMNS, serialized.a);
    await upsert(session, 'person_count_cell', PERSON_COLUMNS, serialized.p);
    await session.run('insert into count_journal (version, changes) values (?, ?)', [version, JSON.stringify(serialized)]);
    if (version % PRUNE_EVERY === 0) await session.run('delete from count_journal where version <= ?', [version - JOURNAL_KEEP]);
    return version;
  }

  async version(em: EntityManager): Promise<number> {
    const [row] = (await em.execute('select version from count_version where id = 1', [], 'all')) as Array<{ version: number | string }>;
    if (!row) throw new Error('count_version is missing; run the migrations');
    return Number(row.version);
  }

  /** Journal entries after `version`, oldest first. */
  async journalSince(em: EntityManager, version: number): Promise<JournalEntry[]> {
    const rows = (await em.execute('select version, changes from count_journal where version > ? order by version', [version], 'all')) as Array<{
      version: number | string;
      changes: string;
    }>;
    return rows.map((row) => ({ version: Number(row.version), changes: JSON.parse(row.changes) as SerializedChanges }));
  }

  /**
   * Every non-zero cell and the version they belong to. Call inside a transaction with a stable
   * snapshot (REPEATABLE READ on PostgreSQL; any read transaction on SQLite).
   */
  async snapshot(em: EntityManager): Promise<CountSnapshot> {
    const snapshot: CountSnapshot = { version: 0, applications: [], people: [] };
    snapshot.version = await this.readCells(em, (measure, cells) => snapshot[measure].push(...cells));
    return snapshot;
  }

  /**
   * Every non-zero cell, handed to `onCells` LOAD_CHUNK at a time in key order (keyset paging on
   * the primary key), and the version they belong to. Each chunk's row objects are garbage before
   * the next is read: one read of 273,396 cells at 10^6 registrants left ~130 MB of them in the old
   * generation, and every young-generation GC after was ~1 ms slower until a full GC. Call inside a
   * transaction with a stable snapshot, as `snapshot`.
   */
  async readCells(em: EntityManager, onCells: (measure: 'applications' | 'people', cells: StoredCell[]) => void): Promise<number> {
    const version = await this.version(em);
    for (const [measure, table, columns] of [
      ['applications', 'count_cell', APPLICATION_COLUMNS],
      ['people', 'person_count_cell', PERSON_COLUMNS],
    ] as const) {
      const key = columns.join(', ');
      let after: Array<string | number> = [];
      for (;;) {
        const where = after.length ? ` and (${key}) > (${columns.map(() => '?').join(', ')})` : '';
        const rows = (await em.execute(`select ${key}, count as n from ${table} where count <> 0${where} order by ${key} limit ${LOAD_CHUNK}`, after, 'all')) as Array<
          Record<string, string | number>
        >;
        if (rows.length > 0) onCells(measure, rows.map((row) => storedCell(row, columns)));
        if (rows.length < LOAD_CHUNK) break;
        const last = rows[rows.length - 1]!;
        after = columns.map((c) => last[c]!);
      }
    }
    return version;
  }

  /** Counts recomputed from the base tables (subjects and applications). */
  async recount(em: EntityManager): Promise<{ applications: StoredCell[]; people: StoredCell[] }> {
    const select = (alias: Record<string, string>, columns: string[]) => columns.map((c) => (c === 'rejection_reason' ? `coalesce(a.rejection_reason, '') as rejection_reason` : `${alias[c] ?? 's'}.${c} as ${c}`)).join(', ');
    const fromApplication = { wave_number: 'a', outcome: 'a' };
    const groupBy = (columns: string[]) => columns.map((c) => (c === 'rejection_reason' ? `coalesce(a.rejection_reason, '')` : `${fromApplication[c as keyof typeof fromApplication] ?? 's'}.${c}`)).join(', ');
    const applications = await cells(
      em,
      `select ${select(fromApplication, APPLICATION_COLUMNS)}, count(*) as n from application a join subject s on s.id = a.subject_id group by ${groupBy(APPLICATION_COLUMNS)}`,
      APPLICATION_COLUMNS,
    );
    const people = await cells(
      em,
      `select ${select(fromApplication, PERSON_COLUMNS)}, count(*) as n from subject s join application a on a.subject_id = s.id ` +
        `where a.wave_number = (select max(l.wave_number) from application l where l.subject_id = s.id) group by ${groupBy(PERSON_COLUMNS)}`,
      PERSON_COLUMNS,
    );
    return { applications, people };
  }

  /**
   * Replaces every cell with a recount of the base tables and starts a new version whose journal
   * cannot be followed (every process reloads). For bulk maintenance only; call in a transaction.
   */
  async rebuild(em: EntityManager): Promise<number> {
    const recounted = await this.recount(em);
    await em.execute('update count_version set version = version + 1 where id = 1', [], 'run');
    const version = await this.version(em);
    this.written = Math.max(this.written, version);
    await em.execute('delete from count_cell', [], 'run');
    await em.execute('delete from person_count_cell', [], 'run');
    await em.execute('delete from count_journal', [], 'run');
    const session = await transactionSession(em);
    await upsert(session, 'count_cell', APPLICATION_COLUMNS, recounted.applications);
    await upsert(session, 'person_count_cell', PERSON_COLUMNS, recounted.people);
    return version;
  }

  /** Every cell whose stored count differs from a recount of the base tables. Reads only. */
  async reconcile(em: EntityManager): Promise<CellDifference[]> {
    const stored = await this.snapshot(em);
    const recounted = await this.recount(em);
    return [...compare('APPLICATIONS', stored.applications, recounted.applications), ...compare('PEOPLE', stored.people, recounted.people)];
  }
}

/**
 * Adds each change to its cell, creating missing cells. PostgreSQL: one statement over arrays
 * (`unnest`), whatever the number of cells. SQLite: multi-row statements of UPSERT_CHUNK rows,
 * then one row at a time for the rest, so only two statement texts are ever prepared.
 */
async function upsert(session: SqlSession, table: string, columns: string[], changes: CellChange[]): Promise<void> {
  if (changes.length === 0) return;
  const conflict = `on conflict (${columns.join(', ')}) do update set count = ${table}.count + excluded.count`;
  const keyValue = (column: string, value: string) => (column === 'wave_number' ? Number(value) : value);
  if (session.dialect === 'postgresql') {
    const arrays = columns.map((column, i) => changes.map(([values]) => keyValue(column, values[i]!)));
    const types = columns.map((c) => (c === 'wave_number' ? 'int[]' : 'text[]'));
    await session.run(
      `insert into ${table} (${columns.join(', ')}, count) select * from unnest(${types.map((t) => `?::${t}`).join(', ')}, ?::bigint[]) ${conflict}`,
      [...arrays, changes.map(([, delta]) => delta)],
    );
    return;
  }
  const row = `(${columns.map(() => '?').join(', ')}, ?)`;
  const statement = (rows: number) => `insert into ${table} (${columns.join(', ')}, count) values ${Array.from({ length: rows }, () => row).join(', ')} ${conflict}`;
  const params = (chunk: CellChange[]) => chunk.flatMap(([values, delta]) => [...values.map((v, i) => keyValue(columns[i]!, v)), delta]);
  let offset = 0;
  for (; offset + UPSERT_CHUNK <= changes.length; offset += UPSERT_CHUNK) await session.run(statement(UPSERT_CHUNK), params(changes.slice(offset, offset + UPSERT_CHUNK)));
  for (; offset < changes.length; offset++) await session.run(statement(1), params([changes[offset]!]));
}

async function cells(em: EntityManager, sql: string, columns: string[]): Promise<StoredCell[]> {
  const rows = (await em.execute(sql, [], 'all')) as Array<Record<string, string | number>>;
  return rows.map((row) => storedCell(row, columns));
}

/** A cell row (key columns, then its count as `n`) as a StoredCell. */
function storedCell(row: Record<string, string | number>, columns: readonly string[]): StoredCell {
  return [columns.map((c) => String(row[c])), Number(row.n)];
}

function compare(measure: CellDifference['measure'], stored: StoredCell[], recounted: StoredCell[]): CellDifference[] {
  const byKey = new Map<string, { key: string[]; stored: number; recounted: number }>();
  for (const [key, n] of stored) byKey.set(key.join('|'), { key, stored: n, recounted: 0 });
  for (const [key, n] of recounted) {
    const entry = byKey.get(key.join('|'));
    if (entry) entry.recounted = n;
    else byKey.set(key.join('|'), { key, stored: 0, recounted: n });
  }
  return [...byKey.values()].filter((e) => e.stored !== e.recounted).map((e) => ({ measure, ...e }));
}
