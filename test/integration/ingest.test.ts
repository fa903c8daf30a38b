import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findNeedles, personalValueNeedles, DIALECT, startTestServer, type TestServer } from './harness';
import { writeIngestFile, type IngestFileFixture } from '../factories/ingest-file';

/**
 * `samaran ingest` as operators run it: the compiled CLI in a child process (`npm test` builds
 * first), against the test server's own database and keys.
 */

const CLI = path.resolve(__dirname, '../../bin/samaran.js');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function cliEnv(t: TestServer): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    SAMARAN_DATA_DIR: t.config.dataDir,
    SAMARAN_KEYS_FILE: t.config.keysFile,
    SAMARAN_LOG_LEVEL: 'debug',
    ...(t.config.databaseUrl ? { DATABASE_URL: t.config.databaseUrl } : {}),
  };
}

/** Runs the CLI to its end; with `killAfterFirstCommit`, SIGKILLs it once a batch has committed. */
function runCli(t: TestServer, args: string[], options: { killAfterFirstCommit?: boolean } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: cliEnv(t), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (options.killAfterFirstCommit && /committed batch 1 through line/.test(stderr)) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

async function count(t: TestServer, table: string): Promise<number> {
  const [row] = await t.sql(`select count(*) as n from ${table}`);
  return Number(row!.n);
}

async function reconcile(t: TestServer) {
  const { services } = t.server;
  return services.database.fork().transactional((tx) => services.counts.reconcile(tx));
}

describe(`samaran ingest (${DIALECT})`, () => {
  let t: TestServer;
  let dir: string;
  let fixture: IngestFileFixture;
  let file: string;
  let first: Run;

  beforeAll(async () => {
    t = await startTestServer();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'samaran-ingest-'));
    file = path.join(dir, 'registrants.csv');
    fixture = writeIngestFile(file, 1_500, 7);
    // Small batches, so people with several applications span batches and transactions.
    first = await runCli(t, ['ingest', file, '--create-waves', '--batch-size', '300', '--workers', '2']);
  });

  afterAll(async () => {
    await t?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stores exactly the valid rows, and the counts reconcile', async () => {
    expect(first.code, first.stderr).toBe(0);
    expect(await count(t, 'application')).toBe(fixture.validApplications);
    expect(await count(t, 'subject')).toBe(fixture.validPeople);
    expect(await count(t, 'vault_entry')).toBe(fixture.validPeople);
    expect(await count(t, 'data_key')).toBe(fixture.validPeople);
    expect(first.stdout).toContain(`${fixture.validApplications} stored, 0 already stored`);
    expect(first.stdout).toContain(`rejected:         ${fixture.expectedRejects.length}`);
    expect(await reconcile(t)).toEqual([]);
    const { accountability } = (
      await t.graphql<{ accountability: { total: number } }>('{ accountability(exact: true) { total } }', {}, await t.token(['AUDITOR']))
    ).body.data!;
    expect(accountability.total).toBe(fixture.validApplications);
  });

  it('writes refused rows as line number and code only', () => {
    const rejects = fs.readFileSync(`${file}.rejects.csv`, 'utf8');
    const expected = ['line,code', ...fixture.expectedRejects.map((r) => `${r.line},${r.code}`)].join('\n');
    expect(rejects.trim()).toBe(expected);
  });

  it('seals what it stores: the vault opens to the values of the file', async () => {
    const sample = fixture.records.find((r) => r.raw.nik.startsWith('3') && r.line > 2)!;
    const { services } = t.server;
    const token = services.tokenizer.nikToken(sample.raw.nik);
    const [subject] = await t.sql('select id from subject where nik_token = ?', [token]);
    const [key] = await t.sql('select kek_id, wrapped_key from data_key where subject_id = ?', [subject!.id]);
    const [vault] = await t.sql('select nik, full_name, birth_date, email, phone, address_line from vault_entry where subject_id = ?', [subject!.id]);
    const opened = services.sealer.open(
      String(subject!.id),
      {
        dataKey: { kekId: String(key!.kek_id), wrappedKey: String(key!.wrapped_key) },
        fields: {
          nik: String(vault!.nik), fullName: String(vault!.full_name), birthDate: String(vault!.birth_date),
          email: String(vault!.email), phone: String(vault!.phone), addressLine: String(vault!.address_line),
        },
      },
      ['nik', 'fullName', 'birthDate'],
    );
    expect(opened).toEqual({ nik: sample.raw.nik, fullName: sample.raw.fullName, birthDate: sample.raw.birthDate });
  });

  it('keeps every personal value out of the rejects file, the output, the logs and the database', async () => {
    // Every refused row, plus a sample of stored ones (a scan per value; thousands would be slow).
    const refused = new Set(fixture.expectedRejects.map((r) => r.line));
    const values = fixture.records.filter((r, i) => refused.has(r.line) || i % 25 === 0).map((r) => r.raw as { nik: string; fullName: string; birthDate: string; email: string; phone: string; addressLine: string });
    const needles = personalValueNeedles(values);
    expect(needles.length).toBeGreaterThan(100);
    const rejects = fs.readFileSync(`${file}.rejects.csv`);
    expect(findNeedles(rejects, needles)).toEqual([]);
    expect(findNeedles(first.stdout + first.stderr, needles)).toEqual([]);
    expect(findNeedles(t.logLines.join(''), needles)).toEqual([]);
    expect(findNeedles(await t.databaseBytes(), needles)).toEqual([]);
  });

  it('adds nothing when the same file is ingested again', async () => {
    const before = { applications: await count(t, 'application'), subjects: await count(t, 'subject') };
    const again = await runCli(t, ['ingest', file, '--batch-size', '300']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`0 stored, ${fixture.validApplications} already stored`);
    expect(again.stdout).toContain('people created:   0');
    expect({ applications: await count(t, 'application'), subjects: await count(t, 'subject') }).toEqual(before);
    expect(await reconcile(t)).toEqual([]);
  });
});

describe(`samaran ingest after kill -9 (${DIALECT})`, () => {
  let t: TestServer;
  let dir: string;

  beforeAll(async () => {
    t = await startTestServer();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'samaran-ingest-kill-'));
  });

  afterAll(async () => {
    await t?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('completes on a rerun with exactly the valid rows, no duplicate and no gap', async () => {
    const file = path.join(dir, 'registrants.csv');
    const fixture = writeIngestFile(file, 4_000, 11);
    const killed = await runCli(t, ['ingest', file, '--create-waves', '--batch-size', '250', '--workers', '1'], { killAfterFirstCommit: true });
    expect(killed.signal).toBe('SIGKILL');
    const partial = await count(t, 'application');
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(fixture.validApplications);
    expect(await reconcile(t)).toEqual([]);

    const rerun = await runCli(t, ['ingest', file, '--batch-size', '250']);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain(`${fixture.validApplications - partial} stored, ${partial} already stored`);
    expect(await count(t, 'application')).toBe(fixture.validApplications);
    expect(await count(t, 'subject')).toBe(fixture.validPeople);
    const [pairs] = await t.sql('select count(*) as n from (select distinct subject_id, wave_number from application) p');
    expect(Number(pairs!.n)).toBe(fixture.validApplications);
    expect(await reconcile(t)).toEqual([]);
    const rejects = fs.readFileSync(`${file}.rejects.csv`, 'utf8').trim();
    expect(rejects).toBe(['line,code', ...fixture.expectedRejects.map((r) => `${r.line},${r.code}`)].join('\n'));
  });
});
