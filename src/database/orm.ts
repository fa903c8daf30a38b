import fs from 'node:fs';
import path from 'node:path';
import { MikroORM, type Options } from '@mikro-orm/core';
import { BetterSqliteDriver } from '@mikro-orm/better-sqlite';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { EntityManager } from '@mikro-orm/knex';
import type { Config } from '../config';
import { ENTITIES } from './entities';
import { POSTGRESQL_MIGRATIONS, SQLITE_MIGRATIONS } from './migrations';

export type Dialect = 'sqlite' | 'postgresql';

export interface Database {
  readonly orm: MikroORM;
  readonly dialect: Dialect;
  /** A fresh EntityManager fork; one per request or job, never the global one. */
  fork(): EntityManager;
  /** Runs `hook` when the database is closed, before its pool (for connections of one's own). */
  onClose(hook: () => Promise<void>): void;
  close(): Promise<void>;
}

export function dialectOf(config: Pick<Config, 'databaseUrl'>): Dialect {
  return config.databaseUrl ? 'postgresql' : 'sqlite';
}

export function sqliteFile(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'samaran.sqlite');
}

function ormOptions(config: Config): Options {
  const shared = {
    entities: ENTITIES,
    extensions: [Migrator],
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    allowGlobalContext: false,
    forceUtcTimezone: true,
    debug: false,
    // MikroORM's logger would print query parameters (tokens, ciphertexts); never enable it.
    logger: () => undefined,
  } satisfies Partial<Options>;
  if (config.databaseUrl) {
    return {
      ...shared,
      driver: PostgreSqlDriver,
      clientUrl: config.databaseUrl,
      pool: { min: 0, max: 10 },
      migrations: { migrationsList: POSTGRESQL_MIGRATIONS, transactional: true, allOrNothing: true, silent: true },
    } as Options;
  }
  fs.mkdirSync(config.dataDir, { recursive: true });
  return {
    ...shared,
    driver: BetterSqliteDriver,
    dbName: sqliteFile(config),
    migrations: { migrationsList: SQLITE_MIGRATIONS, transactional: true, allOrNothing: true, silent: true },
  } as Options;
}

/**
 * Connects to the configured database (PostgreSQL when DATABASE_URL is set, else the SQLite file
 * in the data dir) and, unless told otherwise, applies pending migrations. SQLite runs in WAL
 * mode with foreign keys on.
 */
export async function openDatabase(config: Config, options: { migrate?: boolean } = {}): Promise<Database> {
  const orm = await MikroORM.init(ormOptions(config));
  const dialect = dialectOf(config);
  if (dialect === 'sqlite') {
    const connection = orm.em.getConnection();
    await connection.execute('pragma journal_mode = wal');
    await connection.execute('pragma synchronous = normal');
    await connection.execute('pragma foreign_keys = on');
    await connection.execute('pragma busy_timeout = 5000');
    // Deleted and overwritten content (a shredded data key, a minimized field, an old NIK token)
    // is zeroed instead of lingering in free pages of the file.
    await connection.execute('pragma secure_delete = on');
  }
  if (options.migrate !== false) await orm.getMigrator().up();
  const closeHooks: Array<() => Promise<void>> = [];
  return {
    orm,
    dialect,
    fork: () => orm.em.fork() as EntityManager,
    onClose: (hook) => void closeHooks.push(hook),
    async close() {
      await Promise.allSettled(closeHooks.splice(0).map((hook) => hook()));
      await orm.close(true);
    },
  };
}

/**
 * After destroying data (shred, minimization): on SQLite, checkpoint the WAL and truncate it to
 * zero bytes so no earlier page image holding the destroyed values stays in `-wal`; with
 * `secure_delete` on, the main file holds zeros where they were. On PostgreSQL nothing is done
 * here: dead tuples leave the heap at the next (auto)vacuum, and dumps never contain them.
 * Best effort: a busy checkpoint (another reader) is retried by the next one.
 */
export async function purgeDestroyedData(database: Database): Promise<void> {
  if (database.dialect !== 'sqlite') return;
  await database.orm.em.getConnection().execute('pragma wal_checkpoint(truncate)');
}

/** True when the database answers a trivial query (used by /readyz). */
export async function isDatabaseReachable(database: Database): Promise<boolean> {
  try {
    await database.orm.em.getConnection().execute('select 1');
    return true;
  } catch {
    return false;
  }
}
