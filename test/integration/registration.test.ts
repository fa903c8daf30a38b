import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNik } from '../factories/nik';
import { buildRegistrant, OPEN_WAVE_MUTATION, RECORD_OUTCOME_MUTATION, REGISTER_MUTATION, waveInput, type RegistrantFixture } from '../factories/registrant';
import { DIALECT, errorCodes, findNeedles, personalValueNeedles, startTestServer, type TestServer } from './harness';

describe(`registration over HTTP (${DIALECT})`, () => {
  let t: TestServer;
  let operator: string;
  const sent: RegistrantFixture[] = [];

  async function register(overrides: Partial<RegistrantFixture> = {}) {
    const registrant = buildRegistrant(overrides);
    sent.push(registrant);
    return { registrant, response: await t.graphql(REGISTER_MUTATION, { input: registrant }, operator) };
  }

  beforeAll(async () => {
    t = await startTestServer();
    operator = await t.token(['OPERATOR'], 'operator-1');
    for (const [number, open, quota] of [[1, true, 1000], [2, true, 1], [3, false, 1000]] as const) {
      const opened = await t.graphql(OPEN_WAVE_MUTATION, { input: waveInput(number, t.clock.now, { open, quota }) }, operator);
      expect(opened.body.errors).toBeUndefined();
    }
  });
  afterAll(async () => t?.stop());

  it('registers an applicant and returns opaque ids', async () => {
    const { response } = await register();
    expect(response.body.errors).toBeUndefined();
    const receipt = (response.body.data as { register: { subjectId: string; applicationId: string; wave: number } }).register;
    expect(receipt.wave).toBe(1);
    expect(receipt.subjectId).toMatch(/^[0-9a-f-]{36}$/);
    expect(receipt.applicationId).not.toBe(receipt.subjectId);
  });

  it('reuses the subject for another wave and refuses a second application to the same wave', async () => {
    const { registrant, response } = await register({ wave: 1 });
    const first = (response.body.data as { register: { subjectId: string } }).register;
    const again = await t.graphql(REGISTER_MUTATION, { input: { ...registrant, wave: 2 } }, operator);
    expect(again.body.errors).toBeUndefined();
    expect((again.body.data as { register: { subjectId: string } }).register.subjectId).toBe(first.subjectId);
    const duplicate = await t.graphql(REGISTER_MUTATION, { input: registrant }, operator);
    expect(errorCodes(duplicate)).toEqual(['CONFLICT']);
    // Different contact details do not make a different person: the NIK decides.
    const sameNik = await t.graphql(REGISTER_MUTATION, { input: { ...buildRegistrant({ birthDate: registrant.birthDate, gender: registrant.gender }), nik: registrant.nik } }, operator);
    expect(errorCodes(sameNik)).toEqual(['CONFLICT']);
  });

  it('refuses a wave that is not open now', async () => {
    const { response } = await register({ wave: 3 });
    expect(errorCodes(response)).toEqual(['WAVE_CLOSED']);
    const unknown = await register({ wave: 99 });
    expect(errorCodes(unknown.response)).toEqual(['BAD_USER_INPUT']);
    expect(unknown.response.body.errors?.[0]?.extensions?.field).toBe('wave');
  });

  it.each([
    ['nik', { nik: '1234' }],
    ['nik', { nik: buildNik({ province: '20' }) }],
    ['birthDate', { birthDate: '1990-02-30' }],
    ['fullName', { fullName: '' }],
    ['email', { email: 'not-an-email' }],
    ['phone', { phone: '12345' }],
    ['provinceCode', { provinceCode: '99' }],
    ['regencyCode', { regencyCode: '3271' }],
  ])('refuses an invalid %s with BAD_USER_INPUT naming the field, never the value', async (field, overrides) => {
    const { registrant, response } = await register(overrides as Partial<RegistrantFixture>);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors?.[0]?.extensions?.field).toBe(field);
    expect(findNeedles(response.text, personalValueNeedles([registrant]))).toEqual([]);
  });

  it('masks values quoted by GraphQL coercion errors', async () => {
    const registrant = buildRegistrant();
    sent.push(registrant);
    const response = await t.graphql(REGISTER_MUTATION, { input: { ...registrant, wave: registrant.nik } }, operator);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors?.[0]?.extensions?.field).toBe('wave');
    expect(findNeedles(response.text, [registrant.nik])).toEqual([]);
    const literal = await t.graphql(`mutation { register(input: { nik: 5, fullName: "${registrant.fullName}", birthDate: "${registrant.birthDate}", gender: MALE, email: "${registrant.email}", phone: "${registrant.phone}", provinceCode: "31", regencyCode: "3171", addressLine: "x", education: NONE, employmentStatus: UNEMPLOYED, wave: ${registrant.nik} }) { subjectId } }`, {}, operator);
    expect(errorCodes(literal)[0]).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(findNeedles(literal.text, personalValueNeedles([registrant]))).toEqual([]);
  });

  it('records outcomes, enforces the quota, and refuses a second decision', async () => {
    const a = await register({ wave: 2 });
    const b = await register({ wave: 2 });
    const idOf = (r: typeof a) => (r.response.body.data as { register: { applicationId: string } }).register.applicationId;
    const accepted = await t.graphql(RECORD_OUTCOME_MUTATION, { input: { applicationId: idOf(a), outcome: 'ACCEPTED' } }, operator);
    expect(accepted.body.errors).toBeUndefined();
    expect(accepted.body.data).toMatchObject({ recordOutcome: { outcome: 'ACCEPTED', rejectionReason: null, wave: 2 } });
    const overQuota = await t.graphql(RECORD_OUTCOME_MUTATION, { input: { applicationId: idOf(b), outcome: 'ACCEPTED' } }, operator);
    expect(errorCodes(overQuota)).toEqual(['CONFLICT']);
    const missingReason = await t.graphql(RECORD_OUTCOME_MUTATION, { input: { applicationId: idOf(b), outcome: 'REJECTED' } }, operator);
    expect(missingReason.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'rejectionReason' });
    const rejected = await t.graphql(RECORD_OUTCOME_MUTATION, { input: { applicationId: idOf(b), outcome: 'REJECTED', rejectionReason: 'NOT_SELECTED' } }, operator);
    expect(rejected.body.data).toMatchObject({ recordOutcome: { outcome: 'REJECTED', rejectionReason: 'NOT_SELECTED' } });
    const again = await t.graphql(RECORD_OUTCOME_MUTATION, { input: { applicationId: idOf(b), outcome: 'ACCEPTED' } }, operator);
    expect(errorCodes(again)).toEqual(['CONFLICT']);
    const unknown = await t.graphql(RECORD_OUTCOME_MUTATION, { input: { applicationId: '00000000-0000-4000-8000-000000000000', outcome: 'ACCEPTED' } }, operator);
    expect(errorCodes(unknown)).toEqual(['NOT_FOUND']);
  });

  it('refuses registration to principals without OPERATOR and stores nothing', async () => {
    const before = await t.sql('select count(*) as n from subject');
    for (const roles of [['REPORTER'], ['ANALYST', 'OFFICER', 'AUDITOR', 'AGENCY'], []]) {
      const registrant = buildRegistrant();
      sent.push(registrant);
      const response = await t.graphql(REGISTER_MUTATION, { input: registrant }, await t.token(roles));
      expect(errorCodes(response)).toEqual(['FORBIDDEN']);
      expect(response.body.data).toBeNull();
    }
    const after = await t.sql('select count(*) as n from subject');
    expect(Number(after[0]!.n)).toBe(Number(before[0]!.n));
  });

  it('keeps every personal value out of the database, its WAL and the logs', async () => {
    const subjects = await t.sql('select count(*) as n from subject');
    expect(Number(subjects[0]!.n)).toBeGreaterThanOrEqual(4);
    const needles = personalValueNeedles(sent);
    // The scan can fail: the same search finds every sent NIK and name in what we sent.
    const sentText = JSON.stringify(sent);
    expect(findNeedles(sentText, sent.map((r) => r.nik))).toHaveLength(sent.length);
    expect(findNeedles(sentText, sent.map((r) => r.fullName).filter((n) => n.length >= 5)).length).toBeGreaterThan(0);
    expect(findNeedles(await t.databaseBytes(), needles)).toEqual([]);
    expect(t.logLines.length).toBeGreaterThan(0);
    expect(findNeedles(t.logLines.join('\n'), needles)).toEqual([]);
  });
});
