import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPILE_AFTER } from '../../src/api/compiled-execution';
import { buildRegistrant, OPEN_WAVE_MUTATION, REGISTER_MUTATION, waveInput } from '../factories/registrant';
import { DIALECT, startTestServer, type TestServer } from './harness';

/**
 * Operations run interpreted by graphql-js until they repeat, then compiled by graphql-jit
 * (src/api/compiled-execution.ts). Whatever path a request takes, the client and the access log
 * must see the same thing: each operation here is sent more times than it takes to compile it.
 */
describe(`compiled execution answers as interpreted execution (${DIALECT})`, () => {
  let t: TestServer;
  let subjectId: string;
  const times = COMPILE_AFTER + 2;

  beforeAll(async () => {
    t = await startTestServer();
    const operator = await t.token(['OPERATOR'], 'operator-jit');
    await t.graphql(OPEN_WAVE_MUTATION, { input: waveInput(1, t.clock.now, { quota: 1000 }) }, operator);
    for (let i = 0; i < 14; i++) {
      const response = await t.graphql<{ register: { subjectId: string } }>(REGISTER_MUTATION, { input: { ...buildRegistrant(), wave: 1 } }, operator);
      subjectId = response.body.data!.register.subjectId;
    }
  });
  afterAll(async () => t?.stop());

  const repeat = async (query: string, variables: Record<string, unknown>, token: string) => {
    const answers = [];
    for (let i = 0; i < times; i++) answers.push(await t.graphql(query, variables, token));
    return answers;
  };
  const events = async (action: string) =>
    Number((await t.sql('select count(*) as n from access_log where action = ?', [action]))[0]!.n);

  it('gives the same count table, with aliases, fragments and __typename', async () => {
    const reporter = await t.token(['REPORTER']);
    const query = `query Counts($groupBy: [Dimension!]) {
      table: accountability(groupBy: $groupBy) { __typename total suppressedCells cells { ...cell } }
      again: accountability { total }
    }
    fragment cell on CountCell { wave gender count suppressed }`;
    const answers = await repeat(query, { groupBy: ['WAVE', 'GENDER'] }, reporter);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual(answers[0]!.body);
    }
    expect((answers[0]!.body.data as { again: { total: number } }).again.total).toBe(14);
  });

  it('refuses exact counts to a reporter every time, each refusal logged', async () => {
    const reporter = await t.token(['REPORTER']);
    const before = await events('EXACT_COUNTS');
    const answers = await repeat('query Exact($exact: Boolean) { accountability(exact: $exact) { total } }', { exact: true }, reporter);
    for (const answer of answers) {
      expect(answer.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      expect(answer.body.errors?.[0]?.path).toEqual(['accountability']);
    }
    expect(await events('EXACT_COUNTS')).toBe(before + times);
  });

  it('refuses a bad variable with the same 400 and field every time', async () => {
    const reporter = await t.token(['REPORTER']);
    const answers = await repeat('query Counts($groupBy: [Dimension!]) { accountability(groupBy: $groupBy) { total } }', { groupBy: ['NOT_A_DIMENSION'] }, reporter);
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual(answers[0]!.body);
      expect(answer.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('reveals once per request, each reveal logged with its value returned', async () => {
    const officer = await t.token(['OFFICER']);
    const before = await events('REVEAL');
    const answers = await repeat(
      'mutation Reveal($id: ID!) { reveal(subjectId: $id, fields: [NIK], purpose: "Case 2026/777") { nik } }',
      { id: subjectId },
      officer,
    );
    for (const answer of answers) expect(answer.body).toEqual(answers[0]!.body);
    expect((answers[0]!.body.data as { reveal: { nik: string } }).reveal.nik).toMatch(/^\d{16}$/);
    expect(await events('REVEAL')).toBe(before + times);
  });
});
