import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRegistrant, OPEN_WAVE_MUTATION, REGISTER_MUTATION, waveInput, type RegistrantFixture } from '../factories/registrant';
import { DIALECT, errorCodes, findNeedles, personalValueNeedles, startTestServer, type GraphQLResponse, type TestServer } from './harness';

const SUBJECTS = /* GraphQL */ `
  query Subjects($filter: SubjectFilter, $first: Int, $after: String) {
    subjects(filter: $filter, first: $first, after: $after) {
      edges { cursor node { id provinceCode regencyCode gender ageBand education employmentStatus state applications { id wave outcome rejectionReason subject { id } } } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

describe(`pseudonymous subjects (${DIALECT})`, () => {
  let t: TestServer;
  let analyst: string;
  const registrants: RegistrantFixture[] = [];
  const subjectIds: string[] = [];

  beforeAll(async () => {
    t = await startTestServer();
    const operator = await t.token(['OPERATOR']);
    analyst = await t.token(['ANALYST'], 'analyst-1');
    await t.graphql(OPEN_WAVE_MUTATION, { input: waveInput(1, t.clock.now) }, operator);
    await t.graphql(OPEN_WAVE_MUTATION, { input: waveInput(2, t.clock.now) }, operator);
    for (let i = 0; i < 7; i += 1) {
      const registrant = buildRegistrant({ wave: 1, provinceCode: i < 3 ? '31' : '32', regencyCode: i < 3 ? '3171' : '3273' });
      registrants.push(registrant);
      const response = await t.graphql(REGISTER_MUTATION, { input: registrant }, operator);
      expect(response.body.errors).toBeUndefined();
      subjectIds.push((response.body.data as { register: { subjectId: string } }).register.subjectId);
    }
    await t.graphql(REGISTER_MUTATION, { input: { ...registrants[0], wave: 2 } }, operator);
  });
  afterAll(async () => t?.stop());

  it('pages through every subject with Relay cursors', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      type Page = { subjects: { edges: Array<{ node: { id: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } } };
      const response: GraphQLResponse<Page> = await t.graphql<Page>(SUBJECTS, { first: 3, after }, analyst);
      expect(response.body.errors).toBeUndefined();
      const { edges, pageInfo } = response.body.data!.subjects;
      seen.push(...edges.map((edge) => edge.node.id));
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    expect(seen.sort()).toEqual([...subjectIds].sort());
  });

  it('filters by province and by wave', async () => {
    const jakarta = await t.graphql<{ subjects: { edges: unknown[] } }>(SUBJECTS, { filter: { provinceCode: '31' }, first: 50 }, analyst);
    expect(jakarta.body.data!.subjects.edges).toHaveLength(3);
    const wave2 = await t.graphql<{ subjects: { edges: Array<{ node: { id: string; applications: Array<{ wave: number; subject: { id: string } }> } }> } }>(SUBJECTS, { filter: { wave: 2 }, first: 50 }, analyst);
    expect(wave2.body.data!.subjects.edges.map((edge) => edge.node.id)).toEqual([subjectIds[0]]);
    const node = wave2.body.data!.subjects.edges[0]!.node;
    expect(node.applications.map((a) => a.wave)).toEqual([1, 2]);
    expect(node.applications.every((a) => a.subject.id === node.id)).toBe(true);
  });

  it('returns one subject by id, and null for an unknown or malformed id', async () => {
    const found = await t.graphql('query($id: ID!) { subject(id: $id) { id state } }', { id: subjectIds[1] }, analyst);
    expect(found.body.data).toEqual({ subject: { id: subjectIds[1], state: 'ACTIVE' } });
    const missing = await t.graphql('query($id: ID!) { subject(id: $id) { id } }', { id: '00000000-0000-4000-8000-000000000000' }, analyst);
    expect(missing.body.data).toEqual({ subject: null });
    const malformed = await t.graphql('query($id: ID!) { subject(id: $id) { id } }', { id: "' or 1=1 --" }, analyst);
    expect(malformed.body.data).toEqual({ subject: null });
  });

  it('caps page size and rejects foreign cursors', async () => {
    expect((await t.graphql(SUBJECTS, { first: 501 }, analyst)).body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect((await t.graphql(SUBJECTS, { first: 0 }, analyst)).body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect((await t.graphql(SUBJECTS, { after: 'bm90LWEtY3Vyc29y' }, analyst)).body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it("gives an analyst no personal value anywhere in the response", async () => {
    const response = await t.graphql(SUBJECTS, { first: 500 }, analyst);
    expect(response.body.errors).toBeUndefined();
    expect(findNeedles(response.text, personalValueNeedles(registrants))).toEqual([]);
    // The schema has no personal field on Subject: asking for one is a validation error.
    for (const field of ['nik', 'fullName', 'email', 'phone', 'birthDate', 'nikToken']) {
      const probe = await t.graphql(`{ subjects(first: 1) { edges { node { ${field} } } } }`, {}, analyst);
      expect(errorCodes(probe)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    }
  });

  it('refuses an OPERATOR the subject behind an application', async () => {
    const operator = await t.token(['OPERATOR']);
    const response = await t.graphql('{ subjects(first: 1) { edges { node { id } } } }', {}, operator);
    expect(errorCodes(response)).toEqual(['FORBIDDEN']);
  });
});
