import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { getIntrospectionQuery } from 'graphql';
import { exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildRegistrant, OPEN_WAVE_MUTATION, REGISTER_MUTATION, waveInput, type RegistrantFixture } from '../factories/registrant';
import { DIALECT, errorCodes, findNeedles, personalValueNeedles, startTestServer, type TestServer } from './harness';

/**
 * Hostile input: every case sends something an attacker or a broken client would, expects a
 * clean refusal with a stable code (never INTERNAL_SERVER_ERROR, never a stack, never a value
 * echoed), and afterwards the server must still answer /healthz and a trivial query. At the end
 * every response body and every log line is scanned for the personal values the cases sent.
 * JWT attacks already covered in auth.test.ts (missing/garbage/expired token, no exp, no sub,
 * wrong iss/aud, unknown kid, foreign key under a known kid, alg none, HS256 confusion, tampered
 * payload, non-array roles) are not repeated; the ones below are the rest.
 */

interface RawResponse {
  status: number;
  text: string;
  headers: Headers;
  json(): { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

const INJECTIONS = [
  "' OR '1'='1' --",
  '"; DROP TABLE subjects; --',
  "1'; select pg_sleep(3); --",
  "x' union select nik_token from subjects --",
  '<script>alert(document.cookie)</script>',
  '"><img src=x onerror=alert(1)>',
  '{{7*7}}${7*7}',
  'a\u0000b\u202e',
  'lone \ud800 surrogate',
  '../../../../etc/passwd',
];

describe(`hostile input (${DIALECT})`, () => {
  let t: TestServer;
  let operator: string;
  let officer: string;
  let analyst: string;
  let auditor: string;
  let registered: RegistrantFixture & { subjectId: string };
  /** Personal values that travel only inside bad inputs; none may come back or reach a log. */
  const hostile = Array.from({ length: 3 }, () => buildRegistrant());
  const responses: string[] = [];

  async function raw(init: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer | Blob; token?: string | null }): Promise<RawResponse> {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    const response = await fetch(`${t.url}${init.path ?? '/graphql'}`, { method: init.method ?? 'POST', headers, body: init.body });
    const text = await response.text();
    responses.push(text);
    return { status: response.status, text, headers: response.headers, json: () => JSON.parse(text) };
  }

  async function gql(query: string, variables?: Record<string, unknown>, token: string | null = analyst) {
    const response = await t.graphql(query, variables, token);
    responses.push(response.text);
    return response;
  }

  function expectRefused(response: { status: number; text: string }, code: string, status?: number) {
    const body = JSON.parse(response.text) as { errors?: Array<{ extensions?: Record<string, unknown> }> };
    expect(body.errors?.map((e) => e.extensions?.code), response.text).toContain(code);
    if (status) expect(response.status).toBe(status);
    expect(response.text).not.toMatch(/stacktrace|\s+at \w+ \(|node_modules|Did you mean/);
  }

  beforeAll(async () => {
    t = await startTestServer();
    operator = await t.token(['OPERATOR'], 'operator-hostile');
    officer = await t.token(['OFFICER'], 'officer-hostile');
    analyst = await t.token(['ANALYST'], 'analyst-hostile');
    auditor = await t.token(['AUDITOR'], 'auditor-hostile');
    await t.graphql(OPEN_WAVE_MUTATION, { input: waveInput(1, t.clock.now) }, operator);
    const person = buildRegistrant();
    const response = await t.graphql<{ register: { subjectId: string } }>(REGISTER_MUTATION, { input: person }, operator);
    expect(response.body.errors).toBeUndefined();
    registered = { ...person, subjectId: response.body.data!.register.subjectId };
  });

  afterEach(async () => {
    const health = await fetch(`${t.url}/healthz`);
    expect(health.status).toBe(200);
    const trivial = await t.graphql<{ me: { sub: string } }>('{ me { sub } }', {}, analyst);
    expect(trivial.body.data?.me.sub).toBe('analyst-hostile');
  });

  afterAll(async () => t?.stop());

  describe('query shape', () => {
    const deep = (levels: number) => `{ subjects(first: 1) { edges { node { ${'applications { subject { '.repeat(levels)}id${' } }'.repeat(levels)} } } } }`;

    it('refuses a query 30 levels deep', async () => {
      expectRefused(await gql(deep(14)), 'QUERY_TOO_COMPLEX', 400);
    });

    it('refuses depth built from a chain of fragments', async () => {
      const fragments = Array.from({ length: 16 }, (_, i) => `fragment F${i} on Application { subject { applications { ${i < 15 ? `...F${i + 1}` : 'id'} } } }`).join('\n');
      expectRefused(await gql(`{ subjects(first: 1) { edges { node { applications { ...F0 } } } } }\n${fragments}`), 'QUERY_TOO_COMPLEX', 400);
    });

    it("lets the introspection query GraphiQL sends through", async () => {
      const query = getIntrospectionQuery({ inputValueDeprecation: true, schemaDescription: true, descriptions: true });
      const response = await gql(query);
      expect(response.body.errors).toBeUndefined();
      expect((response.body.data as { __schema: { queryType: { name: string } } }).__schema.queryType.name).toBe('Query');
    });

    it('refuses an alias bomb on a cheap field', async () => {
      const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: me { sub }`).join(' ');
      expectRefused(await gql(`{ ${aliases} }`), 'QUERY_TOO_COMPLEX', 400);
    });

    it('refuses an alias bomb of reveals before any is attempted (no access-log event)', async () => {
      const [{ n: before }] = await t.sql('select count(*) as n from access_log');
      const aliases = Array.from({ length: 40 }, (_, i) => `r${i}: reveal(subjectId: "${registered.subjectId}", fields: [NIK], purpose: "Case 1")  { nik }`).join(' ');
      expectRefused(await gql(`mutation { ${aliases} }`, {}, officer), 'QUERY_TOO_COMPLEX', 400);
      const [{ n: after }] = await t.sql('select count(*) as n from access_log');
      expect(Number(after)).toBe(Number(before));
    });

    it('refuses a document with more tokens than the cap', async () => {
      expectRefused(await gql(`{ me { ${'sub '.repeat(2100)} } }`), 'QUERY_TOO_COMPLEX', 400);
    });

    it('refuses a costly query (nested lists under a full page)', async () => {
      const query = '{ subjects(first: 500) { edges { node { applications { subject { applications { subject { applications { id } } } } } } } } }';
      expectRefused(await gql(query), 'QUERY_TOO_COMPLEX', 400);
      // Its cost is kept per document: the same text is refused again without being costed again.
      expectRefused(await gql(query), 'QUERY_TOO_COMPLEX', 400);
    });

    it('costs a selection included through a variable', async () => {
      const query = 'query Q($deep: Boolean!) { subjects(first: 500) { edges { node { id applications @include(if: $deep) { subject { applications { subject { applications { id } } } } } } } } }';
      expect((await gql(query, { deep: false })).body.errors).toBeUndefined();
      expectRefused(await gql(query, { deep: true }), 'QUERY_TOO_COMPLEX', 400);
      expect((await gql(query, { deep: false })).body.errors).toBeUndefined();
    });

    it('costs a page size given through a variable', async () => {
      const query = 'query Q($n: Int!) { subjects(first: $n) { edges { node { applications { subject { applications { subject { applications { id } } } } } } } } }';
      expect((await gql(query, { n: 2 })).body.errors).toBeUndefined();
      expectRefused(await gql(query, { n: 500 }), 'QUERY_TOO_COMPLEX', 400);
      expect((await gql(query, { n: 2 })).body.errors).toBeUndefined();
    });

    it('refuses a fragment fan-out ("billion laughs")', async () => {
      const levels = ['A', 'B', 'C', 'D', 'E', 'F'];
      const fragments = levels
        .map((name, i) => `fragment ${name} on Subject { applications { subject { ${i < levels.length - 1 ? Array.from({ length: 4 }, () => `...${levels[i + 1]}`).join(' ') : 'id'} } } }`)
        .join('\n');
      const response = await gql(`{ subjects(first: 10) { edges { node { ...A } } } }\n${fragments}`);
      expect(['QUERY_TOO_COMPLEX', 'GRAPHQL_VALIDATION_FAILED']).toContain(errorCodes(response)[0]);
    });

    it('refuses circular fragments', async () => {
      expectRefused(await gql('{ subjects { edges { node { ...A } } } } fragment A on Subject { applications { subject { ...B } } } fragment B on Subject { ...A }'), 'GRAPHQL_VALIDATION_FAILED', 400);
    });

    it('refuses a page larger than the cap with a field-specific error', async () => {
      const response = await gql('query Q($n: Int) { subjects(first: $n) { edges { node { id } } } }', { n: 100_000 });
      expectRefused(response, 'BAD_USER_INPUT');
      expect(response.body.errors?.[0]?.extensions?.field).toBe('first');
    });

    it('refuses a page size beyond 32-bit integers and a negative one', async () => {
      expectRefused(await gql('{ subjects(first: 99999999999) { edges { node { id } } } }'), 'GRAPHQL_VALIDATION_FAILED', 400);
      expectRefused(await gql('query Q($n: Int) { subjects(first: $n) { edges { node { id } } } }', { n: 2 ** 40 }), 'BAD_USER_INPUT');
      expectRefused(await gql('{ subjects(first: -5) { edges { node { id } } } }'), 'BAD_USER_INPUT');
    });

    it('refuses a giant access-log page', async () => {
      expectRefused(await gql('{ accessLog(first: 1000000) { edges { node { seq } } } }', {}, auditor), 'BAD_USER_INPUT');
    });

    it('handles a giant list argument without amplification', async () => {
      const fields = Array.from({ length: 50_000 }, (_, i) => ['NIK', 'FULL_NAME', 'EMAIL'][i % 3]);
      const response = await gql('mutation R($f: [PersonalField!]!) { reveal(subjectId: "00000000-0000-4000-8000-000000000000", fields: $f, purpose: "Case 77") { nik } }', { f: fields }, officer);
      expectRefused(response, 'NOT_FOUND');
      const [event] = await t.sql("select fields_requested from access_log where action = 'REVEAL' order by seq desc limit 1");
      expect(JSON.parse(String(event!.fields_requested))).toHaveLength(3);
    });
  });

  describe('HTTP', () => {
    const json = { 'content-type': 'application/json' };

    it('refuses an oversized body with 413', async () => {
      const response = await raw({ headers: json, token: analyst, body: JSON.stringify({ query: '{ me { sub } }', variables: { pad: 'x'.repeat(2 * 1024 * 1024) } }) });
      expectRefused(response, 'PAYLOAD_TOO_LARGE', 413);
    });

    it('refuses a gzip bomb by its inflated size', async () => {
      const body = gzipSync(Buffer.from(JSON.stringify({ query: '{ me { sub } }', variables: { pad: '0'.repeat(20 * 1024 * 1024) } })));
      expect(body.length).toBeLessThan(100_000);
      const response = await raw({ headers: { ...json, 'content-encoding': 'gzip' }, token: analyst, body });
      expectRefused(response, 'PAYLOAD_TOO_LARGE', 413);
    });

    it('refuses an unsupported content encoding', async () => {
      const response = await raw({ headers: { ...json, 'content-encoding': 'x-snappy' }, token: analyst, body: '{"query":"{ me { sub } }"}' });
      expect(response.status).toBe(400);
      expectRefused(response, 'BAD_REQUEST');
    });

    it('refuses malformed JSON', async () => {
      expectRefused(await raw({ headers: json, token: analyst, body: `{"query": "{ me { sub } }", "variables": {"nik": "${hostile[0]!.nik}"` }), 'BAD_REQUEST', 400);
    });

    it('refuses a batch (array body)', async () => {
      expectRefused(await raw({ headers: json, token: analyst, body: JSON.stringify([{ query: '{ me { sub } }' }, { query: '{ waves { number } }' }]) }), 'BAD_REQUEST', 400);
    });

    it.each([['null'], ['42'], [`"${hostile[0]!.fullName}"`], ['{"query": 5}'], ['{"query": "{ me { sub } }", "variables": "x"}'], ['{}']])('refuses the JSON body %s', async (body) => {
      const response = await raw({ headers: json, token: analyst, body });
      expect(response.status).toBe(400);
      expectRefused(response, 'BAD_REQUEST');
    });

    it.each([['text/plain'], ['application/x-www-form-urlencoded'], ['multipart/form-data; boundary=x']])('refuses content type %s (CSRF-safe)', async (type) => {
      const response = await raw({ headers: { 'content-type': type }, token: analyst, body: 'query={ me { sub } }' });
      expect(response.status).toBe(400);
      expectRefused(response, 'BAD_REQUEST');
    });

    it('refuses a request without a content type', async () => {
      const response = await raw({ token: analyst, body: new Blob(['{"query":"{ me { sub } }"}']) });
      expect(response.status).toBe(400);
    });

    it('refuses a GET query without a preflight-forcing header (CSRF prevention)', async () => {
      const response = await raw({ method: 'GET', path: `/graphql?query=${encodeURIComponent('{ me { sub } }')}`, token: analyst });
      expectRefused(response, 'BAD_REQUEST', 400);
    });

    it('refuses a mutation over GET', async () => {
      const query = encodeURIComponent(`mutation { register(input: { nik: "${hostile[1]!.nik}", fullName: "x", birthDate: "x", gender: MALE, email: "x", phone: "x", provinceCode: "31", regencyCode: "3171", addressLine: "x", education: NONE, employmentStatus: EMPLOYED, wave: 1 }) { subjectId } }`);
      const response = await raw({ method: 'GET', path: `/graphql?query=${query}`, headers: { 'apollo-require-preflight': 'true' }, token: operator });
      expect(response.status).toBe(405);
      expectRefused(response, 'BAD_REQUEST');
    });

    it.each([['PUT'], ['DELETE'], ['PATCH']])('refuses %s on /graphql', async (method) => {
      const response = await raw({ method, headers: json, token: analyst, body: '{"query":"{ me { sub } }"}' });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    });

    it('answers an unknown path with a JSON 404 that does not echo the path', async () => {
      const response = await raw({ method: 'GET', path: `/subjects/${hostile[0]!.nik}?name=${encodeURIComponent(hostile[0]!.fullName)}` });
      expect(response.status).toBe(404);
      expect(response.text).not.toContain(hostile[0]!.nik);
    });
  });

  describe('tokens (attacks not covered in auth.test.ts)', () => {
    async function signedBy(key: Parameters<SignJWT['sign']>[0], header: Record<string, unknown>, claims: Record<string, unknown> = { roles: ['OFFICER'] }) {
      return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', ...header }).setSubject('mallory').setIssuer(t.config.jwtIssuer).setAudience(t.config.jwtAudience).setExpirationTime('5m').sign(key);
    }

    async function expectUnauthenticated(token: string) {
      const response = await raw({ headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"query":"{ me { sub } }"}' });
      expectRefused(response, 'UNAUTHENTICATED', 401);
    }

    it('refuses a token carrying its own key in the header (embedded jwk)', async () => {
      const attacker = await generateKeyPair('ES256');
      await expectUnauthenticated(await signedBy(attacker.privateKey, { jwk: await exportJWK(attacker.publicKey) }));
    });

    it('refuses a token pointing at the attacker key set (jku, x5u)', async () => {
      const attacker = await generateKeyPair('ES256');
      await expectUnauthenticated(await signedBy(attacker.privateKey, { jku: 'http://127.0.0.1:1/jwks.json', x5u: 'http://127.0.0.1:1/cert.pem', kid: 'attacker' }));
    });

    it('refuses a kid that tries path traversal or SQL', async () => {
      const attacker = await generateKeyPair('ES256');
      await expectUnauthenticated(await signedBy(attacker.privateKey, { kid: "../../../../dev/null' OR '1'='1" }));
    });

    it('refuses a token signed with the real key but not yet valid (nbf in the future)', async () => {
      const devKey = JSON.parse(fs.readFileSync(path.join(t.config.dataDir, 'dev-signing-key.json'), 'utf8')) as Record<string, string>;
      const key = await importJWK(devKey, 'ES256');
      const token = await new SignJWT({ roles: ['OFFICER'] }).setProtectedHeader({ alg: 'ES256', kid: devKey.kid! }).setSubject('mallory')
        .setIssuer(t.config.jwtIssuer).setAudience(t.config.jwtAudience).setNotBefore('1h').setExpirationTime('2h').sign(key);
      await expectUnauthenticated(token);
    });

    it('refuses a token signed with the real key but carrying an unknown critical header', async () => {
      // jose will not sign such a token, so it is assembled by hand (ES256 signatures are r||s, as WebCrypto makes them).
      const devKey = JSON.parse(fs.readFileSync(path.join(t.config.dataDir, 'dev-signing-key.json'), 'utf8')) as Record<string, string>;
      const key = (await importJWK(devKey, 'ES256')) as Parameters<typeof crypto.subtle.sign>[1];
      const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      const input = `${encode({ alg: 'ES256', kid: devKey.kid, crit: ['x-samaran-bypass'], 'x-samaran-bypass': true })}.${encode({ sub: 'mallory', roles: ['OFFICER'], iss: t.config.jwtIssuer, aud: t.config.jwtAudience, exp: now + 300 })}`;
      const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, Buffer.from(input));
      await expectUnauthenticated(`${input}.${Buffer.from(signature).toString('base64url')}`);
    });

    it('refuses a 200 kB token (header too large) and two Authorization values', async () => {
      const huge = await raw({ headers: { 'content-type': 'application/json', authorization: `Bearer ${'a'.repeat(100_000)}.${'b'.repeat(100_000)}.c` }, body: '{"query":"{ me { sub } }"}' });
      expect(huge.status).toBe(431);
      await expectUnauthenticated(`${'a'.repeat(4_000)}.${'b'.repeat(4_000)}.c`);
      const response = await raw({ headers: { 'content-type': 'application/json', authorization: `Bearer ${analyst}, Bearer ${officer}` }, body: '{"query":"{ me { sub } }"}' });
      expectRefused(response, 'UNAUTHENTICATED', 401);
    });
  });

  describe('injection strings in every string argument', () => {
    const registerField = (field: keyof RegistrantFixture) => async () => {
      for (const injection of INJECTIONS) {
        const response = await gql(REGISTER_MUTATION, { input: buildRegistrant({ [field]: injection } as Partial<RegistrantFixture>) }, operator);
        const codes = errorCodes(response);
        // Text fields may take odd characters (they are sealed); identifiers and codes must refuse them.
        if (codes.length > 0) expect(codes).toEqual(['BAD_USER_INPUT']);
        expect(response.text).not.toContain(injection);
      }
    };
    it.each([['nik'], ['fullName'], ['birthDate'], ['email'], ['phone'], ['provinceCode'], ['regencyCode'], ['addressLine']] as Array<[keyof RegistrantFixture]>)('register.input.%s', async (field) => {
      await registerField(field)();
    });

    const cases: Array<[string, string, (value: string) => Record<string, unknown>, () => string, string[]]> = [
      ['findSubjectByNik.nik', 'query Q($v: String!) { findSubjectByNik(nik: $v, purpose: "Case 12") { id } }', (v) => ({ v }), () => officer, ['BAD_USER_INPUT']],
      ['findSubjectByNik.purpose', 'query Q($v: String!, $n: String!) { findSubjectByNik(nik: $n, purpose: $v) { id } }', (v) => ({ v, n: hostile[2]!.nik }), () => officer, ['BAD_USER_INPUT']],
      ['reveal.subjectId', 'mutation M($v: ID!) { reveal(subjectId: $v, fields: [NIK], purpose: "Case 13") { nik } }', (v) => ({ v }), () => officer, ['NOT_FOUND', 'BAD_USER_INPUT']],
      ['reveal.purpose', 'mutation M($v: String!) { reveal(subjectId: "00000000-0000-4000-8000-000000000000", fields: [NIK], purpose: $v) { nik } }', (v) => ({ v }), () => officer, ['BAD_USER_INPUT', 'NOT_FOUND']],
      ['subjects.filter.provinceCode', 'query Q($v: String) { subjects(filter: { provinceCode: $v }) { edges { node { id } } } }', (v) => ({ v }), () => analyst, ['BAD_USER_INPUT']],
      ['subjects.filter.regencyCode', 'query Q($v: String) { subjects(filter: { regencyCode: $v }) { edges { node { id } } } }', (v) => ({ v }), () => analyst, ['BAD_USER_INPUT']],
      ['subjects.after', 'query Q($v: String) { subjects(after: $v) { edges { node { id } } } }', (v) => ({ v }), () => analyst, ['BAD_USER_INPUT']],
      ['subject.id', 'query Q($v: ID!) { subject(id: $v) { id } }', (v) => ({ v }), () => analyst, ['BAD_USER_INPUT']],
      ['accessLog.filter.actor', 'query Q($v: String) { accessLog(filter: { actor: $v }) { edges { node { seq } } } }', (v) => ({ v }), () => auditor, ['BAD_USER_INPUT']],
      ['accessLog.filter.action', 'query Q($v: String) { accessLog(filter: { action: $v }) { edges { node { seq } } } }', (v) => ({ v }), () => auditor, ['BAD_USER_INPUT']],
      ['accessLog.filter.subjectId', 'query Q($v: ID) { accessLog(filter: { subjectId: $v }) { edges { node { seq } } } }', (v) => ({ v }), () => auditor, ['BAD_USER_INPUT']],
      ['accessLog.after', 'query Q($v: String) { accessLog(after: $v) { edges { node { seq } } } }', (v) => ({ v }), () => auditor, ['BAD_USER_INPUT']],
    ];
    it.each(cases)('%s', async (_name, query, variables, token, allowed) => {
      for (const injection of INJECTIONS) {
        const response = await gql(query, variables(injection), token());
        for (const code of errorCodes(response)) expect(allowed, `${injection}: ${response.text}`).toContain(code);
        if (!response.body.errors) expect(JSON.stringify(response.body.data)).not.toContain(injection);
      }
    });

    it('leaves the database intact: tables answer, the access log verifies, no injected row', async () => {
      const [{ n }] = await t.sql('select count(*) as n from subject');
      expect(Number(n)).toBeGreaterThanOrEqual(1);
      const verify = await gql('{ verifyAccessLog { ok } }', {}, auditor);
      expect(verify.body.data).toEqual({ verifyAccessLog: { ok: true } });
      // Accepted purposes are stored as written (free text, bound as a parameter); nothing else may hold an injection.
      const purposes = new Set((await t.sql('select distinct purpose from access_log')).map((row) => row.purpose));
      const stored = await t.databaseBytes();
      for (const injection of INJECTIONS.filter((i) => /^[\x20-\x7e]+$/.test(i))) {
        if (stored.includes(Buffer.from(injection))) expect(purposes, injection).toContain(injection);
      }
    });
  });

  describe('personal values in bad input', () => {
    it('does not echo a NIK sent where a number belongs', async () => {
      expectRefused(await gql(`{ subjects(first: ${hostile[0]!.nik}) { edges { node { id } } } }`), 'GRAPHQL_VALIDATION_FAILED');
      expectRefused(await gql('query Q($n: Int) { subjects(first: $n) { edges { node { id } } } }', { n: hostile[0]!.nik }), 'BAD_USER_INPUT');
    });

    it('does not echo a name, email or phone sent as an enum or a wave number', async () => {
      const person = hostile[1]!;
      const input = { ...buildRegistrant(), gender: person.fullName, education: person.email, wave: person.phone };
      expectRefused(await gql(REGISTER_MUTATION, { input }, operator), 'BAD_USER_INPUT');
      expectRefused(await gql(`{ subjects(filter: { gender: ${person.fullName.replace(/ /g, '_')} }) { edges { node { id } } } }`), 'GRAPHQL_VALIDATION_FAILED');
    });

    it('does not echo personal values in a purpose, a NIK with garbage, or a birth date in a wrong format', async () => {
      const person = hostile[2]!;
      expectRefused(await gql('query Q($p: String!, $n: String!) { findSubjectByNik(nik: $n, purpose: $p) { id } }', { p: `calling ${person.phone} about ${person.nik}`, n: registered.nik }, officer), 'BAD_USER_INPUT');
      expectRefused(await gql('query Q($n: String!) { findSubjectByNik(nik: $n, purpose: "Case 9") { id } }', { n: `${person.nik} ${person.fullName}` }, officer), 'BAD_USER_INPUT');
      const [year, month, day] = person.birthDate.split('-');
      expectRefused(await gql(REGISTER_MUTATION, { input: { ...buildRegistrant(), nik: person.nik, birthDate: `${day}-${month}-${year}` } }, operator), 'BAD_USER_INPUT');
    });

    it('does not echo personal values in a syntax error or an unknown argument', async () => {
      expectRefused(await gql(`{ findSubjectByNik(nik: "${hostile[0]!.nik}", purpose: "${hostile[0]!.fullName}" { id } }`, {}, officer), 'GRAPHQL_PARSE_FAILED', 400);
      expectRefused(await gql(`{ me(name: "${hostile[0]!.fullName}", nik: "${hostile[0]!.nik}") { sub } }`), 'GRAPHQL_VALIDATION_FAILED', 400);
    });

    it('does not echo a personal value sent as an operation name or a request id', async () => {
      const response = await raw({
        headers: { 'content-type': 'application/json', authorization: `Bearer ${analyst}`, 'x-request-id': hostile[1]!.email },
        body: JSON.stringify({ query: '{ me { sub } }', operationName: hostile[1]!.nik }),
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('x-request-id')).not.toBe(hostile[1]!.email);
    });

    it('keeps an oversized name out of the database', async () => {
      const response = await gql(REGISTER_MUTATION, { input: buildRegistrant({ fullName: `${hostile[2]!.fullName} ${'x'.repeat(300_000)}` }) }, operator);
      expectRefused(response, 'BAD_USER_INPUT');
    });
  });

  it('never sent back or logged a personal value it received', async () => {
    const needles = personalValueNeedles([...hostile, registered]);
    expect(needles.length).toBeGreaterThan(15);
    expect(findNeedles(responses.join('\n'), needles)).toEqual([]);
    expect(findNeedles(t.logLines.join('\n'), needles)).toEqual([]);
    expect(findNeedles(await t.databaseBytes(), personalValueNeedles(hostile))).toEqual([]);
    // Every GraphQL request left exactly one access line with its outcome, and none carries variables.
    const accessLines = t.logLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'graphql request');
    expect(accessLines.length).toBeGreaterThan(100);
    for (const line of accessLines) {
      expect(line).toHaveProperty('requestId');
      expect(line).toHaveProperty('status');
      expect(line).not.toHaveProperty('variables');
    }
  });
});
