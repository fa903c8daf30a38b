import { compactDecrypt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrapDataKey } from '../../src/pseudonymization/data-keys';
import { Keyring } from '../../src/pseudonymization/keyring';
import {
  ACCESS_LOG,
  APPROVE_LEGAL_HOLD,
  DECIDE_ERASURE,
  ERASURE_REQUESTS,
  exactCountSnapshot,
  FIND_BY_NIK,
  reconcile,
  REQUEST_ERASURE,
  REQUEST_LEGAL_HOLD,
  REVEAL,
} from '../factories/erasure';
import { buildRegistrant, OPEN_WAVE_MUTATION, RECORD_OUTCOME_MUTATION, REGISTER_MUTATION, waveInput, type RegistrantFixture } from '../factories/registrant';
import { DIALECT, errorCodes, findNeedles, personalValueNeedles, startTestServer, type TestServer } from './harness';

interface Person {
  input: RegistrantFixture;
  subjectId: string;
  applicationId: string;
}

const HOUR = 3600 * 1000;
const PURPOSE = 'case DPO-2026-17: verify identity';

describe(`erasure requests (${DIALECT})`, () => {
  let t: TestServer;
  let operator: string;
  let officerA: string;
  let officerB: string;
  let auditor: string;
  let analyst: string;
  const people: Person[] = [];
  const notes: string[] = [];

  async function register(overrides: Partial<RegistrantFixture> = {}, outcome?: { outcome: string; rejectionReason?: string }): Promise<Person> {
    const input = buildRegistrant(overrides);
    const response = await t.graphql<{ register: { subjectId: string; applicationId: string } }>(REGISTER_MUTATION, { input }, operator);
    expect(response.body.errors).toBeUndefined();
    const person = { input, ...response.body.data!.register };
    people.push(person);
    if (outcome) {
      const decided = await t.graphql(RECORD_OUTCOME_MUTATION, { input: { applicationId: person.applicationId, ...outcome } }, operator);
      expect(decided.body.errors).toBeUndefined();
    }
    return person;
  }

  async function requestErasure(person: Person, reason: string, token = officerA, note?: string) {
    const text = note ?? `Diganggu penagih utang lewat WhatsApp sejak kebocoran ${Math.random().toString(36).slice(2)}`;
    notes.push(text);
    return t.graphql<{ requestErasure: Record<string, unknown> & { id: string; status: string } }>(REQUEST_ERASURE, { input: { subjectId: person.subjectId, reason, note: text } }, token);
  }

  async function vaultRow(subjectId: string) {
    const [row] = await t.sql('select nik, full_name, birth_date, email, phone, address_line from vault_entry where subject_id = ?', [subjectId]);
    return row;
  }

  async function subjectRow(subjectId: string) {
    const [row] = await t.sql('select nik_token, phone_token, email_token, state from subject where id = ?', [subjectId]);
    return row!;
  }

  async function actionsFor(subjectId: string): Promise<Array<{ actor: string; action: string; outcome: string; reason: string | null; reference: string | null }>> {
    const response = await t.graphql<{ accessLog: { edges: Array<{ node: { actor: string; action: string; outcome: string; reason: string | null; reference: string | null } }> } }>(ACCESS_LOG, { filter: { subjectId }, first: 100 }, auditor);
    expect(response.body.errors).toBeUndefined();
    return response.body.data!.accessLog.edges.map((edge) => edge.node).reverse();
  }

  beforeAll(async () => {
    t = await startTestServer();
    operator = await t.token(['OPERATOR'], 'operator-1');
    officerA = await t.token(['OFFICER'], 'officer-a');
    officerB = await t.token(['OFFICER'], 'officer-b');
    auditor = await t.token(['AUDITOR'], 'auditor-1');
    analyst = await t.token(['ANALYST'], 'analyst-1');
    for (const number of [1, 2]) {
      const opened = await t.graphql(OPEN_WAVE_MUTATION, { input: waveInput(number, t.clock.now) }, operator);
      expect(opened.body.errors).toBeUndefined();
    }
    // A population with every outcome, two provinces and a second wave, so the cells are not trivial.
    for (let i = 0; i < 4; i += 1) {
      await register({ provinceCode: '31', regencyCode: '3171' });
      await register({ provinceCode: '36', regencyCode: '3671' }, { outcome: 'REJECTED', rejectionReason: 'NOT_SELECTED' });
      await register({ provinceCode: '31', regencyCode: '3171' }, { outcome: 'ACCEPTED' });
    }
  });
  afterAll(async () => t?.stop());

  it('NOT_SELECTED: denied by the policy at once, minimized and restricted, no count changed', async () => {
    const person = await register({ provinceCode: '36', regencyCode: '3671' }, { outcome: 'REJECTED', rejectionReason: 'NOT_SELECTED' });
    const before = await exactCountSnapshot(t, auditor);
    const filed = await requestErasure(person, 'NOT_SELECTED');
    expect(filed.body.errors).toBeUndefined();
    const request = filed.body.data!.requestErasure;
    expect(request).toMatchObject({ status: 'DENIED', decision: 'DENY', decidedByPolicy: true, decidedBy: 'policy', filedBy: 'officer-a', overdue: false });
    expect(request.legalBasis).toContain('Art. 15(1)(c)');
    expect(request.legalBasis).toContain('(e)');
    expect(new Date(request.dueAt as string).getTime()).toBe(t.clock.now.getTime() + 72 * HOUR);

    expect(await subjectRow(person.subjectId)).toMatchObject({ state: 'RESTRICTED', phone_token: null, email_token: null });
    const vault = await vaultRow(person.subjectId);
    expect(vault).toMatchObject({ email: null, phone: null, address_line: null });
    expect(vault!.nik).toBeTruthy();

    const reveal = await t.graphql(REVEAL, { subjectId: person.subjectId, fields: ['NIK'], purpose: PURPOSE }, officerB);
    expect(errorCodes(reveal)).toEqual(['SUBJECT_RESTRICTED']);
    const found = await t.graphql(FIND_BY_NIK, { nik: person.input.nik, purpose: PURPOSE }, officerB);
    expect(found.body).toEqual({ data: { findSubjectByNik: null } });
    const listed = await t.graphql<{ subject: unknown }>(`query($id: ID!) { subject(id: $id) { id } }`, { id: person.subjectId }, analyst);
    expect(listed.body.data).toEqual({ subject: null });
    const again = await t.graphql(REGISTER_MUTATION, { input: { ...person.input, wave: 2 } }, operator);
    expect(errorCodes(again)).toEqual(['SUBJECT_RESTRICTED']);

    expect(await exactCountSnapshot(t, auditor)).toEqual(before);
    expect(await reconcile(t)).toEqual([]);
    const actions = (await actionsFor(person.subjectId)).map((e) => `${e.action}:${e.outcome}`);
    expect(actions).toEqual(expect.arrayContaining(['ERASURE_REQUEST:ALLOWED', 'ERASURE_DECISION:ALLOWED', 'MINIMIZE:ALLOWED', 'REVEAL:DENIED', 'FIND_BY_NIK:DENIED']));
  });

  it('a legal hold approved by a second officer lets officers reveal what is left of a restricted subject', async () => {
    const person = people.find((p) => p.input.provinceCode === '36' && people.indexOf(p) === people.length - 1)!;
    const requested = await t.graphql<{ requestLegalHold: { id: string; status: string } }>(REQUEST_LEGAL_HOLD, { input: { subjectId: person.subjectId, purpose: 'court order PN-JKT 42/2026' } }, officerA);
    expect(requested.body.errors).toBeUndefined();
    expect(requested.body.data!.requestLegalHold.status).toBe('PENDING');
    const holdId = requested.body.data!.requestLegalHold.id;
    // Pending is not enough.
    expect(errorCodes(await t.graphql(REVEAL, { subjectId: person.subjectId, fields: ['NIK'], purpose: PURPOSE }, officerA))).toEqual(['SUBJECT_RESTRICTED']);
    // Four-eyes: the requesting officer cannot approve.
    const self = await t.graphql(APPROVE_LEGAL_HOLD, { input: { legalHoldId: holdId } }, officerA);
    expect(errorCodes(self)).toEqual(['FORBIDDEN']);
    const approved = await t.graphql<{ approveLegalHold: { status: string; approvedBy: string; expiresAt: string } }>(APPROVE_LEGAL_HOLD, { input: { legalHoldId: holdId } }, officerB);
    expect(approved.body.errors).toBeUndefined();
    expect(approved.body.data!.approveLegalHold).toMatchObject({ status: 'APPROVED', approvedBy: 'officer-b' });

    const revealed = await t.graphql<{ reveal: Record<string, string | null> }>(REVEAL, { subjectId: person.subjectId, fields: ['NIK', 'FULL_NAME', 'EMAIL', 'PHONE', 'ADDRESS_LINE'], purpose: PURPOSE }, officerA);
    expect(revealed.body.errors).toBeUndefined();
    expect(revealed.body.data!.reveal).toMatchObject({ nik: person.input.nik, fullName: person.input.fullName, email: null, phone: null, addressLine: null });
    const found = await t.graphql<{ findSubjectByNik: { id: string; state: string } }>(FIND_BY_NIK, { nik: person.input.nik, purpose: PURPOSE }, officerB);
    expect(found.body.data!.findSubjectByNik).toEqual({ id: person.subjectId, state: 'RESTRICTED' });

    const events = await actionsFor(person.subjectId);
    expect(events.filter((e) => e.action === 'LEGAL_HOLD_APPROVAL').map((e) => `${e.actor}:${e.outcome}`)).toEqual(['officer-b:ALLOWED']);
    expect(events.find((e) => e.action === 'REVEAL' && e.outcome === 'ALLOWED')?.reference).toBe(`legal-hold:${holdId}`);
    // An active subject needs no hold.
    const active = people[0]!;
    expect(errorCodes(await t.graphql(REQUEST_LEGAL_HOLD, { input: { subjectId: active.subjectId, purpose: 'court order PN-JKT 43/2026' } }, officerA))).toEqual(['CONFLICT']);
  });

  it('HARASSMENT_AFTER_LEAK: pending and restricted at once; only a second officer may grant; the grant crypto-shreds', async () => {
    const person = await register({ provinceCode: '31', regencyCode: '3171' }, { outcome: 'REJECTED', rejectionReason: 'NOT_SELECTED' });
    // Something of this subject's to destroy, captured before anything happens.
    const [capturedKey] = await t.sql('select kek_id, wrapped_key from data_key where subject_id = ?', [person.subjectId]);
    const capturedVault = await vaultRow(person.subjectId);
    const oldToken = (await subjectRow(person.subjectId)).nik_token as string;
    const keyring = Keyring.fromFile(t.config.keysFile);
    // Control: with the key still in the database, jose opens the captured ciphertext.
    const liveKey = unwrapDataKey(keyring, { kekId: capturedKey!.kek_id as string, wrappedKey: capturedKey!.wrapped_key as string });
    expect(new TextDecoder().decode((await compactDecrypt(capturedVault!.nik as string, liveKey)).plaintext)).toBe(person.input.nik);

    const before = await exactCountSnapshot(t, auditor);
    const filed = await requestErasure(person, 'HARASSMENT_AFTER_LEAK');
    expect(filed.body.errors).toBeUndefined();
    const request = filed.body.data!.requestErasure;
    expect(request).toMatchObject({ status: 'PENDING', decision: null, decidedByPolicy: false, legalBasis: null });
    expect(request.note).toBe(notes.at(-1));
    expect((await subjectRow(person.subjectId)).state).toBe('RESTRICTED');
    expect(errorCodes(await requestErasure(person, 'OTHER', officerB))).toEqual(['CONFLICT']);

    const self = await t.graphql(DECIDE_ERASURE, { input: { requestId: request.id, decision: 'GRANT', note: 'self-approval attempt' } }, officerA);
    expect(errorCodes(self)).toEqual(['FORBIDDEN']);
    expect((await subjectRow(person.subjectId)).state).toBe('RESTRICTED');
    const personalNote = await t.graphql(DECIDE_ERASURE, { input: { requestId: request.id, decision: 'GRANT', note: `call back on ${person.input.phone}` } }, officerB);
    expect(personalNote.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'note' });
    const forbiddenRole = await t.graphql(DECIDE_ERASURE, { input: { requestId: request.id, decision: 'GRANT', note: 'ticket DPO-9' } }, auditor);
    expect(errorCodes(forbiddenRole)).toEqual(['FORBIDDEN']);

    const granted = await t.graphql<{ decideErasure: Record<string, unknown> }>(DECIDE_ERASURE, { input: { requestId: request.id, decision: 'GRANT', note: 'Harassment evidence reviewed, ticket DPO-2026-31' } }, officerB);
    expect(granted.body.errors).toBeUndefined();
    expect(granted.body.data!.decideErasure).toMatchObject({ status: 'GRANTED', decision: 'GRANT', decidedBy: 'officer-b', decidedByPolicy: false, note: null });
    expect(granted.body.data!.decideErasure.legalBasis).toContain('Art. 8');

    const after = await subjectRow(person.subjectId);
    expect(after).toMatchObject({ state: 'ERASED', phone_token: null, email_token: null });
    expect(after.nik_token).not.toBe(oldToken);
    expect(after.nik_token).toMatch(/^x1\.[A-Za-z0-9_-]{43}$/);
    expect(await t.sql('select subject_id from data_key where subject_id = ?', [person.subjectId])).toEqual([]);
    expect(await vaultRow(person.subjectId)).toBeUndefined();
    expect(await t.sql('select sealed_note from erasure_request where subject_id = ? and sealed_note is not null', [person.subjectId])).toEqual([]);

    expect(errorCodes(await t.graphql(REVEAL, { subjectId: person.subjectId, fields: ['NIK'], purpose: PURPOSE }, officerA))).toEqual(['SUBJECT_ERASED']);
    expect((await t.graphql(FIND_BY_NIK, { nik: person.input.nik, purpose: PURPOSE }, officerA)).body).toEqual({ data: { findSubjectByNik: null } });
    expect(errorCodes(await requestErasure(person, 'OTHER', officerB))).toEqual(['SUBJECT_ERASED']);
    expect(errorCodes(await t.graphql(REQUEST_LEGAL_HOLD, { input: { subjectId: person.subjectId, purpose: 'court order PN-JKT 44/2026' } }, officerA))).toEqual(['SUBJECT_ERASED']);

    expect(await exactCountSnapshot(t, auditor)).toEqual(before);
    expect(await reconcile(t)).toEqual([]);

    // Nothing left can open the captured ciphertexts: not any KEK in the keys file, not any data key
    // still in the database (each unwrapped with every KEK).
    const candidates: Uint8Array[] = keyring.kekIds().map((id) => keyring.kek(id));
    for (const row of await t.sql('select kek_id, wrapped_key from data_key')) {
      candidates.push(unwrapDataKey(keyring, { kekId: row.kek_id as string, wrappedKey: row.wrapped_key as string }));
    }
    expect(candidates.length).toBeGreaterThan(10);
    for (const jwe of Object.values(capturedVault!).filter((v): v is string => typeof v === 'string')) {
      for (const key of candidates) await expect(compactDecrypt(jwe, key)).rejects.toThrow();
    }

    // A byte scan of the database finds none of its values, ciphertexts, wrapped key or old token.
    const needles = [...personalValueNeedles([person.input]), oldToken, capturedKey!.wrapped_key as string, ...Object.values(capturedVault!).filter((v): v is string => typeof v === 'string'), notes.at(-1)!];
    const bytes = await t.databaseBytes();
    expect(findNeedles(bytes, [people[0]!.subjectId]).length).toBe(1); // the scan sees what is there
    expect(findNeedles(bytes, needles)).toEqual([]);

    const actions = (await actionsFor(person.subjectId)).map((e) => `${e.actor}:${e.action}:${e.outcome}`);
    expect(actions).toEqual(expect.arrayContaining([
      'officer-a:ERASURE_REQUEST:ALLOWED',
      'officer-a:RESTRICT:ALLOWED',
      'officer-b:ERASURE_DECISION:ALLOWED',
      'officer-b:SHRED:ALLOWED',
    ]));
    const refusals = await t.graphql<{ accessLog: { edges: Array<{ node: { actor: string; reason: string; reference: string } }> } }>(ACCESS_LOG, { filter: { action: 'ERASURE_DECISION' }, first: 50 }, auditor);
    expect(refusals.body.data!.accessLog.edges.map((e) => e.node)).toEqual(expect.arrayContaining([expect.objectContaining({ actor: 'officer-a', reason: 'FORBIDDEN', reference: `erasure-request:${request.id}` })]));

    // The same NIK registering later is a new, unlinked person.
    const returning = await t.graphql<{ register: { subjectId: string } }>(REGISTER_MUTATION, { input: { ...person.input, wave: 2 } }, operator);
    expect(returning.body.errors).toBeUndefined();
    expect(returning.body.data!.register.subjectId).not.toBe(person.subjectId);
    people.push({ input: person.input, ...returning.body.data!.register, applicationId: '' });
  });

  it('OTHER denied by a second officer: minimized and restricted, no count changed', async () => {
    const person = await register({ provinceCode: '36', regencyCode: '3671' }, { outcome: 'REJECTED', rejectionReason: 'INVALID_DATA' });
    const before = await exactCountSnapshot(t, auditor);
    const filed = await requestErasure(person, 'OTHER', officerB);
    expect(filed.body.data!.requestErasure.status).toBe('PENDING');
    const denied = await t.graphql<{ decideErasure: Record<string, unknown> }>(DECIDE_ERASURE, { input: { requestId: filed.body.data!.requestErasure.id, decision: 'DENY', note: 'Needed for wave 1 statistics, ticket DPO-40' } }, officerA);
    expect(denied.body.errors).toBeUndefined();
    expect(denied.body.data!.decideErasure).toMatchObject({ status: 'DENIED', decision: 'DENY', decidedBy: 'officer-a', decisionNote: 'Needed for wave 1 statistics, ticket DPO-40' });
    expect(denied.body.data!.decideErasure.note).toBe(notes.at(-1));
    expect(denied.body.data!.decideErasure.legalBasis).toContain('Art. 15(1)(c)');
    expect(await vaultRow(person.subjectId)).toMatchObject({ email: null, phone: null, address_line: null });
    expect(await subjectRow(person.subjectId)).toMatchObject({ state: 'RESTRICTED', phone_token: null, email_token: null });
    const again = await t.graphql(DECIDE_ERASURE, { input: { requestId: filed.body.data!.requestErasure.id, decision: 'GRANT', note: 'changed my mind' } }, officerA);
    expect(errorCodes(again)).toEqual(['CONFLICT']);
    expect(await exactCountSnapshot(t, auditor)).toEqual(before);
    expect(await reconcile(t)).toEqual([]);
  });

  it('only officers file and decide; auditors list without evidence notes', async () => {
    const person = people[0]!;
    for (const token of [analyst, auditor, operator]) {
      expect(errorCodes(await t.graphql(REQUEST_ERASURE, { input: { subjectId: person.subjectId, reason: 'OTHER' } }, token))).toEqual(['FORBIDDEN']);
    }
    expect(errorCodes(await t.graphql(ERASURE_REQUESTS, {}, analyst))).toEqual(['FORBIDDEN']);
    const audited = await t.graphql(`{ erasureRequests(first: 5) { edges { node { id status legalBasis } } } }`, {}, auditor);
    expect(audited.body.errors).toBeUndefined();
    const noteForAuditor = await t.graphql(`{ erasureRequests(first: 5) { edges { node { id note } } } }`, {}, auditor);
    expect(errorCodes(noteForAuditor)).toContain('FORBIDDEN');
    const tooLong = await t.graphql(REQUEST_ERASURE, { input: { subjectId: person.subjectId, reason: 'OTHER', note: 'x'.repeat(2001) } }, officerA);
    expect(tooLong.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'note' });
    expect((await subjectRow(person.subjectId)).state).toBe('ACTIVE');
    expect(errorCodes(await t.graphql(REQUEST_ERASURE, { input: { subjectId: '00000000-0000-4000-8000-000000000000', reason: 'OTHER' } }, officerA))).toEqual(['NOT_FOUND']);
  });

  it('lists overdue requests first, then by due date, page by page', async () => {
    const [p1, p2] = [people[3]!, people[6]!]; // active, ACTIVE, not accepted
    const start = t.clock.now;
    const first = await requestErasure(p1, 'INACCURATE_DATA');
    t.clock.now = new Date(start.getTime() + 48 * HOUR);
    const second = await requestErasure(p2, 'WITHDRAWN_CONSENT');
    expect(first.body.errors).toBeUndefined();
    expect(second.body.errors).toBeUndefined();
    t.clock.now = new Date(start.getTime() + 80 * HOUR);

    const all = await t.graphql<{ erasureRequests: { edges: Array<{ node: { id: string; status: string; dueAt: string; overdue: boolean } }> } }>(ERASURE_REQUESTS, { first: 100 }, officerB);
    expect(all.body.errors).toBeUndefined();
    const nodes = all.body.data!.erasureRequests.edges.map((e) => e.node);
    expect(nodes[0]).toMatchObject({ id: first.body.data!.requestErasure.id, overdue: true });
    const firstNotOverdue = nodes.findIndex((n) => !n.overdue);
    expect(nodes.slice(firstNotOverdue).every((n) => !n.overdue)).toBe(true);
    // Within the rest, by due date: the decided ones filed at the start come before p2's.
    const rest = nodes.slice(firstNotOverdue).map((n) => Date.parse(n.dueAt));
    expect(rest).toEqual([...rest].sort((a, b) => a - b));
    expect(nodes.map((n) => n.id)).toContain(second.body.data!.requestErasure.id);

    const paged: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Awaited<ReturnType<typeof t.graphql<{ erasureRequests: { edges: Array<{ node: { id: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } } }>>> = await t.graphql(ERASURE_REQUESTS, { first: 1, after }, officerB);
      expect(page.body.errors).toBeUndefined();
      paged.push(...page.body.data!.erasureRequests.edges.map((e) => e.node.id));
      if (!page.body.data!.erasureRequests.pageInfo.hasNextPage) break;
      after = page.body.data!.erasureRequests.pageInfo.endCursor;
    }
    expect(paged).toEqual(nodes.map((n) => n.id));
    const pending = await t.graphql<{ erasureRequests: { edges: Array<{ node: { status: string } }> } }>(ERASURE_REQUESTS, { status: 'PENDING' }, officerB);
    expect(pending.body.data!.erasureRequests.edges.map((e) => e.node.status)).toEqual(['PENDING', 'PENDING']);
  });

  it('an accepted participant with open obligations is restricted until they close, then a second officer decides', async () => {
    const person = people.find((_, index) => index % 3 === 2)!; // ACCEPTED in wave 1, which closes in the future
    const before = await exactCountSnapshot(t, auditor);
    const filed = await requestErasure(person, 'NOT_SELECTED');
    expect(filed.body.errors).toBeUndefined();
    const request = filed.body.data!.requestErasure;
    expect(request).toMatchObject({ status: 'RESTRICTED', decision: 'DENY', decidedByPolicy: true });
    expect(request.legalBasis).toContain('obligations');
    const closesAt = Date.parse(request.obligationsOpenUntil as string);
    expect(closesAt).toBeGreaterThan(t.clock.now.getTime());
    expect(await subjectRow(person.subjectId)).toMatchObject({ state: 'RESTRICTED' });
    expect((await vaultRow(person.subjectId))!.email).not.toBeNull(); // restricted, not minimized

    const early = await t.graphql(DECIDE_ERASURE, { input: { requestId: request.id, decision: 'GRANT', note: 'obligations review DPO-77' } }, officerB);
    expect(errorCodes(early)).toEqual(['CONFLICT']);
    t.clock.now = new Date(closesAt + HOUR);
    const granted = await t.graphql<{ decideErasure: { status: string } }>(DECIDE_ERASURE, { input: { requestId: request.id, decision: 'GRANT', note: 'obligations closed, DPO-77' } }, officerB);
    expect(granted.body.errors).toBeUndefined();
    expect(granted.body.data!.decideErasure.status).toBe('GRANTED');
    expect((await subjectRow(person.subjectId)).state).toBe('ERASED');
    expect(await exactCountSnapshot(t, auditor)).toEqual(before);
    expect(await reconcile(t)).toEqual([]);
  });

  it('keeps notes and personal values out of logs and plaintext storage; the access log verifies', async () => {
    const bytes = await t.databaseBytes();
    expect(notes.length).toBeGreaterThan(3);
    expect(findNeedles(JSON.stringify(notes), notes)).toHaveLength(notes.length);
    expect(findNeedles(bytes, notes)).toEqual([]);
    expect(findNeedles(t.logLines.join('\n'), [...notes, ...personalValueNeedles(people.map((p) => p.input))])).toEqual([]);
    const verified = await t.graphql<{ verifyAccessLog: { ok: boolean } }>(`{ verifyAccessLog { ok } }`, {}, auditor);
    expect(verified.body.data!.verifyAccessLog.ok).toBe(true);
  });
});
