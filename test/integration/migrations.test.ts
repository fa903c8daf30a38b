import { MikroORM } from '@mikro-orm/core';
import { BetterSqliteDriver } from '@mikro-orm/better-sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTITIES } from '../../src/database/entities';
import { DIALECT, startTestServer, type TestServer } from './harness';

describe(`migrations (${DIALECT})`, () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t?.stop());

  it('leave the database exactly as the entities describe it (no drift between migrations and code)', async () => {
    const orm = t.server.services.database.orm;
    if (DIALECT === 'postgresql') {
      const diff = await orm.schema.getUpdateSchemaSQL({ wrap: false });
      expect(diff.trim()).toBe('');
      return;
    }
    // MikroORM cannot read SQLite check constraints back, so its diff always proposes a rebuild;
    // compare the stored DDL with the DDL MikroORM generates from the entities instead.
    const fromEntities = await MikroORM.init({ driver: BetterSqliteDriver, dbName: ':memory:', entities: ENTITIES, discovery: { disableDynamicFileAccess: true }, allowGlobalContext: true });
    await fromEntities.schema.createSchema();
    const ddl = async (candidate: MikroORM) =>
      ((await candidate.em.getConnection().execute("select type, name, sql from sqlite_master where type in ('table', 'index') and name not like 'sqlite_%' and name not like 'mikro_orm_%' order by type, name")) as Array<{ sql: string }>)
        .map((row) => ({ ...row, sql: row.sql?.replace(/\s+/g, ' ') }));
    expect(await ddl(orm)).toEqual(await ddl(fromEntities));
    await fromEntities.close();
  });

  it('are recorded and not applied twice', async () => {
    const migrator = t.server.services.database.orm.getMigrator();
    expect(await migrator.getPendingMigrations()).toEqual([]);
    expect((await migrator.getExecutedMigrations()).length).toBeGreaterThan(0);
    await migrator.up();
  });
});
