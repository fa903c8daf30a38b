/**
 * `npm run load [-- --duration 60s --rate 40 --postgres postgres://postgres@127.0.0.1:5432/postgres]`
 *
 * Load and fault run against the built server, loopback only, bounded in time and concurrency:
 *   1. steady mixed load (subjects, waves, reveals, and accountability counts when the schema has
 *      them) at a fixed arrival rate for --duration (default 10 minutes), reporting requests,
 *      errors, p50/p99 per operation and the server's RSS/heap sampled from /metrics;
 *   2. with PostgreSQL: a database outage under load — Samaran's own database refuses connections
 *      (ALLOW_CONNECTIONS false) and its backends are terminated for --outage seconds — requests
 *      must fail cleanly (masked errors, no hang, no crash) and recover without a restart;
 *   3. kill -9 of the server while reveals are in flight, then `samaran access-log verify`.
 * It creates (and drops) a database of its own; other databases on the server are never touched.
 * Nothing here prints a personal value: responses are only counted.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'bin/samaran.js');
const REQUEST_TIMEOUT_MS = 15_000;
const MAX_IN_FLIGHT = 64;

interface Options {
  durationSeconds: number;
  rate: number;
  registrants: number;
  postgres: string | undefined;
  outageSeconds: number;
}

function seconds(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new Error(`not a duration: ${text} (try 60s, 10m)`);
  return Number(match[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
}

function parseOptions(argv: string[]): Options {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i]!;
    if (!flag.startsWith('--')) throw new Error(`unexpected argument ${flag}`);
    const [name, inline] = flag.slice(2).split('=', 2) as [string, string | undefined];
    flags.set(name, inline ?? argv[++i] ?? '');
  }
  const known = new Set(['duration', 'rate', 'registrants', 'postgres', 'outage']);
  for (const name of flags.keys()) if (!known.has(name)) throw new Error(`unknown option --${name}; known: ${[...known].map((k) => `--${k}`).join(' ')}`);
  const options: Options = {
    durationSeconds: seconds(flags.get('duration') ?? '10m'),
    rate: Number(flags.get('rate') ?? 40),
    registrants: Number(flags.get('registrants') ?? 5000),
    postgres: flags.get('postgres') ?? process.env.SAMARAN_LOAD_DATABASE_URL,
    outageSeconds: seconds(flags.get('outage') ?? '5s'),
  };
  if (!(options.rate > 0 && options.rate <= 500)) throw new Error('--rate must be 1–500 requests per second');
  if (options.durationSeconds > 3600) throw new Error('--duration is bounded to one hour');
  if (options.postgres && !/^postgres(ql)?:\/\/[^/]*(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(options.postgres)) throw new Error('--postgres must point at a loopback server');
  return options;
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

/* ---------------------------------------------------------------- server process */

interface Server {
  child: ChildProcessWithoutNullStreams;
  url: string;
  exited: Promise<number | null>;
}

async function startServer(env: NodeJS.ProcessEnv): Promise<Server> {
  const child = spawn(process.execPath, [CLI, 'serve'], { env, cwd: ROOT });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (const line of buffer.split('\n').slice(0, -1)) {
        try {
          const parsed = JSON.parse(line) as { msg?: string; url?: string };
          if (parsed.msg === 'ready' && parsed.url) {
            child.stdout.off('data', onData);
            child.stdout.resume();
            // Only while waiting: left armed, it killed the server 5 minutes into every run.
            clearTimeout(giveUp);
            resolve(parsed.url.replace(/\/graphql$/, ''));
          }
        } catch {
          /* not a log line */
        }
      }
      buffer = buffer.slice(buffer.lastIndexOf('\n') + 1);
    };
    child.stdout.on('data', onData);
    void exited.then((code) => reject(new Error(`server exited (${code}) before it was ready: ${stderr.trim()}`)));
    const giveUp = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('server not ready within 5 minutes'));
    }, 300_000);
    giveUp.unref();
  });
  return { child, url, exited };
}

async function cli(env: NodeJS.ProcessEnv, args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(process.execPath, [CLI, ...args], { env, cwd: ROOT });
    return { code: 0, stdout: stdout.trim() };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code ?? 1, stdout: `${failure.stdout ?? ''}${failure.stderr ?? ''}`.trim() };
  }
}

/* ---------------------------------------------------------------- requests */

type Outcome = { op: string; ms: number; ok: boolean; kind: string; at: number };

async function graphql(url: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<{ status: number; body: { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> } }> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  let body: { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
  try {
    body = JSON.parse(text);
  } catch {
    body = { errors: [{ extensions: { code: `NON_JSON_${response.status}` } }] };
  }
  return { status: response.status, body };
}

interface Workload {
  name: string;
  weight: number;
  send(): Promise<{ status: number; body: { errors?: Array<{ extensions?: { code?: string } }> } }>;
}

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}

/** Open-loop arrivals at `rate`/s for `durationMs`, at most MAX_IN_FLIGHT at once (the rest counted as shed). */
async function drive(workloads: Workload[], rate: number, durationMs: number, outcomes: Outcome[], onTick?: (elapsedMs: number) => void): Promise<{ shed: number }> {
  const total = workloads.reduce((sum, w) => sum + w.weight, 0);
  const started = Date.now();
  let inFlight = 0;
  let shed = 0;
  let sent = 0;
  const pending = new Set<Promise<void>>();
  while (Date.now() - started < durationMs) {
    const due = Math.floor(((Date.now() - started) / 1000) * rate);
    while (sent < due) {
      sent += 1;
      if (inFlight >= MAX_IN_FLIGHT) {
        shed += 1;
        continue;
      }
      let roll = Math.random() * total;
      const workload = workloads.find((w) => (roll -= w.weight) < 0) ?? workloads[0]!;
      inFlight += 1;
      const t0 = performance.now();
      const promise = workload
        .send()
        .then(
          ({ status, body }) => {
            const code = body.errors?.[0]?.extensions?.code;
            outcomes.push({ op: workload.name, ms: performance.now() - t0, ok: status === 200 && !body.errors, kind: code ? `${status} ${code}` : String(status), at: Date.now() });
          },
          (error: Error) => {
            outcomes.push({ op: workload.name, ms: performance.now() - t0, ok: false, kind: error.name === 'TimeoutError' ? 'TIMEOUT' : `NETWORK ${error.name}`, at: Date.now() });
          },
        )
        .finally(() => {
          inFlight -= 1;
          pending.delete(promise);
        });
      pending.add(promise);
    }
    onTick?.(Date.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await Promise.all(pending);
  return { shed };
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function summarize(label: string, outcomes: Outcome[]): void {
  const ops = [...new Set(outcomes.map((o) => o.op))].sort();
  const errors = outcomes.filter((o) => !o.ok);
  log(`${label}: ${outcomes.length} requests, ${errors.length} errors, p50 ${percentile(outcomes.map((o) => o.ms), 50).toFixed(1)} ms, p99 ${percentile(outcomes.map((o) => o.ms), 99).toFixed(1)} ms`);
  for (const op of ops) {
    const mine = outcomes.filter((o) => o.op === op);
    log(`  ${op.padEnd(16)} ${String(mine.length).padStart(7)} req  ${String(mine.filter((o) => !o.ok).length).padStart(5)} err  p50 ${percentile(mine.map((o) => o.ms), 50).toFixed(1).padStart(7)} ms  p99 ${percentile(mine.map((o) => o.ms), 99).toFixed(1).padStart(7)} ms`);
  }
  const kinds = new Map<string, number>();
  for (const error of errors) kinds.set(error.kind, (kinds.get(error.kind) ?? 0) + 1);
  if (kinds.size) log(`  errors by kind: ${[...kinds].map(([kind, n]) => `${kind} ×${n}`).join(', ')}`);
}

/* ---------------------------------------------------------------- memory */

interface MemorySample {
  t: number;
  rss: number;
  heap: number;
}

async function sampleMemory(url: string): Promise<MemorySample | undefined> {
  try {
    const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
    return { t: Date.now(), rss: value('process_resident_memory_bytes'), heap: value('nodejs_heap_size_used_bytes') };
  } catch {
    return undefined;
  }
}

/** Least-squares slope in bytes per minute. */
function slopePerMinute(samples: MemorySample[], key: 'rss' | 'heap'): number {
  if (samples.length < 3) return NaN;
  const xs = samples.map((s) => (s.t - samples[0]!.t) / 60_000);
  const ys = samples.map((s) => s[key]);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const num = xs.reduce((sum, x, i) => sum + (x - mx) * (ys[i]! - my), 0);
  const den = xs.reduce((sum, x) => sum + (x - mx) ** 2, 0);
  return num / den;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/* ---------------------------------------------------------------- main */

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'samaran-load-'));
  let databaseUrl: string | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  let adminUrl: URL | undefined;
  let dbName: string | undefined;
  if (options.postgres) {
    adminUrl = new URL(options.postgres);
    dbName = `samaran_load_${randomBytes(5).toString('hex')}`;
    const admin = new Client({ connectionString: adminUrl.toString() });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const url = new URL(adminUrl.toString());
    url.pathname = `/${dbName}`;
    databaseUrl = url.toString();
    dropDatabase = async () => {
      const client = new Client({ connectionString: adminUrl!.toString() });
      await client.connect();
      await client.query(`alter database ${dbName} allow_connections true`);
      await client.query(`drop database if exists ${dbName} with (force)`);
      await client.end();
    };
  }
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: '0',
    SAMARAN_DATA_DIR: dataDir,
    SAMARAN_DEMO: 'on',
    SAMARAN_DEMO_REGISTRANTS: String(options.registrants),
    // Info: the access lines are part of the cost being measured (and `ready` is an info line).
    SAMARAN_LOG_LEVEL: 'info',
    // The load principal reveals far more than an officer would; the limit has its own tests.
    SAMARAN_REVEAL_RATE: '1000000/60s',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
  let server: Server | undefined;
  try {
    log(`== samaran load (${new Date().toISOString()}, ${os.cpus().length} cores, ${databaseUrl ? 'PostgreSQL' : 'SQLite'}, ${options.registrants} demo registrants, ${options.rate} req/s for ${options.durationSeconds} s)`);
    const startedAt = Date.now();
    server = await startServer(env);
    log(`server ready at ${server.url} (pid ${server.child.pid}) in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
    const token = (await cli(env, ['token', '--sub', 'load-officer', '--role', 'OFFICER,ANALYST,REPORTER', '--ttl', '86400'])).stdout;
    const { url } = server;

    const schema = await graphql(url, token, '{ __schema { queryType { fields { name } } } }');
    const rootFields = new Set(((schema.body.data as { __schema: { queryType: { fields: Array<{ name: string }> } } }).__schema.queryType.fields).map((f) => f.name));
    const page = await graphql(url, token, '{ subjects(first: 500) { edges { node { id } } } }');
    const ids = (page.body.data as { subjects: { edges: Array<{ node: { id: string } }> } }).subjects.edges.map((e) => e.node.id);
    if (ids.length === 0) throw new Error('no subjects to reveal: the demo dataset did not load');

    const workloads: Workload[] = [
      { name: 'subjects', weight: 35, send: () => graphql(url, token, 'query S($after: String) { subjects(first: 20, after: $after) { edges { node { id provinceCode gender ageBand applications { wave outcome } } } pageInfo { hasNextPage } } }') },
      { name: 'waves', weight: 20, send: () => graphql(url, token, '{ waves { number opensAt closesAt quota } }') },
      { name: 'reveal', weight: 25, send: () => graphql(url, token, 'mutation R($id: ID!) { reveal(subjectId: $id, fields: [FULL_NAME, BIRTH_DATE], purpose: "Load test 2026/001") { subjectId } }', { id: pick(ids) }) },
    ];
    if (rootFields.has('accountability')) {
      const shapes = ['groupBy: [WAVE]', 'groupBy: [PROVINCE, OUTCOME]', 'groupBy: [GENDER, AGE_BAND]', 'groupBy: [WAVE, REJECTION_REASON]'];
      workloads.push({ name: 'accountability', weight: 20, send: () => graphql(url, token, `{ accountability(${pick(shapes)}) { total suppressedCells cells { count suppressed } } }`) });
    }
    log(`operations: ${workloads.map((w) => w.name).join(', ')}${rootFields.has('accountability') ? '' : ' (no accountability query in this schema)'}`);

    /* 1. steady load */
    const steady: Outcome[] = [];
    const memory: MemorySample[] = [];
    const first = await sampleMemory(url);
    if (first) memory.push(first);
    let nextSample = 5_000;
    const { shed } = await drive(workloads, options.rate, options.durationSeconds * 1000, steady, (elapsed) => {
      if (elapsed >= nextSample) {
        nextSample += 5_000;
        void sampleMemory(url).then((sample) => sample && memory.push(sample));
      }
    });
    const last = await sampleMemory(url);
    if (last) memory.push(last);
    summarize('steady load', steady);
    if (shed) log(`  shed at the client (more than ${MAX_IN_FLIGHT} in flight): ${shed}`);
    const secondHalf = memory.filter((s) => s.t >= memory[0]!.t + (memory[memory.length - 1]!.t - memory[0]!.t) / 2);
    log(`memory: RSS ${mb(memory[0]!.rss)} → ${mb(memory[memory.length - 1]!.rss)} (max ${mb(Math.max(...memory.map((s) => s.rss)))}), heap ${mb(memory[0]!.heap)} → ${mb(memory[memory.length - 1]!.heap)} (max ${mb(Math.max(...memory.map((s) => s.heap)))}); ${memory.length} samples`);
    const third = Math.max(1, Math.floor(memory.length / 3));
    const floor = (samples: MemorySample[], key: 'rss' | 'heap') => Math.min(...samples.map((s) => s[key]));
    log(`memory floor (min of first third → last third, after GCs): RSS ${mb(floor(memory.slice(0, third), 'rss'))} → ${mb(floor(memory.slice(-third), 'rss'))}, heap ${mb(floor(memory.slice(0, third), 'heap'))} → ${mb(floor(memory.slice(-third), 'heap'))}`);
    log(`memory trend over the second half (least squares): RSS ${mb(slopePerMinute(secondHalf, 'rss'))}/min, heap ${mb(slopePerMinute(secondHalf, 'heap'))}/min`);

    /* 2. database outage under load */
    if (adminUrl && dbName) {
      const outage: Outcome[] = [];
      const admin = new Client({ connectionString: adminUrl.toString() });
      await admin.connect();
      const before = 5_000;
      const downMs = options.outageSeconds * 1000;
      const after = 15_000;
      let phase: 'before' | 'down' | 'after' = 'before';
      let downAt = 0;
      let upAt = Number.POSITIVE_INFINITY;
      const readiness: Array<{ phase: string; status: number }> = [];
      const readyz = (label: string) =>
        fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) }).then((r) => readiness.push({ phase: label, status: r.status }), () => readiness.push({ phase: label, status: 0 }));
      let outageDone: Promise<void> = Promise.resolve();
      log(`outage: ${before / 1000} s of load, then ${dbName} refuses connections and its backends are terminated for ${options.outageSeconds} s, then ${after / 1000} s more`);
      await drive(workloads, options.rate, before + downMs + after, outage, (elapsed) => {
        if (phase === 'before' && elapsed >= before) {
          phase = 'down';
          downAt = Date.now();
          outageDone = (async () => {
            await admin.query(`alter database ${dbName} allow_connections false`);
            let probed = false;
            // Keep cutting whatever connection Samaran still holds or manages to open.
            while (phase === 'down') {
              await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [dbName]);
              if (!probed) {
                probed = true;
                void readyz('down');
              }
              await new Promise((resolve) => setTimeout(resolve, 250));
            }
            await admin.query(`alter database ${dbName} allow_connections true`);
            upAt = Date.now();
          })();
        } else if (phase === 'down' && elapsed >= before + downMs) {
          phase = 'after';
        }
      });
      await outageDone;
      await readyz('after');
      await admin.end();
      const during = outage.filter((o) => o.at >= downAt && o.at < upAt + 1_000);
      const recovered = outage.filter((o) => o.at >= upAt + 5_000);
      const firstSuccess = outage.find((o) => o.at >= upAt && o.ok);
      summarize('outage phase (all)', outage);
      log(`  during the outage: ${during.length} requests, ${during.filter((o) => !o.ok).length} failed — kinds: ${[...new Set(during.filter((o) => !o.ok).map((o) => o.kind))].join(', ') || 'none'}; slowest ${Math.max(0, ...during.map((o) => o.ms)).toFixed(0)} ms`);
      log(`  readiness: ${readiness.map((r) => `${r.phase} ${r.status}`).join(', ')}`);
      log(`  first success ${firstSuccess ? `${firstSuccess.at - upAt} ms` : 'never'} after connections were allowed again; from 5 s after: ${recovered.length} requests, ${recovered.filter((o) => !o.ok).length} errors`);
      log(`  server process: ${server.child.exitCode === null && server.child.signalCode === null ? `still the same (pid ${server.child.pid}), no restart` : `EXITED with ${server.child.exitCode ?? server.child.signalCode}`}`);
    } else {
      log('outage: skipped (needs --postgres)');
    }

    /* 3. kill -9 during reveals */
    let revealsDone = 0;
    let killed = false;
    const burst: Array<Promise<unknown>> = [];
    for (let i = 0; i < 200; i += 1) {
      burst.push(
        graphql(url, token, 'mutation R($id: ID!) { reveal(subjectId: $id, fields: [NIK], purpose: "Load test 2026/002") { subjectId } }', { id: pick(ids) }).then(
          (r) => {
            if (r.status === 200 && !killed) revealsDone += 1;
            // Kill once reveals are completing, so others are mid-transaction.
            if (revealsDone === 30 && !killed) {
              killed = true;
              server!.child.kill('SIGKILL');
            }
          },
          () => undefined,
        ),
      );
    }
    await Promise.allSettled(burst);
    if (!killed) server.child.kill('SIGKILL');
    await server.exited;
    const verify = await cli(env, ['access-log', 'verify']);
    log(`kill -9 during 200 concurrent reveals (${revealsDone} answered before the kill, the rest in flight): access-log verify exit ${verify.code}: ${verify.stdout}`);
    if (verify.code !== 0) process.exitCode = 1;
    server = undefined;
  } finally {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    await dropDatabase?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`load: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
