import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Client } from 'pg';
import { CountStore } from '../accountability/count-store';
import { openDatabase, sqliteFile } from '../database/orm';
import { demoWaves, syntheticRegistrants } from '../demo/synthetic-registrants';
import { checkRegistrant } from '../registration/registrant';
import { freshDatabase, latencies, median, report, round, startChild, throughput, token, type BenchDatabase } from './bench-kit';

const QUERY = /* GraphQL */ `query Counts($groupBy: [Dimension!], $filter: CountFilter) {
  accountability(groupBy: $groupBy, filter: $filter) { total suppressedCells cells { wave province outcome count suppressed } }
}`;

/**
 * Requests per single-client latency figure: its p99 is the 20th slowest. Over 500 it was the 5th,
 * and one stall of the VM spanning a few requests moved it by a millisecond or more between runs.
 */
const LATENCY_REQUESTS = 2_000;
/** Requests of every shape sent after the cube's load and before the first measurement. */
const WARMUP_REQUESTS = 2_000;

const SHAPES: Record<string, string[]> = {
  '1d-wave': ['WAVE'],
  '1d-province': ['PROVINCE'],
  '2d-wave-province': ['WAVE', 'PROVINCE'],
  '3d-wave-province-outcome': ['WAVE', 'PROVINCE', 'OUTCOME'],
};
const PROVINCE_CODES = ['11', '12', '13', '14', '15', '16', '17', '18', '19', '21', '31', '32', '33', '34', '35', '36', '51', '52', '53', '61', '62', '63', '64', '65', '71', '72', '73', '74', '75', '76', '81', '82', '91', '92', '93', '94', '95', '96'];

/**
 * Where the bulk load writes. Rows come as column arrays: subjects (id, nik token, province,
 * regency, gender, age band, education, employment), applications (id, subject id, wave, outcome,
 * rejection reason, registered at).
 */
interface LoadSink {
  wave(wave: { number: number; opensAt: Date; closesAt: Date; quota: number }, now: Date): Promise<void>;
  flush(subjects: unknown[][], applications: unknown[][]): Promise<void>;
  /** Statistics for the planner, then close. */
  finish(): Promise<void>;
}

async function postgresSink(databaseUrl: string): Promise<LoadSink> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  return {
    async wave(wave, now) {
      await client.query('insert into wave (number, opens_at, closes_at, quota, accepted_count, created_at) values ($1, $2, $3, $4, 0, $5)', [wave.number, wave.opensAt, wave.closesAt, wave.quota, now]);
    },
    async flush(subjects, applications) {
      await client.query(
        `insert into subject (id, nik_token, province_code, regency_code, gender, age_band, education, employment_status, state, registered_at)
         select id, nik, p, r, g, a, e, m, 'ACTIVE', now() from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) as t(id, nik, p, r, g, a, e, m)`,
        subjects,
      );
      await client.query(
        `insert into application (id, subject_id, wave_number, outcome, rejection_reason, registered_at)
         select * from unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[], $5::text[], $6::timestamptz[])`,
        applications,
      );
    },
    async finish() {
      // As an operator would after a bulk load: otherwise autovacuum picks the fresh tables up while
      // the latencies are being measured, and the first queries pay for it on this 2-core machine.
      await client.query('vacuum analyze');
      await client.end();
    },
  };
}

/** SQLite: prepared statements in one transaction per flush, dates as epoch milliseconds (as the ORM stores them). */
function sqliteSink(file: string): LoadSink {
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = wal');
  db.pragma('synchronous = normal');
  const subject = db.prepare(
    `insert into subject (id, nik_token, province_code, regency_code, gender, age_band, education, employment_status, state, registered_at) values (?, ?, ?, ?, ?, ?, ?, ?, 'ACTIVE', ?)`,
  );
  const application = db.prepare('insert into application (id, subject_id, wave_number, outcome, rejection_reason, registered_at) values (?, ?, ?, ?, ?, ?)');
  const flush = db.transaction((subjects: unknown[][], applications: unknown[][]) => {
    const now = Date.now();
    for (let i = 0; i < subjects[0]!.length; i++) subject.run(...subjects.map((column) => column[i]), now);
    for (let i = 0; i < applications[0]!.length; i++) application.run(...applications.map((column) => (column[i] instanceof Date ? (column[i] as Date).getTime() : column[i])));
  });
  return {
    async wave(wave, now) {
      db.prepare('insert into wave (number, opens_at, closes_at, quota, accepted_count, created_at) values (?, ?, ?, ?, 0, ?)').run(
        wave.number,
        wave.opensAt.getTime(),
        wave.closesAt.getTime(),
        wave.quota,
        now.getTime(),
      );
    },
    async flush(subjects, applications) {
      flush(subjects, applications);
    },
    async finish() {
      db.exec('analyze');
      db.close();
    },
  };
}

/**
 * Loads `count` synthetic registrants straight into subject and application (no ORM unit of work,
 * no vault: the counts never read it), then rebuilds the count cells.
 */
async function bulkLoad(db: BenchDatabase, count: number): Promise<{ seconds: number; applications: number; cells: number }> {
  const started = Date.now();
  const database = await openDatabase(db.config);
  const sink = database.dialect === 'postgresql' ? await postgresSink(db.env.DATABASE_URL!) : sqliteSink(sqliteFile(db.config));
  const now = new Date();
  const waves = demoWaves(now, count);
  for (const wave of waves) await sink.wave(wave, now);
  const opensAt = new Map(waves.map((w) => [w.number, w.opensAt]));
  let subjects: unknown[][] = Array.from({ length: 8 }, () => []);
  let applications: unknown[][] = Array.from({ length: 6 }, () => []);
  let total = 0;
  const flush = async () => {
    await sink.flush(subjects, applications);
    subjects = Array.from({ length: 8 }, () => []);
    applications = Array.from({ length: 6 }, () => []);
  };
  for (const person of syntheticRegistrants({ count, seed: 42, waves, now })) {
    const checked = checkRegistrant(person, opensAt.get(person.applications[0]!.wave)!);
    if (!checked.ok) continue;
    const r = checked.registrant;
    const id = randomUUID();
    [id, `bench.${randomBytes(12).toString('base64url')}`, r.provinceCode, r.regencyCode, r.gender, r.ageBand, r.education, r.employmentStatus].forEach((v, i) => subjects[i]!.push(v));
    for (const a of person.applications) {
      [randomUUID(), id, a.wave, a.outcome, a.rejectionReason, opensAt.get(a.wave)].forEach((v, i) => applications[i]!.push(v));
      total += 1;
    }
    if (subjects[0]!.length >= 10_000) await flush();
  }
  if (subjects[0]!.length > 0) await flush();
  await database.fork().transactional((tx) => new CountStore().rebuild(tx));
  await sink.finish();
  const [cells] = (await database.fork().execute('select count(*) as n from count_cell', [], 'all')) as Array<{ n: string }>;
  await database.close();
  return { seconds: round((Date.now() - started) / 1000, 1), applications: total, cells: Number(cells!.n) };
}

const NAIVE_GROUP_BY = 'select a.wave_number, s.province_code, count(*) from application a join subject s on s.id = a.subject_id group by a.wave_number, s.province_code';

/** The naive answer: GROUP BY over the applications (joined to subjects), median of 5 after one warm-up. */
async function naiveGroupBy(db: BenchDatabase): Promise<number> {
  const times: number[] = [];
  const time = async (query: () => unknown) => {
    for (let i = 0; i < 6; i++) {
      const started = process.hrtime.bigint();
      await query();
      if (i > 0) times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  };
  if (db.env.DATABASE_URL) {
    const client = new Client({ connectionString: db.env.DATABASE_URL });
    await client.connect();
    await time(() => client.query(NAIVE_GROUP_BY));
    await client.end();
  } else {
    const sqlite = new BetterSqlite3(sqliteFile(db.config), { readonly: true });
    const statement = sqlite.prepare(NAIVE_GROUP_BY);
    await time(() => statement.all());
    sqlite.close();
  }
  return round(median(times));
}

/** A count query's request body; `uncached` adds a random province filter (almost always a table-cache miss). */
function queryBody(groupBy: string[], uncached = false): string {
  return JSON.stringify({ query: QUERY, variables: { groupBy, filter: uncached ? { province: randomProvinces() } : undefined } });
}

/** One POST of `body`; the answer's text. */
async function postOnce(url: string, body: string, headers: Record<string, string>): Promise<string> {
  const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  if (!response.ok) throw new Error(`bench request failed: ${response.status}`);
  return response.text();
}

function randomProvinces(): string[] {
  const picked = PROVINCE_CODES.filter(() => Math.random() < 0.5);
  return picked.length > 0 ? picked : ['31'];
}

/** The counts bench on each dialect in turn (PostgreSQL, then SQLite, by default), then the minimal Apollo baseline. */
export async function benchCounts(options: { sizes: number[]; seconds: number; dialects: ReadonlyArray<'postgresql' | 'sqlite'> }): Promise<void> {
  const throughputs: Record<string, number> = {};
  let fixedBody = '';
  for (const dialect of options.dialects) {
    const result = await benchCountsOn(dialect, options);
    throughputs[dialect] = result.throughput;
    fixedBody ||= result.fixedBody;
  }
  await compareWithMinimalApollo(fixedBody, throughputs, options.seconds);
}

async function benchCountsOn(dialect: 'postgresql' | 'sqlite', options: { sizes: number[]; seconds: number }): Promise<{ throughput: number; fixedBody: string }> {
  const p99BySize = new Map<number, number>();
  let ourThroughput = 0;
  let fixedBody = '';
  for (const size of options.sizes) {
    const db = await freshDatabase(dialect);
    try {
      const load = await bulkLoad(db, size);
      report(`counts.load[${dialect}][${size}]`, load);
      const server = await startChild(db.env);
      try {
        const auth = { authorization: `Bearer ${await token(db.config, ['REPORTER'])}` };
        const url = `${server.url}/graphql`;
        // Cold start, reported on its own: the first query loads the cube; then a warm-up of every
        // shape (discarded), so the first shape measured does not also carry the JIT's tiering and
        // the full GC that follows the load.
        const coldStarted = process.hrtime.bigint();
        await postOnce(url, queryBody(SHAPES['1d-wave']!), auth);
        const firstQueryMs = round(Number(process.hrtime.bigint() - coldStarted) / 1e6);
        // Every shape in turn, each pass alternately repeated and uncached.
        const shapes = Object.values(SHAPES);
        let turn = 0;
        const warmup = () => {
          const groupBy = shapes[turn % shapes.length]!;
          const uncached = Math.floor(turn++ / shapes.length) % 2 === 1;
          return { body: queryBody(groupBy, uncached), headers: auth };
        };
        await latencies(url, warmup, WARMUP_REQUESTS, 0);
        report(`counts.coldStart[${dialect}][${size}]`, { firstQueryMsIncludingCubeLoad: firstQueryMs, warmupRequests: WARMUP_REQUESTS });
        let worst = 0;
        for (const [name, groupBy] of Object.entries(SHAPES)) {
          const same = queryBody(groupBy);
          const repeated = await latencies(url, () => ({ body: same, headers: auth }), LATENCY_REQUESTS);
          // Random province filters: almost every request misses the per-version table cache.
          const varied = await latencies(url, () => ({ body: queryBody(groupBy, true), headers: auth }), LATENCY_REQUESTS);
          worst = Math.max(worst, repeated.p99, varied.p99);
          report(`counts.latency[${dialect}][${size}].${name}`, { repeatedMs: repeated, uncachedMs: varied });
        }
        p99BySize.set(size, worst);
        const naiveMs = await naiveGroupBy(db);
        const body2d = queryBody(SHAPES['2d-wave-province']!);
        fixedBody = await postOnce(url, body2d, auth);
        const ours = await throughput(url, body2d, auth, 20, options.seconds);
        ourThroughput = ours.rps;
        const uncached = await latencies(url, () => ({ body: queryBody(SHAPES['2d-wave-province']!, true), headers: auth }), 200);
        report(`counts.compare[${dialect}][${size}]`, {
          naiveGroupByMs: naiveMs,
          samaranUncachedP50Ms: uncached.p50,
          naiveOverSamaran: round(naiveMs / uncached.p50, 1),
          throughput20Connections: ours,
        });
      } finally {
        await server.stop();
      }
    } finally {
      await db.drop();
    }
  }
  const sizes = [...p99BySize.keys()].sort((a, b) => a - b);
  report(`counts.summary[${dialect}]`, {
    worstP99MsBySize: Object.fromEntries(p99BySize),
    p99GrowthLargestOverSmallest: sizes.length > 1 ? round(p99BySize.get(sizes.at(-1)!)! / p99BySize.get(sizes[0]!)!) : null,
  });
  return { throughput: ourThroughput, fixedBody };
}

/** A minimal Apollo server answering the same 2-D table as a fixed object, no auth, no database. */
async function compareWithMinimalApollo(fixedBody: string, throughputs: Record<string, number>, seconds: number): Promise<void> {
  const fixedFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'samaran-fixed-')), 'fixed.json');
  fs.writeFileSync(fixedFile, fixedBody);
  const minimal = await startChild({ SAMARAN_FIXED_RESPONSE: fixedFile, NODE_ENV: 'production' }, { script: path.join(__dirname, 'minimal-apollo.js'), args: [], readyPath: '/ready' });
  try {
    const body = queryBody(SHAPES['2d-wave-province']!);
    const baseline = await throughput(`${minimal.url}/graphql`, body, {}, 20, seconds);
    report('counts.throughput', {
      minimalApolloRps: baseline.rps,
      samaranRps: throughputs,
      samaranOverMinimalApollo: Object.fromEntries(Object.entries(throughputs).map(([dialect, rps]) => [dialect, round(rps / baseline.rps)])),
    });
  } finally {
    await minimal.stop();
  }
}
