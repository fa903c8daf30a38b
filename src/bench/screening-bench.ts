import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { Client, type ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import pino from 'pino';
import { loadConfig } from '../config';
import { openDatabase, type Database } from '../database/orm';
import { knexClient } from '../database/sql-session';
import { loadKeyring } from '../pseudonymization/key-loading';
import { createServices, type Services } from '../services';
import { Wave } from '../registration/wave.entity';
import { ListKind } from '../screening/screening.enums';
import { RejectionReason } from '../subjects/subject.enums';

/**
 * Screening benchmark (run by `npm run bench`, or alone: `node dist/bench/screening-bench.js
 * [--dialect sqlite|postgresql] [--database-url postgres://…/admin-db] [--scale N]`).
 *
 * 1. List import: a file of N NIKs through the same code as `samaran screening import`
 *    (readline, structural check, HMAC tokens, COPY / prepared batches, commit). Target ≥ 100,000 NIKs/s.
 * 2. Screening: a wave of N PENDING applications against an active list of N NIKs, a fifth of
 *    which belong to registrants. Target at N = 10^6: ≤ 60 s.
 *
 * Registrants are written straight into subject/application (no vault: screening never reads it)
 * and the count cells are recounted from them, so the run's count changes land on true cells.
 * PostgreSQL gets a fresh database created from the admin URL and dropped afterwards.
 */

export interface ScreeningBenchOptions {
  dialect: 'sqlite' | 'postgresql';
  /** PostgreSQL only: a URL whose user may create databases; a scratch database is created beside it. */
  databaseUrl?: string;
  /** Applications in the wave and NIKs on the list (default 1,000,000). */
  scale?: number;
  /** Share of the listed NIKs that belong to registrants (default 0.2). */
  matchShare?: number;
  log?: (line: string) => void;
}

/** A distinct, structurally valid NIK for every index below 9999 × 99 × 28 × 12. */
function benchNik(province: string, index: number): string {
  const serial = 1 + (index % 9999);
  let rest = Math.floor(index / 9999);
  const district = 1 + (rest % 99);
  rest = Math.floor(rest / 99);
  const day = 1 + (rest % 28);
  rest = Math.floor(rest / 28);
  const month = 1 + (rest % 12);
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  return `${province}71${pad(district, 2)}${pad(day, 2)}${pad(month, 2)}85${pad(serial, 4)}`;
}

const PROVINCES = ['31', '32', '33', '35', '36', '51', '52', '61', '71', '73'];
const GENDERS = ['FEMALE', 'MALE'];
const AGE_BANDS = ['AGE_18_24', 'AGE_25_34', 'AGE_35_44', 'AGE_45_54'];
const EDUCATIONS = ['PRIMARY', 'JUNIOR_SECONDARY', 'SENIOR_SECONDARY', 'BACHELOR'];
const EMPLOYMENTS = ['UNEMPLOYED', 'LAID_OFF', 'INFORMAL_WORKER'];

async function createScratchPostgres(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `samaran_bench_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

/** Bulk rows into a table: COPY on PostgreSQL, prepared multi-row inserts in big transactions on SQLite. */
async function bulkInsert(database: Database, table: string, columns: string[], rows: () => Iterable<unknown[]>): Promise<void> {
  const client = knexClient(database);
  const connection = await client.acquireConnection();
  try {
    if (database.dialect === 'postgresql') {
      const stream = (connection as ClientBase).query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`));
      const done = new Promise<void>((resolve, reject) => {
        stream.once('finish', resolve);
        stream.once('error', reject);
      });
      let buffer = '';
      for (const row of rows()) {
        buffer += row.map((v) => (v === null ? '\\N' : v instanceof Date ? v.toISOString() : String(v))).join('\t') + '\n';
        if (buffer.length > 1 << 20) {
          if (!stream.write(buffer)) await once(stream, 'drain');
          buffer = '';
        }
      }
      stream.end(buffer);
      await done;
      return;
    }
    const db = connection as { prepare(sql: string): { run(...p: unknown[]): unknown }; transaction(fn: (rows: unknown[][]) => void): (rows: unknown[][]) => void };
    const per = Math.floor(30_000 / columns.length);
    const placeholders = `(${columns.map(() => '?').join(', ')})`;
    const many = db.prepare(`insert into ${table} (${columns.join(', ')}) values ${new Array(per).fill(placeholders).join(', ')}`);
    const one = db.prepare(`insert into ${table} (${columns.join(', ')}) values ${placeholders}`);
    const write = db.transaction((batch: unknown[][]) => {
      let i = 0;
      for (; i + per <= batch.length; i += per) many.run(...batch.slice(i, i + per).flat());
      for (; i < batch.length; i += 1) one.run(...batch[i]!);
    });
    let batch: unknown[][] = [];
    for (const row of rows()) {
      batch.push(row.map((v) => (v instanceof Date ? v.getTime() : v)));
      if (batch.length >= 100_000) {
        write(batch);
        batch = [];
      }
    }
    write(batch);
  } finally {
    await client.releaseConnection(connection);
  }
}

async function seedRegistrants(services: Services, wave: number, count: number): Promise<void> {
  const database = services.database;
  const at = services.now();
  const ids: string[] = new Array(count);
  for (let i = 0; i < count; i += 1) ids[i] = randomUUID();
  await bulkInsert(
    database,
    'subject',
    ['id', 'nik_token', 'province_code', 'regency_code', 'gender', 'age_band', 'education', 'employment_status', 'state', 'registered_at'],
    function* () {
      for (let i = 0; i < count; i += 1) {
        const province = PROVINCES[i % PROVINCES.length]!;
        yield [ids[i], services.tokenizer.nikToken(benchNik('32', i)), province, `${province}71`, GENDERS[i % 2], AGE_BANDS[i % 4], EDUCATIONS[(i >> 2) % 4], EMPLOYMENTS[i % 3], 'ACTIVE', at];
      }
    },
  );
  await bulkInsert(database, 'application', ['id', 'subject_id', 'wave_number', 'outcome', 'rejection_reason', 'registered_at', 'decided_at'], function* () {
    for (let i = 0; i < count; i += 1) yield [randomUUID(), ids[i], wave, 'PENDING', null, at, null];
  });
  // Count cells as a recount of what was just written (what a bulk load's CountChanges would give).
  const em = database.fork();
  await em.transactional(async (tx) => {
    await tx.execute('delete from count_cell', [], 'run');
    await tx.execute('delete from person_count_cell', [], 'run');
    await tx.execute(
      "insert into count_cell (wave_number, province_code, gender, age_band, education, employment_status, outcome, rejection_reason, count) select a.wave_number, s.province_code, s.gender, s.age_band, s.education, s.employment_status, a.outcome, coalesce(a.rejection_reason, ''), count(*) from application a join subject s on s.id = a.subject_id group by a.wave_number, s.province_code, s.gender, s.age_band, s.education, s.employment_status, a.outcome, coalesce(a.rejection_reason, '')",
      [],
      'run',
    );
    await tx.execute(
      "insert into person_count_cell (province_code, gender, age_band, education, employment_status, outcome, rejection_reason, count) select s.province_code, s.gender, s.age_band, s.education, s.employment_status, a.outcome, coalesce(a.rejection_reason, ''), count(*) from subject s join application a on a.subject_id = s.id where a.wave_number = (select max(l.wave_number) from application l where l.subject_id = s.id) group by s.province_code, s.gender, s.age_band, s.education, s.employment_status, a.outcome, coalesce(a.rejection_reason, '')",
      [],
      'run',
    );
  });
  await database.fork().execute('analyze', [], 'run');
}

/** Runs both measurements on a scratch database and returns the figures (also printed through `log`). */
export async function benchScreening(options: ScreeningBenchOptions): Promise<Record<string, number>> {
  const scale = options.scale ?? 1_000_000;
  const matchShare = options.matchShare ?? 0.2;
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  if (options.dialect === 'postgresql' && !options.databaseUrl) throw new Error('the PostgreSQL screening bench needs a database URL');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'samaran-bench-screening-'));
  const scratch = options.dialect === 'postgresql' ? await createScratchPostgres(options.databaseUrl!) : undefined;
  const config = loadConfig({ NODE_ENV: 'test', SAMARAN_DATA_DIR: dataDir, SAMARAN_DEMO: 'off', ...(scratch ? { DATABASE_URL: scratch.url } : {}) });
  const logger = pino({ level: 'silent' });
  const database = await openDatabase(config);
  try {
    const now = new Date();
    const services = createServices(config, database, loadKeyring(config, logger), logger, () => now);
    const em = database.fork();
    await em.insert(Wave, { number: 1, opensAt: new Date(now.getTime() - 86_400_000), closesAt: new Date(now.getTime() + 86_400_000), quota: scale, acceptedCount: 0, createdAt: now });
    const operator = { sub: 'bench', roles: [], agency: null };
    const agreement = await services.agreements.create(em, operator, {
      agency: 'BUMN',
      listKind: ListKind.STATE_ENTERPRISE_OFFICIAL,
      purpose: 'bench',
      legalBasis: 'bench',
      documentRef: 'bench',
      validFrom: new Date(now.getTime() - 86_400_000),
      validTo: new Date(now.getTime() + 86_400_000),
      rejectionReason: RejectionReason.SCREENED_STATE_ENTERPRISE,
    });

    // The list file: a share of registrants' NIKs, the rest people who never registered.
    const matches = Math.round(scale * matchShare);
    const file = path.join(dataDir, 'list.txt');
    const out = fs.createWriteStream(file);
    let chunk = '';
    for (let i = 0; i < scale; i += 1) {
      chunk += (i < matches ? benchNik('32', i * Math.floor(1 / matchShare)) : benchNik('35', i)) + '\n';
      if (chunk.length > 1 << 20) {
        if (!out.write(chunk)) await once(out, 'drain');
        chunk = '';
      }
    }
    await new Promise<void>((resolve, reject) => out.end(chunk, () => resolve()).once('error', reject));

    log(`screening bench (${options.dialect}, scale ${scale.toLocaleString('en')})`);
    const importStarted = process.hrtime.bigint();
    const report = await services.screeningLists.importLines(
      database,
      { principal: operator, agency: null, requestId: null },
      agreement.id,
      readline.createInterface({ input: fs.createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity }),
    );
    const importSeconds = Number(process.hrtime.bigint() - importStarted) / 1e9;
    const importRate = report.accepted / importSeconds;
    log(`  list import: ${report.accepted.toLocaleString('en')} NIKs in ${importSeconds.toFixed(2)} s = ${Math.round(importRate).toLocaleString('en')} NIKs/s (target ≥ 100,000)`);

    const seedStarted = process.hrtime.bigint();
    await seedRegistrants(services, 1, scale);
    const seedSeconds = Number(process.hrtime.bigint() - seedStarted) / 1e9;
    log(`  (seeded ${scale.toLocaleString('en')} registrants and PENDING applications in ${seedSeconds.toFixed(1)} s)`);

    const runStarted = process.hrtime.bigint();
    const result = await services.screeningRuns.run(database.fork(), database.dialect, { principal: operator, requestId: null }, 1);
    const runSeconds = Number(process.hrtime.bigint() - runStarted) / 1e9;
    log(`  screening: wave of ${scale.toLocaleString('en')} applications against ${report.accepted.toLocaleString('en')} listed NIKs: ${result.rejected.toLocaleString('en')} rejected in ${runSeconds.toFixed(2)} s (target ≤ 60 s at 10^6)`);
    if (result.rejected !== matches) throw new Error(`screening rejected ${result.rejected}, expected ${matches}`);
    const differences = await database.fork().transactional((tx) => services.counts.reconcile(tx));
    if (differences.length > 0) throw new Error(`count cells differ from a recount after screening (${differences.length} cells)`);
    return {
      listImportNiks: report.accepted,
      listImportSeconds: importSeconds,
      listImportNiksPerSecond: importRate,
      screeningApplications: scale,
      screeningListed: report.accepted,
      screeningRejected: result.rejected,
      screeningSeconds: runSeconds,
    };
  } finally {
    await database.close();
    await scratch?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

if (require.main === module) {
  const dialect = argument('--dialect') === 'postgresql' ? 'postgresql' : 'sqlite';
  const scale = argument('--scale') ? Number(argument('--scale')) : undefined;
  benchScreening({ dialect, databaseUrl: argument('--database-url'), scale })
    .then((figures) => process.stdout.write(`${JSON.stringify(figures)}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    });
}
