import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNik } from '../factories/nik';
import { buildRegistrant, OPEN_WAVE_MUTATION, REGISTER_MUTATION, waveInput, type RegistrantFixture } from '../factories/registrant';
import { DIALECT, errorCodes, findNeedles, startTestServer, type GraphQLResponse, type TestServer } from './harness';

const run = promisify(execFile);
const CLI = path.join(__dirname, '../../bin/samaran.js');
const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

const CREATE_AGREEMENT = /* GraphQL */ `
  mutation Create($input: CreateAgreementInput!) {
    createAgreement(input: $input) { id agency listKind purpose legalBasis documentRef validFrom validTo rejectionReason inForce hasActiveList }
  }
`;
const AGREEMENTS = '{ agreements { id agency listKind inForce hasActiveList } }';
const SUBMIT = /* GraphQL */ `
  mutation Submit($input: SubmitScreeningListInput!) { submitScreeningList(input: $input) { received accepted invalid } }
`;
const BEGIN = 'mutation Begin($id: ID!) { beginScreeningList(agreementId: $id) { listVersionId } }';
const APPEND = 'mutation Append($v: ID!, $niks: [String!]!) { appendScreeningList(listVersionId: $v, niks: $niks) { received accepted invalid } }';
const COMMIT = 'mutation Commit($v: ID!) { commitScreeningList(listVersionId: $v) { received accepted invalid } }';
const RUN = 'mutation Run($wave: Int!) { runScreening(wave: $wave) { wave rejected agreements { agreementId agency rejectionReason rejected } } }';

type Receipt = { received: number; accepted: number; invalid: number };
type RunResult = { wave: number; rejected: number; agreements: Array<{ agreementId: string; agency: string; rejectionReason: string; rejected: number }> };

describe(`partner-agency screening (${DIALECT})`, () => {
  let t: TestServer;
  let operator: string;
  let auditor: string;
  let bumn: string;
  let taspen: string;
  let asabri: string;
  const agreement: Record<string, string> = {};
  /** Registrants by letter; `dual` applied to waves 1 and 2. */
  const people: Record<string, RegistrantFixture & { applicationId: string }> = {};
  /** Every NIK any agency sent, registered or not: none may appear anywhere. */
  const submitted = new Set<string>();
  const responses: string[] = [];
  const started = new Date();

  const outsider = () => buildNik({ province: '35', regency: '78', district: 10 + Math.floor(Math.random() * 80), birthDate: '1988-03-14', serial: 1000 + Math.floor(Math.random() * 8999) });

  async function as<T = Record<string, unknown>>(token: string, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> {
    const response = await t.graphql<T>(query, variables, token);
    responses.push(response.text);
    return response;
  }

  async function createAgreement(agency: string, listKind: string, rejectionReason: string, validFrom: Date, validTo: Date): Promise<string> {
    // Precedence between agreements is their creation order: give each its own instant.
    t.clock.now = new Date(t.clock.now.getTime() + 1000);
    const response = await as<{ createAgreement: { id: string } }>(operator, CREATE_AGREEMENT, {
      input: { agency, listKind, purpose: 'Eligibility screening for the pre-employment programme', legalBasis: 'Perpres 36/2020 Art. 3', documentRef: `PKS/${agency}/2026`, validFrom: validFrom.toISOString(), validTo: validTo.toISOString(), rejectionReason },
    });
    expect(response.body.errors).toBeUndefined();
    return response.body.data!.createAgreement.id;
  }

  function send(niks: string[]): string[] {
    for (const nik of niks) submitted.add(nik);
    return niks;
  }

  async function storedListRows(): Promise<{ versions: number; entries: number }> {
    const [versions] = await t.sql('select count(*) as n from screening_list_version');
    const [entries] = await t.sql('select count(*) as n from screening_list_entry');
    return { versions: Number(versions!.n), entries: Number(entries!.n) };
  }

  async function outcomeOf(letter: string): Promise<{ outcome: string; reason: string | null }> {
    const [row] = await t.sql('select outcome, rejection_reason from application where id = ?', [people[letter]!.applicationId]);
    return { outcome: String(row!.outcome), reason: (row!.rejection_reason as string | null) ?? null };
  }

  beforeAll(async () => {
    t = await startTestServer({ now: started });
    operator = await t.token(['OPERATOR'], 'operator-1');
    auditor = await t.token(['AUDITOR'], 'auditor-1');
    bumn = await t.token(['AGENCY'], 'bumn-clerk', { agency: 'BUMN' });
    taspen = await t.token(['AGENCY'], 'taspen-clerk', { agency: 'TASPEN' });
    asabri = await t.token(['AGENCY'], 'asabri-clerk', { agency: 'ASABRI' });
    for (const number of [1, 2]) expect((await t.graphql(OPEN_WAVE_MUTATION, { input: waveInput(number, started) }, operator)).body.errors).toBeUndefined();
    for (const letter of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'dual']) {
      const registrant = buildRegistrant({ wave: 1 });
      const response = await t.graphql<{ register: { applicationId: string } }>(REGISTER_MUTATION, { input: registrant }, operator);
      expect(response.body.errors).toBeUndefined();
      people[letter] = { ...registrant, applicationId: response.body.data!.register.applicationId };
    }
    expect((await t.graphql(REGISTER_MUTATION, { input: { ...people.dual!, applicationId: undefined, wave: 2 } }, operator)).body.errors).toBeUndefined();

    agreement.bumn = await createAgreement('BUMN', 'STATE_ENTERPRISE_OFFICIAL', 'SCREENED_STATE_ENTERPRISE', new Date(started.getTime() - DAY), new Date(started.getTime() + 365 * DAY));
    agreement.taspen = await createAgreement('TASPEN', 'CIVIL_SERVANT', 'SCREENED_CIVIL_SERVANT', new Date(started.getTime() - DAY), new Date(started.getTime() + 365 * DAY));
    agreement.asabri = await createAgreement('ASABRI', 'MILITARY_POLICE', 'SCREENED_MILITARY_POLICE', new Date(started.getTime() - DAY), new Date(started.getTime() + 365 * DAY));
    // In force now, but ends in an hour: the run below happens after it ended.
    agreement.shortLived = await createAgreement('BUMN', 'STUDENT', 'SCREENED_STUDENT', new Date(started.getTime() - DAY), new Date(started.getTime() + HOUR));
    agreement.past = await createAgreement('BUMN', 'WORKER', 'SCREENED_WORKER', new Date(started.getTime() - 400 * DAY), new Date(started.getTime() - 35 * DAY));
    agreement.future = await createAgreement('BUMN', 'SOCIAL_AID_RECIPIENT', 'SCREENED_SOCIAL_AID', new Date(started.getTime() + 10 * DAY), new Date(started.getTime() + 400 * DAY));
  });
  afterAll(async () => t?.stop());

  it('lets OPERATOR and AUDITOR see every agreement and an AGENCY only its own', async () => {
    const all = await as<{ agreements: Array<{ id: string; agency: string; inForce: boolean }> }>(operator, AGREEMENTS);
    expect(all.body.data!.agreements.map((a) => a.id)).toEqual([agreement.bumn, agreement.taspen, agreement.asabri, agreement.shortLived, agreement.past, agreement.future]);
    expect(all.body.data!.agreements.map((a) => a.inForce)).toEqual([true, true, true, true, false, false]);
    const audited = await as<{ agreements: unknown[] }>(auditor, AGREEMENTS);
    expect(audited.body.data!.agreements).toHaveLength(6);
    const own = await as<{ agreements: Array<{ agency: string }> }>(taspen, AGREEMENTS);
    expect(own.body.data!.agreements).toEqual([expect.objectContaining({ id: agreement.taspen, agency: 'TASPEN' })]);
    const noClaim = await as<{ agreements: unknown[] }>(await t.token(['AGENCY'], 'nameless'), AGREEMENTS);
    expect(noClaim.body.data!.agreements).toEqual([]);
    expect(errorCodes(await as(await t.token(['REPORTER']), AGREEMENTS))).toEqual(['FORBIDDEN']);
  });

  it('refuses agreements with a non-screening reason, an empty window or an agency outside the claim alphabet', async () => {
    const base = { agency: 'KEMENAG', listKind: 'PESANTREN_STUDENT', purpose: 'p', legalBasis: 'l', documentRef: 'd', validFrom: started.toISOString(), validTo: new Date(started.getTime() + DAY).toISOString(), rejectionReason: 'SCREENED_PESANTREN_STUDENT' };
    for (const [field, change] of [
      ['rejectionReason', { rejectionReason: 'NOT_SELECTED' }],
      ['validTo', { validTo: started.toISOString() }],
      ['agency', { agency: 'BUMN; drop table' }],
      ['purpose', { purpose: '   ' }],
    ] as const) {
      const response = await as(operator, CREATE_AGREEMENT, { input: { ...base, ...change } });
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.body.errors![0]!.extensions!.field).toBe(field);
    }
    expect(errorCodes(await as(bumn, CREATE_AGREEMENT, { input: base }))).toEqual(['FORBIDDEN']);
  });

  it('takes a list from the owning agency and answers counts only', async () => {
    const niks = send([people.a!.nik, people.b!.nik, people.dual!.nik, outsider(), outsider(), '1234', 'x'.repeat(16), buildNik({ province: '20' })]);
    const response = await as<{ submitScreeningList: Receipt }>(bumn, SUBMIT, { input: { agreementId: agreement.bumn, niks } });
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data!.submitScreeningList).toEqual({ received: 8, accepted: 5, invalid: 3 });
    expect(Object.keys(response.body.data!.submitScreeningList).sort()).toEqual(['accepted', 'invalid', 'received']);
    expect(await storedListRows()).toEqual({ versions: 1, entries: 5 });
  });

  it('refuses a foreign agency, an expired or future agreement and a non-agency role, storing nothing', async () => {
    const before = await storedListRows();
    const niks = send([people.h!.nik, outsider()]);
    const cases: Array<[string, string, string]> = [
      [taspen, agreement.bumn!, 'FORBIDDEN'],
      [asabri, agreement.taspen!, 'FORBIDDEN'],
      [await t.token(['AGENCY'], 'nameless'), agreement.bumn!, 'FORBIDDEN'],
      [bumn, agreement.past!, 'AGREEMENT_EXPIRED'],
      [bumn, agreement.future!, 'AGREEMENT_EXPIRED'],
      [operator, agreement.bumn!, 'FORBIDDEN'],
      [bumn, '00000000-0000-4000-8000-000000000000', 'NOT_FOUND'],
    ];
    for (const [token, agreementId, code] of cases) {
      expect(errorCodes(await as(token, SUBMIT, { input: { agreementId, niks } }))).toEqual([code]);
    }
    // The foreign agency learns nothing about the window either: FORBIDDEN even for an expired agreement of another agency.
    expect(errorCodes(await as(taspen, SUBMIT, { input: { agreementId: agreement.past, niks } }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await as(taspen, BEGIN, { id: agreement.bumn }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await as(bumn, BEGIN, { id: agreement.past }))).toEqual(['AGREEMENT_EXPIRED']);
    expect(await storedListRows()).toEqual(before);
    const [denied] = await t.sql("select count(*) as n from access_log where action = 'SCREENING_LIST_SUBMITTED' and outcome = 'DENIED' and reference = ?", [agreement.bumn]);
    expect(Number(denied!.n)).toBeGreaterThanOrEqual(3);
  });

  it('replaces the previous list of an agreement with a new submission', async () => {
    const [before] = await t.sql('select active_list_version_id as v from screening_agreement where id = ?', [agreement.bumn]);
    const niks = send([people.a!.nik, people.c!.nik, people.dual!.nik, outsider()]);
    const response = await as<{ submitScreeningList: Receipt }>(bumn, SUBMIT, { input: { agreementId: agreement.bumn, niks } });
    expect(response.body.data!.submitScreeningList).toEqual({ received: 4, accepted: 4, invalid: 0 });
    const versions = await t.sql('select id, state from screening_list_version where agreement_id = ? order by created_at, state', [agreement.bumn]);
    expect(versions.map((v) => v.state).sort()).toEqual(['ACTIVE', 'REPLACED']);
    expect(versions.find((v) => v.state === 'REPLACED')!.id).toBe(before!.v);
    const [after] = await t.sql('select active_list_version_id as v from screening_agreement where id = ?', [agreement.bumn]);
    expect(after!.v).toBe(versions.find((v) => v.state === 'ACTIVE')!.id);
    // Only the list in force is kept.
    const entries = await t.sql('select list_version_id as v, count(*) as n from screening_list_entry where list_version_id in (?, ?) group by list_version_id', [before!.v, after!.v]);
    expect(entries.map((row) => [row.v, Number(row.n)])).toEqual([[after!.v, 4]]);
  });

  it('takes a big list in chunks under one version and makes it active only on commit', async () => {
    const begun = await as<{ beginScreeningList: { listVersionId: string } }>(taspen, BEGIN, { id: agreement.taspen });
    expect(begun.body.errors).toBeUndefined();
    const listVersionId = begun.body.data!.beginScreeningList.listVersionId;
    const first = await as<{ appendScreeningList: Receipt }>(taspen, APPEND, { v: listVersionId, niks: send([people.d!.nik, people.c!.nik, buildNik({ serial: 0 })]) });
    expect(first.body.data!.appendScreeningList).toEqual({ received: 3, accepted: 2, invalid: 1 });
    const second = await as<{ appendScreeningList: Receipt }>(taspen, APPEND, { v: listVersionId, niks: send([people.e!.nik, outsider()]) });
    expect(second.body.data!.appendScreeningList).toEqual({ received: 2, accepted: 2, invalid: 0 });
    expect(errorCodes(await as(bumn, APPEND, { v: listVersionId, niks: send([outsider()]) }))).toEqual(['FORBIDDEN']);
    const tooMany = await as(taspen, APPEND, { v: listVersionId, niks: Array.from({ length: 10_001 }, () => '1') });
    expect(errorCodes(tooMany)).toEqual(['BAD_USER_INPUT']);
    expect(tooMany.body.errors![0]!.extensions!.field).toBe('niks');
    const [pending] = await t.sql('select active_list_version_id as v from screening_agreement where id = ?', [agreement.taspen]);
    expect(pending!.v).toBeNull();
    const committed = await as<{ commitScreeningList: Receipt }>(taspen, COMMIT, { v: listVersionId });
    expect(committed.body.data!.commitScreeningList).toEqual({ received: 5, accepted: 4, invalid: 1 });
    const [active] = await t.sql('select active_list_version_id as v from screening_agreement where id = ?', [agreement.taspen]);
    expect(active!.v).toBe(listVersionId);
    expect(errorCodes(await as(taspen, APPEND, { v: listVersionId, niks: send([outsider()]) }))).toEqual(['CONFLICT']);
    expect(errorCodes(await as(taspen, COMMIT, { v: listVersionId }))).toEqual(['CONFLICT']);
    const [entries] = await t.sql('select count(*) as n from screening_list_entry where list_version_id = ?', [listVersionId]);
    expect(Number(entries!.n)).toBe(4);
  });

  it('imports a list file through the command line with line numbers for invalid lines only', async () => {
    const file = path.join(t.config.dataDir, 'asabri.csv');
    const niks = send([people.f!.nik, outsider()]);
    // Header, CSV with a second column, a quoted value, an invalid line (5), a blank line, CRLF endings.
    fs.writeFileSync(file, ['nik,unit', `${niks[0]},Kodam Jaya`, `"${niks[1]}",Polda`, '', 'not-a-nik', `${people.g!.nik}`].join('\r\n') + '\r\n');
    send([people.g!.nik]);
    const env = { ...process.env, NODE_ENV: 'test', SAMARAN_DATA_DIR: t.config.dataDir, ...(t.config.databaseUrl ? { DATABASE_URL: t.config.databaseUrl } : {}) };
    const { stdout, stderr } = await run(process.execPath, [CLI, 'screening', 'import', '--agreement', agreement.asabri!, file], { env });
    expect(stdout).toContain('invalid NIK on line 5');
    expect(stdout).toContain('received 4, accepted 3, invalid 1');
    expect(findNeedles(stdout + stderr, [...submitted])).toEqual([]);
    const [row] = await t.sql("select v.received, v.accepted, v.invalid, v.state from screening_list_version v join screening_agreement a on a.active_list_version_id = v.id where a.id = ?", [agreement.asabri]);
    expect([Number(row!.received), Number(row!.accepted), Number(row!.invalid), row!.state]).toEqual([4, 3, 1, 'ACTIVE']);
    // An expired agreement is refused by the command line too, with nothing stored.
    const before = await storedListRows();
    const refused = await run(process.execPath, [CLI, 'screening', 'import', '--agreement', agreement.past!, file], { env }).catch((error: { code: number; stderr: string }) => error);
    expect((refused as { code: number }).code).not.toBe(0);
    expect(await storedListRows()).toEqual(before);
  });

  it('rejects exactly the listed PENDING applications with the agreement reasons, counts per agreement, and reconciles', async () => {
    const short = await as<{ submitScreeningList: Receipt }>(bumn, SUBMIT, { input: { agreementId: agreement.shortLived, niks: send([people.h!.nik]) } });
    expect(short.body.data!.submitScreeningList.accepted).toBe(1);
    // Two hours later the short-lived agreement has ended: its list no longer takes effect.
    t.clock.now = new Date(started.getTime() + 2 * HOUR);
    const response = await as<{ runScreening: RunResult }>(operator, RUN, { wave: 1 });
    expect(response.body.errors).toBeUndefined();
    const result = response.body.data!.runScreening;
    expect(result.agreements).toEqual([
      // c is on both the BUMN and the TASPEN list: the older agreement (BUMN) takes it.
      { agreementId: agreement.bumn, agency: 'BUMN', rejectionReason: 'SCREENED_STATE_ENTERPRISE', rejected: 3 },
      { agreementId: agreement.taspen, agency: 'TASPEN', rejectionReason: 'SCREENED_CIVIL_SERVANT', rejected: 2 },
      { agreementId: agreement.asabri, agency: 'ASABRI', rejectionReason: 'SCREENED_MILITARY_POLICE', rejected: 2 },
    ]);
    expect(result.rejected).toBe(7);
    const expected: Record<string, [string, string | null]> = {
      a: ['REJECTED', 'SCREENED_STATE_ENTERPRISE'],
      b: ['PENDING', null], // on the replaced BUMN list only
      c: ['REJECTED', 'SCREENED_STATE_ENTERPRISE'],
      dual: ['REJECTED', 'SCREENED_STATE_ENTERPRISE'],
      d: ['REJECTED', 'SCREENED_CIVIL_SERVANT'],
      e: ['REJECTED', 'SCREENED_CIVIL_SERVANT'],
      f: ['REJECTED', 'SCREENED_MILITARY_POLICE'],
      g: ['REJECTED', 'SCREENED_MILITARY_POLICE'],
      h: ['PENDING', null], // its agreement ended before the run
    };
    for (const [letter, [outcome, reason]] of Object.entries(expected)) expect(await outcomeOf(letter), letter).toEqual({ outcome, reason });
    // The dual registrant's wave-2 application is not part of a wave-1 run.
    const [wave2] = await t.sql("select a.outcome from application a where a.wave_number = 2");
    expect(wave2!.outcome).toBe('PENDING');
    expect(await t.server.services.database.fork().transactional((tx) => t.server.services.counts.reconcile(tx))).toEqual([]);
    const cells = await t.sql("select rejection_reason as r, sum(count) as n from count_cell where wave_number = 1 and outcome = 'REJECTED' group by rejection_reason order by rejection_reason");
    expect(cells.map((c) => [c.r, Number(c.n)])).toEqual([
      ['SCREENED_CIVIL_SERVANT', 2],
      ['SCREENED_MILITARY_POLICE', 2],
      ['SCREENED_STATE_ENTERPRISE', 3],
    ]);
  });

  it('is idempotent, refuses other roles, and runs from the command line', async () => {
    const again = await as<{ runScreening: RunResult }>(operator, RUN, { wave: 1 });
    expect(again.body.data!.runScreening.rejected).toBe(0);
    expect(errorCodes(await as(bumn, RUN, { wave: 1 }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await as(operator, RUN, { wave: 42 }))).toEqual(['NOT_FOUND']);
    // A newcomer to wave 2 listed by BUMN after the run above: the CLI run picks it up.
    const late = buildRegistrant({ wave: 2 });
    const registered = await t.graphql<{ register: { applicationId: string } }>(REGISTER_MUTATION, { input: late }, operator);
    expect(registered.body.errors).toBeUndefined();
    const listed = await as<{ submitScreeningList: Receipt }>(bumn, SUBMIT, { input: { agreementId: agreement.bumn, niks: send([late.nik, people.a!.nik]) } });
    expect(listed.body.data!.submitScreeningList.accepted).toBe(2);
    const env = { ...process.env, NODE_ENV: 'test', SAMARAN_DATA_DIR: t.config.dataDir, ...(t.config.databaseUrl ? { DATABASE_URL: t.config.databaseUrl } : {}) };
    const { stdout } = await run(process.execPath, [CLI, 'screening', 'run', '--wave', '2'], { env });
    expect(stdout).toContain(`agreement ${agreement.bumn} (BUMN, SCREENED_STATE_ENTERPRISE): rejected 1`);
    expect(stdout).toContain('wave 2: rejected 1 applications');
    const [row] = await t.sql('select outcome, rejection_reason from application where id = ?', [registered.body.data!.register.applicationId]);
    expect([row!.outcome, row!.rejection_reason]).toEqual(['REJECTED', 'SCREENED_STATE_ENTERPRISE']);
    expect(await t.server.services.database.fork().transactional((tx) => t.server.services.counts.reconcile(tx))).toEqual([]);
  });

  it('records every submission and run in the access log, naming the agreement', async () => {
    const events = await t.sql("select action, outcome, purpose, reason, reference, actor from access_log where action in ('SCREENING_LIST_SUBMITTED', 'SCREENING_RUN') order by seq");
    const allowed = (action: string, reference: string) => events.filter((e) => e.action === action && e.outcome === 'ALLOWED' && e.reference === reference).map((e) => e.purpose);
    expect(allowed('SCREENING_LIST_SUBMITTED', agreement.taspen!)).toEqual(['LIST_BEGIN', 'LIST_CHUNK', 'LIST_CHUNK', 'LIST_COMMIT']);
    expect(allowed('SCREENING_LIST_SUBMITTED', agreement.bumn!)).toEqual(['LIST_SUBMIT', 'LIST_SUBMIT', 'LIST_SUBMIT']);
    expect(allowed('SCREENING_LIST_SUBMITTED', agreement.asabri!)).toEqual(['LIST_BEGIN', 'LIST_COMMIT']);
    expect(events.filter((e) => e.action === 'SCREENING_RUN' && e.reference === agreement.bumn).map((e) => [e.purpose, e.reason])).toEqual([
      ['wave 1', 'rejected 3'],
      ['wave 1', 'rejected 0'],
      ['wave 2', 'rejected 1'],
    ]);
    // The command-line run used the real clock, when the short-lived agreement was still in force; the wave-1 run did not.
    expect(events.some((e) => e.action === 'SCREENING_RUN' && e.reference === agreement.shortLived && e.purpose === 'wave 1')).toBe(false);
    expect(events.filter((e) => e.action === 'SCREENING_RUN' && e.outcome === 'DENIED')).toHaveLength(1);
    const verdict = await t.graphql<{ verifyAccessLog: { ok: boolean } }>('{ verifyAccessLog { ok } }', {}, auditor);
    expect(verdict.body.data!.verifyAccessLog.ok).toBe(true);
  });

  it('leaves no submitted NIK in any response, log line or database byte', async () => {
    // Values shaped like NIKs: what an agency sends; junk such as 'x' * 16 is not personal.
    const needles = [...submitted].filter((nik) => /^\d{16}$/.test(nik));
    expect(needles.length).toBeGreaterThan(15);
    expect(findNeedles(responses.join('\n'), needles)).toEqual([]);
    expect(findNeedles(t.logLines.join(''), needles)).toEqual([]);
    expect(findNeedles(await t.databaseBytes(), needles)).toEqual([]);
  });
});
