import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/knex';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import BetterSqlite3, { type Database as SqliteDatabase, type Statement } from 'better-sqlite3';
import { StringDecoder } from 'node:string_decoder';
import type { ClientBase } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { Database, Dialect } from './orm';

/**
 * A small SQL surface shared by code that must run the same statements either inside an ORM
 * transaction (`em.execute`) or straight on the driver, past the ORM, where every microsecond
 * counts (the access log's group commit, chain verification). Statements use `?` placeholders
 * on both dialects; rows come back as plain objects keyed by column name.
 */
export interface SqlSession {
  readonly dialect: Dialect;
  all<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  run(sql: string, params?: readonly unknown[]): Promise<void>;
  /** Rows as arrays in column order: cheaper than objects for long scans. */
  arrays(sql: string, params?: readonly unknown[]): Promise<unknown[][]>;
  /**
   * PostgreSQL only (undefined on SQLite): `COPY (query) TO STDOUT` in text format, rows as their
   * column values (null for NULL) in batches as they arrive, streamed with backpressure — the
   * cheapest way to read millions of rows.
   */
  copyRows?(query: string): AsyncIterable<Array<Array<string | null>>>;
}

/** A session over an ORM entity manager (inside its transaction when it has one). */
export function entityManagerSession(em: EntityManager): SqlSession {
  return {
    dialect: em.getDriver() instanceof PostgreSqlDriver ? 'postgresql' : 'sqlite',
    all: async <T>(sql: string, params: readonly unknown[] = []) => (await em.execute(sql, [...params], 'all')) as T[],
    run: async (sql, params = []) => {
      await em.execute(sql, [...params], 'run');
    },
    arrays: async (sql, params = []) => ((await em.execute(sql, [...params], 'all')) as Array<Record<string, unknown>>).map((row) => Object.values(row)),
  };
}

/**
 * A driver session on the connection of `em`'s open transaction (cached prepared statements, no
 * ORM formatting): for statements that must commit with the ORM's writes but run in bulk.
 * @throws Error when `em` has no open transaction.
 */
export async function transactionSession(em: EntityManager): Promise<SqlSession> {
  const trx = em.getTransactionContext<{ client: KnexClient }>();
  if (!trx) throw new Error('transactionSession: the entity manager has no open transaction');
  // Inside a knex transaction the client hands out the transaction's own connection.
  const connection = await trx.client.acquireConnection();
  return connectionSession(em.getDriver() instanceof PostgreSqlDriver ? 'postgresql' : 'sqlite', connection);
}

/** A session on one driver connection (a better-sqlite3 handle or a pg client). */
export function connectionSession(dialect: Dialect, connection: unknown): SqlSession {
  return dialect === 'postgresql' ? postgresSession(connection as ClientBase) : sqliteSession(connection as SqliteDatabase);
}

interface KnexClient {
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<void>;
}

/** The connection pool under the ORM; a connection taken from it is out of the ORM's hands until released. */
export function knexClient(database: Database): KnexClient {
  const connection = database.orm.em.getConnection() as unknown as { getKnex(): { client: KnexClient } };
  return connection.getKnex().client;
}

/**
 * Runs `work` on one driver connection taken from the ORM's pool. On SQLite that is the only
 * connection, so no ORM transaction runs meanwhile; keep the work short.
 */
export async function withDriverSession<T>(database: Database, work: (session: SqlSession) => Promise<T>): Promise<T> {
  const client = knexClient(database);
  const connection = await client.acquireConnection();
  try {
    return await work(connectionSession(database.dialect, connection));
  } finally {
    await client.releaseConnection(connection);
  }
}

/**
 * Runs `work` in a transaction on one driver connection: committed when it resolves, rolled back
 * when it throws. SQLite takes the write lock at BEGIN (IMMEDIATE), so a transaction that reads
 * and then writes can never fail half-way on a lock upgrade.
 */
export async function inDriverTransaction<T>(database: Database, work: (session: SqlSession) => Promise<T>): Promise<T> {
  return withDriverSession(database, async (session) => {
    await session.run(session.dialect === 'sqlite' ? 'begin immediate' : 'begin');
    let result: T;
    try {
      result = await work(session);
    } catch (error) {
      await session.run('rollback').catch(() => undefined);
      throw error;
    }
    await session.run('commit');
    return result;
  });
}

/**
 * Runs read-only `work` on one consistent snapshot of the database, however long it takes:
 * on PostgreSQL a REPEATABLE READ transaction on a pooled connection; on SQLite a read
 * transaction on a connection of its own (WAL lets writers go on meanwhile, and the ORM's single
 * connection stays free).
 */
export async function inReadSnapshot<T>(database: Database, work: (session: SqlSession) => Promise<T>): Promise<T> {
  if (database.dialect === 'postgresql') {
    return withDriverSession(database, async (session) => {
      await session.run('begin isolation level repeatable read read only');
      try {
        return await work(session);
      } finally {
        await session.run('rollback').catch(() => undefined);
      }
    });
  }
  const file = database.orm.config.get('dbName') as string;
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const session = sqliteSession(db);
    await session.run('begin');
    try {
      return await work(session);
    } finally {
      await session.run('rollback').catch(() => undefined);
    }
  } finally {
    db.close();
  }
}

const sqliteStatements = new WeakMap<SqliteDatabase, Map<string, Statement>>();

function sqliteSession(db: SqliteDatabase): SqlSession {
  let cache = sqliteStatements.get(db);
  if (!cache) sqliteStatements.set(db, (cache = new Map()));
  const statements = cache;
  const prepare = (sql: string, raw: boolean): Statement => {
    const key = raw ? `raw:${sql}` : sql;
    let statement = statements.get(key);
    if (!statement) {
      statement = db.prepare(sql);
      if (raw) statement.raw(true);
      statements.set(key, statement);
    }
    return statement;
  };
  return {
    dialect: 'sqlite',
    all: async <T>(sql: string, params: readonly unknown[] = []) => prepare(sql, false).all(...params) as T[],
    run: async (sql, params = []) => {
      const statement = prepare(sql, false);
      if (statement.reader) statement.all(...params);
      else statement.run(...params);
    },
    arrays: async (sql, params = []) => prepare(sql, true).all(...params) as unknown[][],
  };
}

/** `?` placeholders to `$n` (our statements never hold a literal question mark). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

const postgresText = new Map<string, { text: string; name: string }>();

/** Statements are prepared once per connection under a name derived from their text. */
function postgresStatement(sql: string): { text: string; name: string } {
  let statement = postgresText.get(sql);
  if (!statement) {
    statement = { text: numbered(sql), name: `samaran_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}` };
    if (postgresText.size < 1_000) postgresText.set(sql, statement);
  }
  return statement;
}

function postgresSession(client: ClientBase): SqlSession {
  const bare = (sql: string) => /^(begin|commit|rollback)\b/i.test(sql);
  return {
    dialect: 'postgresql',
    all: async <T>(sql: string, params: readonly unknown[] = []) => {
      const result = await client.query(bare(sql) ? sql : { ...postgresStatement(sql), values: [...params] });
      return result.rows as T[];
    },
    run: async (sql, params = []) => {
      await client.query(bare(sql) ? sql : { ...postgresStatement(sql), values: [...params] });
    },
    arrays: async (sql, params = []) => {
      const result = await client.query({ ...postgresStatement(sql), values: [...params], rowMode: 'array' });
      return result.rows as unknown[][];
    },
    copyRows: (query) => copyTextRows(client.query(copyTo(`copy (${query}) to stdout`))),
  };
}

/** Lines of COPY's text format into column values: tab-separated, `\N` for NULL, backslash escapes. */
async function* copyTextRows(stream: AsyncIterable<Buffer>): AsyncIterable<Array<Array<string | null>>> {
  let rest = '';
  const decoder = new StringDecoder('utf8');
  for await (const chunk of stream) {
    const lines = (rest + decoder.write(chunk)).split('\n');
    rest = lines.pop()!;
    yield lines.map((line) => line.split('\t').map(copyValue));
  }
  rest += decoder.end();
  if (rest) yield [rest.split('\t').map(copyValue)];
}

const COPY_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

function copyValue(field: string): string | null {
  if (field === '\\N') return null;
  return field.includes('\\') ? field.replace(/\\(.)/g, (_, c: string) => COPY_ESCAPES[c] ?? c) : field;
}
