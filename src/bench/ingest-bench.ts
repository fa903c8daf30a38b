/**
 * The ingest benchmark: `node dist/bench/ingest-bench.js --registrants 1000000`.
 *
 * Writes a synthetic CSV of N registrants, then measures in one run:
 *   - the raw node:crypto ceiling on one core: HMAC-SHA256 of a NIK plus AES-256-GCM of one
 *     record, per second (what the ingest's per-registrant crypto could be at best);
 *   - the raw COPY ceiling: narrow (int, text) rows per second into PostgreSQL;
 *   - `samaran ingest` end to end into a fresh SQLite data dir and a fresh PostgreSQL database
 *     (created and dropped on BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres),
 *     each in a child process whose peak RSS is sampled from /proc;
 * and prints registrants/s, applications/s, the ratios to the ceilings and peak memory.
 * A measurement, not a test: on a shared 2-core machine, read ratios rather than absolutes.
 */
import { spawn } from 'node:child_process';
import { createCipheriv, createHmac, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { writeSyntheticFile } from '../demo/synthetic-file';
import { demoWaves } from '../demo/synthetic-registrants';

const CLI = path.resolve(__dirname, '../../bin/samaran.js');

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

function cryptoCeiling(seconds = 2): number {
  const tokenKey = randomBytes(32);
  const record = JSON.stringify({ nik: '3171014501900001', fullName: 'Siti Rahayu Lestari', birthDate: '1990-01-05', email: 'siti.lestari123@gmail.com', phone: '6281234567890', addressLine: 'Jl. Merdeka No. 12, RT 003/RW 004' });
  let n = 0;
  const end = process.hrtime.bigint() + BigInt(seconds * 1e9);
  const start = process.hrtime.bigint();
  while (process.hrtime.bigint() < end) {
    for (let i = 0; i < 1000; i++) {
      createHmac('sha256', tokenKey).update('3171014501900001').digest();
      const cipher = createCipheriv('aes-256-gcm', randomBytes(32), randomBytes(12));
      cipher.update(record, 'utf8');
      cipher.final();
      cipher.getAuthTag();
    }
    n += 1000;
  }
  return n / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function copyCeiling(url: string, rows = 1_000_000): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('create temp table narrow (a int, b text)');
    let text = '';
    for (let i = 0; i < rows; i++) text += `${i}\tvalue-${i}\n`;
    const started = process.hrtime.bigint();
    await pipeline(Readable.from([text]), client.query(copyFrom('copy narrow from stdin')));
    return rows / (Number(process.hrtime.bigint() - started) / 1e9);
  } finally {
    await client.end();
  }
}

async function runIngest(file: string, env: Record<string, string>): Promise<{ seconds: number; peakRssMb: number; stdout: string }> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [CLI, 'ingest', file, '--create-waves'], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', SAMARAN_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let peakKb = 0;
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const sample = setInterval(() => {
    try {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const hwm = /VmHWM:\s+(\d+)/.exec(status);
      if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
    } catch {
      // exited between samples
    }
  }, 100);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(sample);
  if (code !== 0) throw new Error(`ingest exited with ${code}: ${stderr}`);
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, peakRssMb: Math.round(peakKb / 1024), stdout };
}

async function main(): Promise<void> {
  const registrants = argument('registrants', 100_000);
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'samaran-ingest-bench-'));
  const file = path.join(dir, 'registrants.csv');
  const now = new Date();
  const genStarted = Date.now();
  const applications = await writeSyntheticFile(file, 'csv', { count: registrants, seed: 42, waves: demoWaves(now, registrants), now });
  console.log(`ingest bench: ${registrants} registrants, ${applications} applications, ${(fs.statSync(file).size / 1e6).toFixed(0)} MB CSV (written in ${Date.now() - genStarted} ms); ${os.availableParallelism()} cores, load ${os.loadavg()[0]!.toFixed(2)}`);

  const crypto = cryptoCeiling();
  const copy = await copyCeiling(adminUrl);
  console.log(`ceiling  node:crypto HMAC(NIK) + AES-256-GCM(record), one core: ${Math.round(crypto)} records/s`);
  console.log(`ceiling  PostgreSQL COPY, narrow rows:                            ${Math.round(copy)} rows/s`);

  const results: Array<[string, { seconds: number; peakRssMb: number }]> = [];
  const sqliteDir = path.join(dir, 'sqlite');
  results.push(['SQLite', await runIngest(file, { SAMARAN_DATA_DIR: sqliteDir })]);

  const name = `samaran_bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  try {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    results.push(['PostgreSQL', await runIngest(file, { SAMARAN_DATA_DIR: path.join(dir, 'pg'), DATABASE_URL: url.toString() })]);
    const size = await admin.query<{ size: string }>('select pg_size_pretty(pg_database_size($1)) as size', [name]);
    console.log(`PostgreSQL database size after ingest: ${size.rows[0]!.size}`);
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
  for (const [label, r] of results) {
    const perSecond = registrants / r.seconds;
    console.log(
      `ingest   ${label.padEnd(10)} ${r.seconds.toFixed(1)} s  ${Math.round(perSecond)} registrants/s  ${Math.round(applications / r.seconds)} applications/s  ` +
        `peak RSS ${r.peakRssMb} MB  = ${(perSecond / crypto).toFixed(2)}× the one-core crypto ceiling` +
        (label === 'PostgreSQL' ? `, ${((applications / r.seconds) / copy).toFixed(3)}× the narrow COPY ceiling` : ''),
    );
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
