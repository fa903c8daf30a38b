import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventHash } from '../../src/access-log/chain';
import { buildRegistrant, OPEN_WAVE_MUTATION, REGISTER_MUTATION, waveInput, type RegistrantFixture } from '../factories/registrant';
import { DIALECT, errorCodes, findNeedles, personalValueNeedles, startTestServer, type TestServer } from './harness';

const run = promisify(execFile);
const CLI = path.join(__dirname, '../../bin/samaran.js');

const REVEAL = /* GraphQL */ `
  mutation Reveal($subjectId: ID!, $fields: [PersonalField!]!, $purpose: String!) {
    reveal(subjectId: $subjectId, fields: $fields, purpose: $purpose) { subjectId nik fullName birthDate email phone addressLine }
  }
`;
const FIND = /* GraphQL */ `
  query Find($nik: String!, $purpose: String!) { findSubjectByNik(nik: $nik, purpose: $purpose) { id state provinceCode } }
`;
const LOG = /* GraphQL */ `
  query Log($filter: AccessLogFilter, $first: Int, $after: String) {
    accessLog(filter: $filter, first: $first, after: $after) {
      edges { cursor node { seq at actor roles action subjectIds fields fieldsReturned purpose outcome reason requestId hash prevHash } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;
const VERIFY = '{ verifyAccessLog { ok length headHash firstBrokenSeq } }';

type Event = { seq: number; actor: string; action: string; subjectIds: string[]; fields: string[]; fieldsReturned: string[]; purpose: string | null; outcome: string; reason: string | null };

describe(`access log, lookup and reveal (${DIALECT})`, () => {
  let t: TestServer;
  let officer: string;
  let auditor: string;
  const people: Array<RegistrantFixture & { subjectId: string }> = [];

  async function events(filter: Record<string, unknown> = {}, first = 500): Promise<Event[]> {
    const response = await t.graphql<{ accessLog: { edges: Array<{ node: Event }> } }>(LOG, { filter, first }, auditor);
    expect(response.body.errors, JSON.stringify(response.body.errors) + t.logLines.filter((l) => l.includes('masked')).join('')).toBeUndefined();
    return response.body.data!.accessLog.edges.map((edge) => edge.node);
  }

  async function cliVerify(): Promise<{ code: number; stdout: string }> {
    const env = { ...process.env, NODE_ENV: 'test', SAMARAN_DATA_DIR: t.config.dataDir, ...(t.config.databaseUrl ? { DATABASE_URL: t.config.databaseUrl } : {}) };
    try {
      const { stdout } = await run(process.execPath, [CLI, 'access-log', 'verify'], { env });
      return { code: 0, stdout };
    } catch (error) {
      const failure = error as { code: number; stdout: string };
      return { code: failure.code, stdout: failure.stdout };
    }
  }

  /** Runs statements as a database administrator would: with the append-only triggers out of the way. */
  async function asAdministrator(statements: Array<[string, unknown[]?]>): Promise<void> {
    const em = t.server.services.database.fork();
    if (DIALECT === 'postgresql') {
      await em.transactional(async (tx) => {
        await tx.execute('set local session_replication_role = replica');
        for (const [sql, params] of statements) await tx.execute(sql, params ?? [], 'run');
      });
      return;
    }
    const triggers = (await em.execute("select sql from sqlite_master where type = 'trigger' and tbl_name like 'access_log%'")) as Array<{ sql: string }>;
    await em.transactional(async (tx) => {
      for (const trigger of triggers) await tx.execute(`drop trigger ${/trigger\s+`?(\w+)`?/i.exec(trigger.sql)![1]}`, [], 'run');
      for (const [sql, params] of statements) await tx.execute(sql, params ?? [], 'run');
      for (const trigger of triggers) await tx.execute(trigger.sql, [], 'run');
    });
  }

  async function snapshot() {
    return t.sql('select * from access_log order by seq');
  }

  async function restore(rows: Array<Record<string, unknown>>) {
    const columns = Object.keys(rows[0]!);
    await asAdministrator([
      ['delete from access_log'],
      ...rows.map((row) => [`insert into access_log (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`, columns.map((c) => row[c])] as [string, unknown[]]),
      // Verifying is itself logged, so the head moved on meanwhile: put it back as well.
      ['update access_log_head set seq = ?, hash = ? where id = 1', [rows[rows.length - 1]!.seq, rows[rows.length - 1]!.hash]],
    ]);
    expect((await cliVerify()).code).toBe(0);
  }

  beforeAll(async () => {
    t = await startTestServer();
    const operator = await t.token(['OPERATOR']);
    officer = await t.token(['OFFICER'], 'officer-ani');
    auditor = await t.token(['AUDITOR'], 'auditor-budi');
    await t.graphql(OPEN_WAVE_MUTATION, { input: waveInput(1, t.clock.now) }, operator);
    for (let i = 0; i < 3; i += 1) {
      const registrant = buildRegistrant();
      const response = await t.graphql<{ register: { subjectId: string } }>(REGISTER_MUTATION, { input: registrant }, operator);
      people.push({ ...registrant, subjectId: response.body.data!.register.subjectId });
    }
  });
  afterAll(async () => t?.stop());

  it('reveals only the requested fields and logs the reveal with fields and purpose', async () => {
    const person = people[0]!;
    const response = await t.graphql(REVEAL, { subjectId: person.subjectId, fields: ['NIK', 'FULL_NAME'], purpose: 'Case 2026/114: identity check' }, officer);
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data).toEqual({ reveal: { subjectId: person.subjectId, nik: person.nik, fullName: person.fullName, birthDate: null, email: null, phone: null, addressLine: null } });
    const all = await t.graphql(REVEAL, { subjectId: person.subjectId, fields: ['NIK', 'FULL_NAME', 'BIRTH_DATE', 'EMAIL', 'PHONE', 'ADDRESS_LINE'], purpose: 'Case 2026/115' }, officer);
    expect(all.body.data).toMatchObject({ reveal: { birthDate: person.birthDate, email: person.email.toLowerCase(), addressLine: person.addressLine } });
    const [latest] = await events({ subjectId: person.subjectId, action: 'REVEAL' }, 1);
    expect(latest).toMatchObject({ actor: 'officer-ani', action: 'REVEAL', subjectIds: [person.subjectId], outcome: 'ALLOWED', purpose: 'Case 2026/115' });
    expect(latest!.fields).toHaveLength(6);
    expect(latest!.fieldsReturned).toHaveLength(6);
  });

  it('finds a subject by NIK, logs the lookup without the NIK, and answers null for an unknown NIK', async () => {
    const person = people[1]!;
    const found = await t.graphql(FIND, { nik: person.nik, purpose: 'Complaint 77: who is this' }, officer);
    expect(found.body.data).toEqual({ findSubjectByNik: { id: person.subjectId, state: 'ACTIVE', provinceCode: '31' } });
    const unknown = buildRegistrant();
    const missing = await t.graphql(FIND, { nik: unknown.nik, purpose: 'Complaint 78' }, officer);
    expect(missing.body.data).toEqual({ findSubjectByNik: null });
    const lookups = await events({ action: 'FIND_BY_NIK' });
    expect(lookups.map((e) => e.subjectIds)).toEqual([[], [person.subjectId]]);
    expect(findNeedles(JSON.stringify(await t.sql('select * from access_log')), [person.nik, unknown.nik])).toEqual([]);
  });

  it('logs denied attempts (wrong role, missing or personal purpose, bad NIK) with no personal value', async () => {
    const person = people[2]!;
    const analyst = await t.token(['ANALYST'], 'analyst-citra');
    const wrongRole = await t.graphql(REVEAL, { subjectId: person.subjectId, fields: ['NIK'], purpose: 'curious' }, analyst);
    expect(errorCodes(wrongRole)).toEqual(['FORBIDDEN']);
    expect(wrongRole.body.data).toBeNull();
    const noPurpose = await t.graphql(REVEAL, { subjectId: person.subjectId, fields: ['NIK'], purpose: ' ' }, officer);
    expect(noPurpose.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'purpose' });
    const personalPurpose = await t.graphql(REVEAL, { subjectId: person.subjectId, fields: ['NIK'], purpose: `checking ${person.nik}` }, officer);
    expect(personalPurpose.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'purpose' });
    const badNik = await t.graphql(FIND, { nik: `${person.nik}9`, purpose: 'Complaint 79' }, officer);
    expect(badNik.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'nik' });
    const lookupByAnalyst = await t.graphql(FIND, { nik: person.nik, purpose: 'Complaint 80' }, analyst);
    expect(errorCodes(lookupByAnalyst)).toEqual(['FORBIDDEN']);

    const denied = (await events({}, 500)).filter((e) => e.outcome === 'DENIED');
    expect(denied.map((e) => [e.actor, e.action, e.reason])).toEqual([
      ['analyst-citra', 'FIND_BY_NIK', 'FORBIDDEN'],
      ['officer-ani', 'FIND_BY_NIK', 'BAD_USER_INPUT'],
      ['officer-ani', 'REVEAL', 'BAD_USER_INPUT'],
      ['officer-ani', 'REVEAL', 'BAD_USER_INPUT'],
      ['analyst-citra', 'REVEAL', 'FORBIDDEN'],
    ]);
    expect(denied.every((e) => e.fieldsReturned.length === 0)).toBe(true);
    const responses = JSON.stringify([wrongRole.body, noPurpose.body, personalPurpose.body, badNik.body, lookupByAnalyst.body]);
    expect(findNeedles(responses, personalValueNeedles([person]))).toEqual([]);
    expect(findNeedles(JSON.stringify(await t.sql('select * from access_log')), personalValueNeedles(people))).toEqual([]);
  });

  it('logs which subject ids an analyst read', async () => {
    const analyst = await t.token(['ANALYST'], 'analyst-dewi');
    const page = await t.graphql<{ subjects: { edges: Array<{ node: { id: string } }> } }>('{ subjects(first: 2) { edges { node { id } } } }', {}, analyst);
    const ids = page.body.data!.subjects.edges.map((edge) => edge.node.id);
    const [read] = await events({ actor: 'analyst-dewi', action: 'READ_SUBJECTS' });
    expect(read!.subjectIds.sort()).toEqual([...ids].sort());
    await t.graphql('query($id: ID!) { subject(id: $id) { id } }', { id: ids[0] }, analyst);
    expect((await events({ actor: 'analyst-dewi', action: 'READ_SUBJECT' }))[0]!.subjectIds).toEqual([ids[0]]);
  });

  it('filters and pages the log for auditors, and refuses everyone else', async () => {
    const all = await events();
    expect(all.map((e) => e.seq)).toEqual([...all.map((e) => e.seq)].sort((a, b) => b - a));
    const seen: number[] = [];
    let after: string | null = null;
    for (let i = 0; i < 50; i += 1) {
      type Page = { accessLog: { edges: Array<{ node: Event }>; pageInfo: { hasNextPage: boolean; endCursor: string } } };
      const response: { body: { data?: Page | null } } = await t.graphql<Page>(LOG, { first: 3, after, filter: { actor: 'officer-ani' } }, auditor);
      const page = response.body.data!.accessLog;
      seen.push(...page.edges.map((edge) => edge.node.seq));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(all.filter((e) => e.actor === 'officer-ani').map((e) => e.seq));
    const future = await events({ from: new Date(Date.now() + 3_600_000).toISOString() });
    expect(future).toEqual([]);
    for (const token of [officer, await t.token(['ANALYST', 'REPORTER', 'OPERATOR', 'AGENCY'])]) {
      expect(errorCodes(await t.graphql(LOG, {}, token))).toEqual(['FORBIDDEN']);
      expect(errorCodes(await t.graphql(VERIFY, {}, token))).toEqual(['FORBIDDEN']);
    }
  });

  it('is append-only: the database refuses UPDATE and DELETE on the log', async () => {
    await expect(t.sql("update access_log set purpose = 'rewritten' where seq = 1")).rejects.toThrow(/append-only/);
    await expect(t.sql('delete from access_log where seq = 1')).rejects.toThrow(/append-only/);
    expect((await t.graphql(VERIFY, {}, auditor)).body.data).toMatchObject({ verifyAccessLog: { ok: true, firstBrokenSeq: null } });
  });

  it('fails closed: when the event cannot be written, reveal returns an error and no personal value', async () => {
    const person = people[0]!;
    const before = (await t.sql('select count(*) as n from access_log'))[0]!.n;
    // Sabotage the log table the way a full disk or a broken replica would: every insert fails.
    await t.sql(DIALECT === 'postgresql' ? 'alter table access_log add constraint access_log_sabotage check (seq < 0) not valid' : "create trigger access_log_sabotage before insert on access_log begin select raise(abort, 'disk full'); end");
    try {
      const response = await t.graphql(REVEAL, { subjectId: person.subjectId, fields: ['NIK', 'FULL_NAME', 'EMAIL'], purpose: 'Case 9' }, officer);
      expect(errorCodes(response)).toEqual(['INTERNAL_SERVER_ERROR']);
      expect(response.body.data).toBeNull();
      expect(findNeedles(response.text, personalValueNeedles([person]))).toEqual([]);
    } finally {
      await t.sql(DIALECT === 'postgresql' ? 'alter table access_log drop constraint access_log_sabotage' : 'drop trigger access_log_sabotage');
    }
    expect((await t.sql('select count(*) as n from access_log'))[0]!.n).toEqual(before);
  });

  it('stays one linear chain under 50 concurrent reveals, with exactly one event each', async () => {
    const before = (await events({ action: 'REVEAL', outcome: undefined }, 500)).length;
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => t.graphql(REVEAL, { subjectId: people[i % 3]!.subjectId, fields: ['FULL_NAME'], purpose: `Batch review ${i}` }, officer)),
    );
    expect(responses.every((r) => !r.body.errors)).toBe(true);
    const reveals = (await events({ action: 'REVEAL' }, 500)).filter((e) => e.outcome === 'ALLOWED');
    expect(reveals.length - before + (await events({ action: 'REVEAL' }, 500)).filter((e) => e.outcome === 'DENIED').length).toBeGreaterThanOrEqual(50);
    expect(new Set(reveals.filter((e) => e.purpose?.startsWith('Batch review')).map((e) => e.purpose)).size).toBe(50);
    expect((await t.graphql(VERIFY, {}, auditor)).body.data).toMatchObject({ verifyAccessLog: { ok: true } });
    expect((await cliVerify()).code).toBe(0);
  });

  it('group-commits concurrent reveals with their refusals: each unknown subject DENIED, each known one ALLOWED, one event each', async () => {
    const unknown = Array.from({ length: 5 }, (_, i) => `00000000-0000-4000-8000-00000000000${i}`);
    const asks = [...people.map((p) => p.subjectId), ...unknown, ...people.map((p) => p.subjectId)];
    const mixed = await t.token(['OFFICER'], 'officer-mixed-batch');
    const responses = await Promise.all(asks.map((subjectId, i) => t.graphql(REVEAL, { subjectId, fields: ['PHONE'], purpose: `Mixed batch ${i}` }, mixed)));
    expect(responses.map((r) => errorCodes(r)[0] ?? 'OK')).toEqual(asks.map((id) => (unknown.includes(id) ? 'NOT_FOUND' : 'OK')));
    const logged = (await events({ action: 'REVEAL' }, 500)).filter((e) => e.purpose?.startsWith('Mixed batch'));
    expect(logged).toHaveLength(asks.length);
    for (const event of logged) {
      const subjectId = asks[Number(event.purpose!.slice('Mixed batch '.length))]!;
      expect(event.subjectIds).toEqual([subjectId]);
      expect([event.outcome, event.reason]).toEqual(unknown.includes(subjectId) ? ['DENIED', 'NOT_FOUND'] : ['ALLOWED', null]);
    }
    expect((await t.graphql(VERIFY, {}, auditor)).body.data).toMatchObject({ verifyAccessLog: { ok: true } });
  });

  it('commits reveals that arrive together in shared transactions (one chain append each), on both databases', async () => {
    const appends = async () => {
      const text = await (await fetch(`${t.url}/metrics`)).text();
      return Number(/^samaran_access_log_append_duration_seconds_count (\d+)/m.exec(text)?.[1] ?? NaN);
    };
    const together = await t.token(['OFFICER'], 'officer-together');
    const before = await appends();
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => t.graphql(REVEAL, { subjectId: people[i % 3]!.subjectId, fields: ['FULL_NAME'], purpose: `Together ${i}` }, together)));
    expect(responses.every((r) => !r.body.errors)).toBe(true);
    const transactions = (await appends()) - before;
    expect(transactions).toBeGreaterThanOrEqual(1);
    expect(transactions).toBeLessThan(16);
    expect((await events({ action: 'REVEAL' }, 500)).filter((e) => e.purpose?.startsWith('Together '))).toHaveLength(20);
  });

  it('reveals a subject named in upper case, and logs it under the stored (lower-case) id so auditors find it', async () => {
    const person = people[0]!;
    const shouting = await t.token(['OFFICER'], 'officer-upper-case');
    const response = await t.graphql<{ reveal: { fullName: string } }>(REVEAL, { subjectId: person.subjectId.toUpperCase(), fields: ['FULL_NAME'], purpose: 'Upper-case id review' }, shouting);
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data?.reveal.fullName).toBe(person.fullName);
    const logged = (await events({ subjectId: person.subjectId }, 500)).filter((e) => e.purpose === 'Upper-case id review');
    expect(logged.map((e) => [e.outcome, e.subjectIds])).toEqual([['ALLOWED', [person.subjectId]]]);
  });

  it('verifies while reveals are being appended, without taking the new events for tampering', async () => {
    const busy = await t.token(['OFFICER'], 'officer-during-verify');
    const reveals = Array.from({ length: 40 }, (_, i) => t.graphql(REVEAL, { subjectId: people[i % 3]!.subjectId, fields: ['FULL_NAME'], purpose: `During verify ${i}` }, busy));
    const verdicts = await Promise.all(Array.from({ length: 4 }, () => t.graphql<{ verifyAccessLog: { ok: boolean } }>(VERIFY, {}, auditor)));
    expect((await Promise.all(reveals)).every((r) => !r.body.errors)).toBe(true);
    expect(verdicts.map((v) => v.body.data?.verifyAccessLog.ok)).toEqual([true, true, true, true]);
    expect((await cliVerify()).code).toBe(0);
  });

  it('verifies events holding characters that JSON and the database escape, and still finds one edited', async () => {
    const awkward = ['tab\there', 'line\nbreak\r\n', 'back\\slash "quoted" /slash', 'bell\u0007 nul-free \u001f', 'Jalan Kebon Sirih — Jakarta Pusat, Rp 10.000 ✓ 😀', '\\N'];
    const em = t.server.services.database.fork();
    const appended = [];
    for (const reference of awkward) appended.push(await t.server.services.accessLog.appendAlone(em, { principal: null, action: 'KEY_ROTATION', outcome: 'ALLOWED', purpose: reference, reference: reference.slice(0, 100) }));
    expect((await t.graphql(VERIFY, {}, auditor)).body.data).toMatchObject({ verifyAccessLog: { ok: true } });
    expect((await cliVerify()).code).toBe(0);
    const target = appended[1]!.seq;
    const rows = await snapshot();
    await asAdministrator([['update access_log set purpose = ? where seq = ?', ['line\nbreak\r', target]]]);
    expect((await t.graphql(VERIFY, {}, auditor)).body.data).toMatchObject({ verifyAccessLog: { ok: false, firstBrokenSeq: target } });
    expect((await cliVerify()).stdout).toContain(`first broken sequence number ${target}`);
    await restore(rows);
  });

  it.runIf(DIALECT === 'postgresql')('stays one chain with two server processes on one PostgreSQL', async () => {
    const second = await startTestServer({
      env: { DATABASE_URL: t.config.databaseUrl!, SAMARAN_KEYS_FILE: t.config.keysFile, SAMARAN_JWKS_FILE: path.join(t.config.dataDir, 'dev-jwks.json') },
    });
    try {
      const responses = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 ? t : second).graphql(REVEAL, { subjectId: people[i % 3]!.subjectId, fields: ['NIK'], purpose: `Two-process review ${i}` }, officer)),
      );
      expect(responses.map((r) => r.body.errors)).toEqual(Array(40).fill(undefined));
      const reveals = (await events({ action: 'REVEAL' }, 500)).filter((e) => e.purpose?.startsWith('Two-process review'));
      expect(reveals).toHaveLength(40);
      expect((await t.graphql(VERIFY, {}, auditor)).body.data).toMatchObject({ verifyAccessLog: { ok: true } });
    } finally {
      await second.stop();
    }
  });

  describe('tampering done directly in the database is found by the API and the CLI', () => {
    async function expectBrokenAt(seq: number) {
      expect((await t.graphql(VERIFY, {}, auditor)).body.data).toMatchObject({ verifyAccessLog: { ok: false, firstBrokenSeq: seq } });
      const cli = await cliVerify();
      expect(cli.code).toBe(1);
      expect(cli.stdout).toContain(`first broken sequence number ${seq}`);
    }

    it('an intact log verifies with exit 0 and prints the head hash', async () => {
      const api = (await t.graphql<{ verifyAccessLog: { headHash: string } }>(VERIFY, {}, auditor)).body.data!.verifyAccessLog;
      const cli = await cliVerify();
      expect(cli.code).toBe(0);
      expect(cli.stdout).toMatch(/^ok: \d+ events, head hash [0-9a-f]{64}/);
      expect(api.headHash).toMatch(/^[0-9a-f]{64}$/);
    });

    it('finds an edited event', async () => {
      const rows = await snapshot();
      await asAdministrator([["update access_log set purpose = 'routine' where seq = 5"]]);
      await expectBrokenAt(5);
      await restore(rows);
    });

    it('finds a deleted event', async () => {
      const rows = await snapshot();
      await asAdministrator([['delete from access_log where seq = 7']]);
      await expectBrokenAt(7);
      await restore(rows);
    });

    it('finds events deleted from the end', async () => {
      const rows = await snapshot();
      const last = Number(rows[rows.length - 1]!.seq);
      await asAdministrator([['delete from access_log where seq >= ?', [last - 1]]]);
      await expectBrokenAt(last - 1);
      await restore(rows);
    });

    it('finds an inserted event, even one hashed correctly by the intruder: the next genuine event no longer links', async () => {
      const rows = await snapshot();
      const third = rows[2]!;
      const forged = { seq: 4, at: String(third.at), actor: 'nobody', roles: '[]', action: 'READ_SUBJECTS', subjectIds: '[]', fieldsRequested: '[]', fieldsReturned: '[]', purpose: null, outcome: 'ALLOWED' as const, reason: null, requestId: null, reference: null };
      const hash = eventHash(forged, String(third.hash));
      const shift = DIALECT === 'postgresql' ? 'update access_log set seq = seq + 1000000 where seq >= 4' : 'update access_log set seq = seq + 1000000 where seq >= 4';
      await asAdministrator([
        [shift],
        ['update access_log set seq = seq - 1000000 + 1 where seq >= 1000000'],
        ['insert into access_log (seq, at, actor, roles, action, subject_ids, fields_requested, fields_returned, purpose, outcome, reason, request_id, reference, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [4, forged.at, forged.actor, forged.roles, forged.action, forged.subjectIds, forged.fieldsRequested, forged.fieldsReturned, null, 'ALLOWED', null, null, null, third.hash, hash]],
      ]);
      await expectBrokenAt(5);
      await restore(rows);
    });

    it('finds two reordered events', async () => {
      const rows = await snapshot();
      await asAdministrator([
        ['update access_log set seq = -1 where seq = 3'],
        ['update access_log set seq = 3 where seq = 4'],
        ['update access_log set seq = 4 where seq = -1'],
      ]);
      await expectBrokenAt(3);
      await restore(rows);
    });
  });

  it('after every reveal, lookup and refusal above, no personal value sent is in the database, the log lines or an error', async () => {
    const needles = personalValueNeedles(people);
    expect(findNeedles(await t.databaseBytes(), needles)).toEqual([]);
    expect(findNeedles(t.logLines.join('\n'), needles)).toEqual([]);
    const refused = await t.graphql(REVEAL, { subjectId: people[0]!.subjectId, fields: ['NIK'], purpose: people[0]!.nik }, officer);
    expect(errorCodes(refused)[0]).toBe('BAD_USER_INPUT');
    expect(findNeedles(refused.text, needles)).toEqual([]);
  });
});
