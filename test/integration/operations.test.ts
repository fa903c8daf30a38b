import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintDevelopmentToken } from '../../src/auth/development-keys';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/database/orm';
import { Keyring, writeKeysFile } from '../../src/pseudonymization/keyring';
import { buildRegistrant, OPEN_WAVE_MUTATION, REGISTER_MUTATION, waveInput, type RegistrantFixture } from '../factories/registrant';
import { DIALECT, errorCodes, findNeedles, personalValueNeedles, startTestServer, type TestServer } from './harness';

const CLI = path.join(__dirname, '../../bin/samaran.js');
const REVEAL = 'mutation Reveal($id: ID!) { reveal(subjectId: $id, fields: [NIK, FULL_NAME], purpose: "Case 2026/301") { nik fullName } }';
const FIND = 'query Find($nik: String!) { findSubjectByNik(nik: $nik, purpose: "Case 2026/302") { id } }';

function metricValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    if (wanted.every((pair) => (match[2] ?? '').includes(pair))) return Number(match[3]);
  }
  return undefined;
}

describe(`operations: rate limits, metrics, access lines, CORS (${DIALECT})`, () => {
  let t: TestServer;
  let officer: string;
  let person: RegistrantFixture & { subjectId: string };

  beforeAll(async () => {
    t = await startTestServer({ env: { SAMARAN_REVEAL_RATE: '4/1h', SAMARAN_CORS_ORIGINS: 'https://dasbor.prakerja.go.id,http://localhost:5173' } });
    const operator = await t.token(['OPERATOR']);
    officer = await t.token(['OFFICER'], 'officer-rate');
    await t.graphql(OPEN_WAVE_MUTATION, { input: waveInput(1, t.clock.now) }, operator);
    const registrant = buildRegistrant();
    const response = await t.graphql<{ register: { subjectId: string } }>(REGISTER_MUTATION, { input: registrant }, operator);
    person = { ...registrant, subjectId: response.body.data!.register.subjectId };
  });
  afterAll(async () => t?.stop());

  it('limits reveal and findSubjectByNik per principal, and logs the refusal as DENIED', async () => {
    for (let i = 0; i < 3; i += 1) expect((await t.graphql(REVEAL, { id: person.subjectId }, officer)).body.errors).toBeUndefined();
    // The two operations share one budget: the fourth call is a lookup.
    expect((await t.graphql(FIND, { nik: person.nik }, officer)).body.errors).toBeUndefined();
    const limited = await t.graphql(REVEAL, { id: person.subjectId }, officer);
    expect(errorCodes(limited)).toEqual(['RATE_LIMITED']);
    expect(limited.status).toBe(429);
    expect(limited.body.data ?? null).toBeNull();
    expect(limited.body.errors![0]!.extensions!.retryAfterSeconds).toBeGreaterThan(0);
    expect(errorCodes(await t.graphql(FIND, { nik: person.nik }, officer))).toEqual(['RATE_LIMITED']);

    const denied = await t.sql("select action, subject_ids, outcome, reason, actor from access_log where reason = 'RATE_LIMITED' order by seq");
    expect(denied.map((row) => [row.action, row.outcome, row.actor])).toEqual([['REVEAL', 'DENIED', 'officer-rate'], ['FIND_BY_NIK', 'DENIED', 'officer-rate']]);
    expect(JSON.parse(String(denied[0]!.subject_ids))).toEqual([person.subjectId]);

    // Another officer has a budget of their own.
    const other = await t.token(['OFFICER'], 'officer-other');
    expect((await t.graphql(REVEAL, { id: person.subjectId }, other)).body.errors).toBeUndefined();
    const verify = await t.graphql('{ verifyAccessLog { ok } }', {}, await t.token(['AUDITOR']));
    expect(verify.body.data).toEqual({ verifyAccessLog: { ok: true } });
  });

  it('writes one access line per request with id, sub, operation, status and duration, never variables', async () => {
    const requestId = 'req-ops-0001';
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${officer}`, 'x-request-id': requestId },
      body: JSON.stringify({ query: FIND, variables: { nik: person.nik }, operationName: 'Find' }),
    });
    expect(response.headers.get('x-request-id')).toBe(requestId);
    await response.text();
    const lines = t.logLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.requestId === requestId && line.msg === 'graphql request');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ sub: 'officer-rate', operation: 'findSubjectByNik', operationName: 'Find', operationType: 'query', status: 429, errors: ['RATE_LIMITED'] });
    expect(typeof lines[0]!.durationMs).toBe('number');
    expect(JSON.stringify(lines[0])).not.toContain(person.nik);
  });

  it('exposes the listed metrics after traffic, with no personal value and no subject id', async () => {
    t.server.services.metrics.recordSuppressedCells(7);
    const response = await fetch(`${t.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(metricValue(text, 'samaran_graphql_requests_total', { operation: 'reveal', status: '200' })).toBeGreaterThanOrEqual(4);
    expect(metricValue(text, 'samaran_graphql_requests_total', { operation: 'reveal', status: '429' })).toBe(1);
    expect(metricValue(text, 'samaran_graphql_request_duration_seconds_count', { operation: 'findSubjectByNik' })).toBeGreaterThanOrEqual(3);
    expect(metricValue(text, 'samaran_personal_data_access_total', { operation: 'reveal', outcome: 'allowed' })).toBe(4);
    expect(metricValue(text, 'samaran_personal_data_access_total', { operation: 'findSubjectByNik', outcome: 'refused' })).toBe(2);
    expect(metricValue(text, 'samaran_refusals_total', { code: 'RATE_LIMITED' })).toBe(3);
    expect(metricValue(text, 'samaran_suppressed_cells_total')).toBe(7);
    expect(metricValue(text, 'samaran_access_log_append_duration_seconds_count')).toBeGreaterThanOrEqual(8);
    expect(metricValue(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(metricValue(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    if (DIALECT === 'postgresql') expect(metricValue(text, 'samaran_db_pool_connections', { state: 'free' })).toBeGreaterThanOrEqual(0);
    expect(findNeedles(text, personalValueNeedles([person]))).toEqual([]);
    expect(text).not.toContain(person.subjectId);
    expect(text).not.toContain('officer-rate');
  });

  it('answers CORS only for allowlisted origins', async () => {
    const preflight = (origin: string) =>
      fetch(`${t.url}/graphql`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    const allowed = await preflight('https://dasbor.prakerja.go.id');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://dasbor.prakerja.go.id');
    expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
    const foreign = await preflight('https://evil.example');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const simple = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/json', authorization: `Bearer ${officer}` }, body: '{"query":"{ me { sub } }"}' });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('gives no CORS headers at all by default', async () => {
    const plain = await startTestServer();
    try {
      const response = await fetch(`${plain.url}/graphql`, { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' } });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await plain.stop();
    }
  });
});

describe(`operations: production error hygiene and introspection (${DIALECT})`, () => {
  let t: TestServer;
  let sign: (roles: string[]) => Promise<string>;
  let dir: string;
  let productionEnv: Record<string, string>;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'samaran-prod-'));
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    fs.writeFileSync(path.join(dir, 'jwks.json'), JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'idp-1', alg: 'ES256', use: 'sig' }] }));
    writeKeysFile(path.join(dir, 'keys.json'), Keyring.generate());
    productionEnv = { NODE_ENV: 'production', SAMARAN_JWKS_FILE: path.join(dir, 'jwks.json'), SAMARAN_JWT_ISSUER: 'https://idp.prakerja.go.id', SAMARAN_JWT_AUDIENCE: 'samaran-api', SAMARAN_KEYS_FILE: path.join(dir, 'keys.json') };
    t = await startTestServer({ env: productionEnv });
    sign = (roles) =>
      new SignJWT({ roles }).setProtectedHeader({ alg: 'ES256', kid: 'idp-1' }).setSubject('prod-user').setIssuer('https://idp.prakerja.go.id').setAudience('samaran-api').setExpirationTime('5m').sign(privateKey);
  });
  afterAll(async () => {
    await t?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gives no "did you mean" hints in production', async () => {
    const response = await t.graphql('{ subjectz { edges { node { id } } } me { subb } }', {}, await sign(['ANALYST']));
    expect(errorCodes(response)).toContain('GRAPHQL_VALIDATION_FAILED');
    expect(response.text).not.toMatch(/did you mean/i);
    expect(response.text).not.toContain('subjects');
  });

  it('refuses introspection in production by default, and allows it when switched on', async () => {
    const query = '{ __schema { queryType { name } } }';
    expect(errorCodes(await t.graphql(query, {}, await sign([])))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const open = await startTestServer({ env: { ...productionEnv, SAMARAN_INTROSPECTION: 'on' } });
    try {
      expect((await open.graphql(query, {}, await sign([]))).body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    } finally {
      await open.stop();
    }
  });

  it('masks a database failure without a stack, turns /readyz 503, and recovers without a restart', async () => {
    const token = await sign(['ANALYST']);
    await t.server.services.database.orm.close(true);
    const failed = await t.graphql('{ waves { number } }', {}, token);
    expect(failed.body.errors).toEqual([{ message: 'Internal server error', path: ['waves'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
    expect(failed.text).not.toMatch(/stack|at \w+ \(|sqlite|postgres|select/i);
    expect((await fetch(`${t.url}/readyz`)).status).toBe(503);
    const masked = t.logLines.filter((line) => line.includes('unexpected error masked'));
    expect(masked.length).toBeGreaterThan(0);
    expect(JSON.parse(masked[masked.length - 1]!)).toHaveProperty('requestId');
    await t.server.services.database.orm.reconnect();
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
    expect((await t.graphql('{ waves { number } }', {}, token)).body).toEqual({ data: { waves: [] } });
  });
});

interface Spawned {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitFor(predicate: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

function spawnServe(env: Record<string, string>): Spawned {
  const child = spawn(process.execPath, [CLI, 'serve'], { env: { PATH: process.env.PATH ?? '', ...env } });
  const lines: string[] = [];
  const waiters: Array<{ predicate: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }> = [];
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const text = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      lines.push(text);
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(text) as Record<string, unknown>;
      } catch {
        continue;
      }
      for (const waiter of [...waiters]) {
        if (waiter.predicate(parsed)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(parsed);
        }
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => lines.push(`stderr: ${chunk.toString('utf8')}`));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    lines,
    exit,
    waitFor: (predicate) =>
      new Promise((resolve, reject) => {
        waiters.push({ predicate, resolve });
        void exit.then(() => reject(new Error(`server exited while waiting:\n${lines.join('\n')}`)));
      }),
  };
}

async function runServe(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const spawned = spawnServe(env);
  const { code } = await spawned.exit;
  return { code, stderr: spawned.lines.filter((line) => line.startsWith('stderr: ')).map((line) => line.slice(8)).join('') };
}

describe('operations: lifecycle of the built server process', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'samaran-serve-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('finishes an in-flight request on SIGTERM, refuses new connections, closes the database and exits 0', async () => {
    const env = { NODE_ENV: 'test', SAMARAN_DATA_DIR: dataDir, SAMARAN_DEMO: 'off', SAMARAN_LOG_LEVEL: 'debug', PORT: '0', HOST: '127.0.0.1' };
    const server = spawnServe(env);
    try {
      const ready = await server.waitFor((line) => line.msg === 'ready');
      const url = new URL(String(ready.url));
      const token = await mintDevelopmentToken(loadConfig(env), { sub: 'shutdown-test', roles: ['ANALYST'] });
      const body = JSON.stringify({ query: '{ me { sub } waves { number } }' });
      // The body is sent in two halves: the request is in flight until the second half arrives.
      const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
        const request = http.request(
          { host: url.hostname, port: url.port, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}`, 'x-request-id': 'in-flight-1' } },
          (res) => {
            let text = '';
            res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          },
        );
        request.on('error', reject);
        request.write(body.slice(0, 10));
        void server.waitFor((line) => line.msg === 'request received' && line.requestId === 'in-flight-1').then(async () => {
          server.child.kill('SIGTERM');
          await server.waitFor((line) => line.msg === 'stopped accepting connections; draining in-flight requests');
          // Accepting has stopped: a new connection is refused while the old request is still open.
          const refused = await new Promise<boolean>((resolveConnect) => {
            const socket = net.connect(Number(url.port), url.hostname);
            socket.once('connect', () => {
              socket.destroy();
              resolveConnect(false);
            });
            socket.once('error', () => resolveConnect(true));
          });
          expect(refused).toBe(true);
          request.end(body.slice(10));
        });
      });
      const answered = await response;
      expect(answered.status).toBe(200);
      expect(JSON.parse(answered.text)).toEqual({ data: { me: { sub: 'shutdown-test' }, waves: [] } });
      expect(await server.exit).toEqual({ code: 0, signal: null });
      expect(server.lines.some((line) => line.includes('stopped: requests drained, database closed'))).toBe(true);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  });

  it('runs SAMARAN_WORKERS worker processes on one port with one reveal budget and one chain, and stops them all on SIGTERM', async () => {
    const workerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'samaran-workers-'));
    const env = { NODE_ENV: 'test', SAMARAN_DATA_DIR: workerDir, SAMARAN_DEMO: 'on', SAMARAN_DEMO_REGISTRANTS: '20', SAMARAN_WORKERS: '2', SAMARAN_REVEAL_RATE: '6/1h', SAMARAN_LOG_LEVEL: 'info', PORT: '0', HOST: '127.0.0.1' };
    const server = spawnServe(env);
    try {
      // Both waits from the start: the primary's line can come before a worker's through the pipe.
      const workerReady = server.waitFor((line) => line.msg === 'ready');
      const allReady = server.waitFor((line) => line.msg === 'all workers ready');
      const url = String((await workerReady).url);
      await allReady;
      const database = await openDatabase(loadConfig(env), { migrate: false });
      const [subject] = (await database.fork().execute('select id from subject limit 1')) as Array<{ id: string }>;
      await database.close();
      const officer = await mintDevelopmentToken(loadConfig(env), { sub: 'officer-workers', roles: ['OFFICER'] });
      // Twelve connections of their own, so both workers take some.
      const responses = await Promise.all(
        Array.from({ length: 12 }, () =>
          new Promise<string>((resolve, reject) => {
            const body = JSON.stringify({ query: REVEAL, variables: { id: subject!.id } });
            const request = http.request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${officer}` } }, (res) => {
              let text = '';
              res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
              res.on('end', () => resolve(text));
            });
            request.on('error', reject);
            request.end(body);
          }),
        ),
      );
      const codes = responses.map((text) => (JSON.parse(text) as { errors?: Array<{ extensions: { code: string } }> }).errors?.[0]?.extensions.code ?? 'OK');
      expect(codes.filter((code) => code === 'OK')).toHaveLength(6);
      expect(codes.filter((code) => code === 'RATE_LIMITED')).toHaveLength(6);
      // Connections one after another, each new: the primary deals them out in turn.
      for (let i = 0; i < 6; i++) {
        const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${officer}`, connection: 'close' }, body: JSON.stringify({ query: '{ me { sub } }' }) });
        expect(await response.json()).toEqual({ data: { me: { sub: 'officer-workers' } } });
      }
      const workers = new Set(server.lines.map((line) => JSON.parse(line.startsWith('{') ? line : '{}') as Record<string, unknown>).filter((line) => line.msg === 'graphql request').map((line) => line.worker));
      expect(workers, server.lines.filter((line) => line.includes('graphql request')).join('\n')).toEqual(new Set([1, 2]));
      server.child.kill('SIGTERM');
      expect(await server.exit).toEqual({ code: 0, signal: null });
      const verify = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
        const child = spawn(process.execPath, [CLI, 'access-log', 'verify'], { env: { PATH: process.env.PATH ?? '', ...env } });
        let stdout = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
        child.once('exit', (code) => resolve({ code, stdout }));
      });
      expect(verify.code).toBe(0);
      expect(verify.stdout).toMatch(/^ok: 12 events/);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
      fs.rmSync(workerDir, { recursive: true, force: true });
    }
  });

  it.each([
    ['a malformed port', { PORT: 'eighty' }, /^samaran: PORT must be a whole number/],
    ['a malformed rate', { SAMARAN_REVEAL_RATE: 'lots' }, /^samaran: SAMARAN_REVEAL_RATE must look like "120\/60s"/],
    ['a malformed CORS origin', { SAMARAN_CORS_ORIGINS: 'https://ok.example, javascript:alert(1)' }, /^samaran: SAMARAN_CORS_ORIGINS must/],
    ['production without JWKS, issuer, audience or keys', { NODE_ENV: 'production' }, /^samaran: NODE_ENV=production requires SAMARAN_JWKS_FILE or SAMARAN_JWKS_URL, SAMARAN_JWT_ISSUER, SAMARAN_JWT_AUDIENCE, SAMARAN_KEYS_FILE/],
    ['a keys file that does not exist', { SAMARAN_KEYS_FILE: '/nonexistent/keys.json', NODE_ENV: 'production', SAMARAN_JWKS_FILE: '/nonexistent/jwks.json', SAMARAN_JWT_ISSUER: 'i', SAMARAN_JWT_AUDIENCE: 'a' }, /^samaran: .*keys file not found: \/nonexistent\/keys\.json/],
  ])('refuses to start with %s: one clear line, exit 1', async (_name, bad, message) => {
    const { code, stderr } = await runServe({ SAMARAN_DATA_DIR: dataDir, SAMARAN_DEMO: 'off', PORT: '0', ...bad });
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses to start on a port already taken: one clear line, exit 1', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const port = (blocker.address() as net.AddressInfo).port;
      const { code, stderr } = await runServe({ NODE_ENV: 'test', SAMARAN_DATA_DIR: dataDir, SAMARAN_DEMO: 'off', PORT: String(port), HOST: '127.0.0.1' });
      expect(code).toBe(1);
      expect(stderr.trim()).toBe(`samaran: cannot listen on 127.0.0.1:${port}: EADDRINUSE`);
    } finally {
      blocker.close();
    }
  });
});
