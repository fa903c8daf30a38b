import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import pino from 'pino';
import { mintDevelopmentToken } from '../../src/auth/development-keys';
import { loadConfig, type Config } from '../../src/config';
import { sqliteFile } from '../../src/database/orm';
import { createSamaranServer, type SamaranServer } from '../../src/server';

/**
 * Starts the real server over real HTTP on a real database for one test file.
 * SQLite by default; PostgreSQL when SAMARAN_TEST_DATABASE_URL is set — then every test file gets
 * its own freshly created database on that server, dropped afterwards.
 */

export const TEST_DATABASE_URL = process.env.SAMARAN_TEST_DATABASE_URL;
export const DIALECT = TEST_DATABASE_URL ? 'postgresql' : 'sqlite';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  body: { data?: T | null; errors?: Array<{ message: string; extensions?: Record<string, unknown>; path?: unknown[] }> };
  text: string;
}

export interface TestServer {
  readonly url: string;
  readonly config: Config;
  readonly server: SamaranServer;
  /** Every log line the server wrote, as text. */
  readonly logLines: string[];
  /** The service clock: tests set it to open or close waves. */
  clock: { now: Date };
  token(roles: string[], sub?: string, extra?: { agency?: string }): Promise<string>;
  graphql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<GraphQLResponse<T>>;
  /** Raw bytes of everything the database holds: SQLite file + WAL, or a pg_dump. */
  databaseBytes(): Promise<Buffer>;
  /** Runs SQL directly against the database, bypassing the application. */
  sql(statement: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>;
  stop(): Promise<void>;
}

async function createPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = new URL(TEST_DATABASE_URL!);
  const name = `samaran_t_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: base.toString() });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new Client({ connectionString: base.toString() });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

export async function startTestServer(options: { env?: Record<string, string>; now?: Date } = {}): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'samaran-test-'));
  const postgres = TEST_DATABASE_URL ? await createPostgresDatabase() : undefined;
  const config = loadConfig({
    NODE_ENV: 'test',
    SAMARAN_DATA_DIR: dataDir,
    SAMARAN_DEMO: 'off',
    SAMARAN_LOG_LEVEL: 'debug',
    ...(postgres ? { DATABASE_URL: postgres.url } : {}),
    ...options.env,
  });
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      logLines.push(String(chunk));
      callback();
    },
  });
  const clock = { now: options.now ?? new Date() };
  const server = await createSamaranServer(config, { logger: pino({ level: 'debug' }, sink), now: () => clock.now });
  const url = await server.listen(0, '127.0.0.1');

  const sql = async (statement: string, params: unknown[] = []) => {
    const connection = server.services.database.orm.em.getConnection();
    return (await connection.execute(statement, params, 'all')) as Array<Record<string, unknown>>;
  };

  return {
    url,
    config,
    server,
    logLines,
    clock,
    token: (roles, sub = `user-${roles.join('-').toLowerCase() || 'none'}`, extra = {}) =>
      mintDevelopmentToken(config, { sub, roles, agency: extra.agency }),
    async graphql(query, variables, token) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (token) headers.authorization = `Bearer ${token}`;
      const response = await fetch(`${url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
      const text = await response.text();
      return { status: response.status, body: JSON.parse(text), text };
    },
    async databaseBytes() {
      if (postgres) {
        // Checkpoint is not needed: pg_dump reads through the server.
        return execFileSync('pg_dump', ['--no-owner', '--data-only', postgres.url], { maxBuffer: 1 << 30 });
      }
      const file = sqliteFile(config);
      const parts = [file, `${file}-wal`, `${file}-shm`].filter((candidate) => fs.existsSync(candidate));
      return Buffer.concat(parts.map((part) => fs.readFileSync(part)));
    },
    sql,
    async stop() {
      await server.close();
      await postgres?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The personal values of registrants, in every spelling a leak could take. */
export function personalValueNeedles(values: Array<{ nik: string; fullName: string; birthDate: string; email: string; phone: string; addressLine?: string }>): string[] {
  const needles = values.flatMap((value) => {
    const [year, month, day] = value.birthDate.split('-');
    return [
      value.nik,
      value.fullName,
      value.email,
      value.phone,
      value.phone.replace(/^0/, '62'),
      value.birthDate,
      `${day}-${month}-${year}`,
      ...(value.addressLine ? [value.addressLine] : []),
    ];
  });
  // Values too short to be personal (an empty name sent to test validation) would match anything.
  return [...new Set(needles.filter((needle) => needle.length >= 5))];
}

/** Which of the needles occur in the haystack (as UTF-8 and, for safety, UTF-16LE). */
export function findNeedles(haystack: Buffer | string, needles: string[]): string[] {
  const bytes = typeof haystack === 'string' ? Buffer.from(haystack, 'utf8') : haystack;
  return needles.filter((needle) => bytes.includes(Buffer.from(needle, 'utf8')) || bytes.includes(Buffer.from(needle, 'utf16le')));
}

export function errorCodes(response: GraphQLResponse): unknown[] {
  return (response.body.errors ?? []).map((error) => error.extensions?.code);
}
