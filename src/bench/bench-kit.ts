import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { developmentJwksFile, ensureDevelopmentSigningKey, mintDevelopmentToken } from '../auth/development-keys';
import { loadConfig, type Config } from '../config';
import { Keyring, writeKeysFile } from '../pseudonymization';
import type { LatencyJob, LatencyResult } from './latency-client';

/** Shared tooling for `npm run bench`: fresh databases, a server in a child process, timing. */

export const PG_ADMIN_URL = process.env.SAMARAN_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchDatabase {
  env: Record<string, string>;
  config: Config;
  drop(): Promise<void>;
}

/**
 * A fresh, empty database: a new PostgreSQL database next to PG_ADMIN_URL, or a new SQLite data
 * dir. `env` configures the server as production runs it (NODE_ENV=production: graphql-js and
 * express drop their development checks), with a JWKS and keys file made here; `config` is the
 * development view of the same data dir, for loading data and minting the bench's tokens.
 */
export async function freshDatabase(dialect: 'sqlite' | 'postgresql', extraEnv: Record<string, string> = {}): Promise<BenchDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'samaran-bench-'));
  const development = loadConfig({ NODE_ENV: 'development', SAMARAN_DATA_DIR: dataDir });
  await ensureDevelopmentSigningKey(development);
  writeKeysFile(development.keysFile, Keyring.generate());
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    SAMARAN_DATA_DIR: dataDir,
    SAMARAN_JWKS_FILE: developmentJwksFile(development),
    SAMARAN_JWT_ISSUER: development.jwtIssuer,
    SAMARAN_JWT_AUDIENCE: development.jwtAudience,
    SAMARAN_KEYS_FILE: development.keysFile,
    SAMARAN_DEMO: 'off',
    SAMARAN_LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  let dropDatabase = async () => undefined as void;
  if (dialect === 'postgresql') {
    const name = `samaran_bench_${randomBytes(5).toString('hex')}`;
    const admin = new Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${name}`;
    env.DATABASE_URL = url.toString();
    dropDatabase = async () => {
      const client = new Client({ connectionString: PG_ADMIN_URL });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    };
  }
  return {
    env,
    config: loadConfig({ ...env, NODE_ENV: 'development' }),
    async drop() {
      await dropDatabase();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface ChildServer {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a script (default: the samaran server) in a child process and waits for `readyPath`. */
export async function startChild(env: Record<string, string>, options: { script?: string; args?: string[]; readyPath?: string } = {}): Promise<ChildServer> {
  const port = await freePort();
  const script = options.script ?? path.join(__dirname, '../../bin/samaran.js');
  const child = spawn(process.execPath, [script, ...(options.args ?? ['serve'])], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`child exited with ${child.exitCode}`);
    try {
      const response = await fetch(url + (options.readyPath ?? '/readyz'));
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('child did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}

export function token(config: Config, roles: string[], sub = 'bench'): Promise<string> {
  return mintDevelopmentToken(config, { sub, roles, ttlSeconds: 3600 });
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

/**
 * Sequential requests from one client, sent from a fresh child process (latency-client): per-request
 * latency in ms over `count` requests after `warmup`.
 */
export async function latencies(url: string, requests: () => { body: string; headers: Record<string, string> }, count: number, warmup = 50): Promise<{ p50: number; p99: number; max: number }> {
  const job: LatencyJob = { url, requests: Array.from({ length: warmup + count }, requests) };
  const client = fork(path.join(__dirname, 'latency-client.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const answered = once(client, 'message') as Promise<[LatencyResult]>;
  const exited = once(client, 'exit').then(([code]): [LatencyResult] => [{ error: `latency client exited with ${String(code)} before answering` }]);
  client.send(job);
  const [{ times, error }] = await Promise.race([answered, exited]);
  if (!times) throw new Error(error);
  const measured = times.slice(warmup).sort((a, b) => a - b);
  return { p50: round(percentile(measured, 50)), p99: round(percentile(measured, 99)), max: round(measured[measured.length - 1]!) };
}

/** Requests per second with `connections` concurrent keep-alive connections for `seconds`. */
export async function throughput(url: string, body: string, headers: Record<string, string>, connections: number, seconds: number, requests?: autocannon.Request[]): Promise<{ rps: number; p99: number; errors: number }> {
  const result = await autocannon({ url, method: 'POST', connections, duration: seconds, headers: { 'content-type': 'application/json', ...headers }, body, requests });
  return { rps: Math.round(result.requests.mean), p99: result.latency.p99, errors: result.errors + result.non2xx + result.timeouts };
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function report(section: string, values: Record<string, unknown>): void {
  process.stdout.write(`${section}: ${JSON.stringify(values)}\n`);
}
