import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOAD_CHUNK } from '../../src/accountability/count-store';
import { WATCH_APPLICATION_NAME } from '../../src/accountability/count-version';
import { Dimension, Measure } from '../../src/accountability/dimensions';
import { Education, Gender, Outcome, RejectionReason } from '../../src/subjects/subject.enums';
import { buildRegistrant, OPEN_WAVE_MUTATION, REGISTER_MUTATION, waveInput } from '../factories/registrant';
import { DIALECT, errorCodes, startTestServer, type TestServer } from './harness';

const run = promisify(execFile);
const CLI = path.join(__dirname, '../../bin/samaran.js');

const COUNTS = /* GraphQL */ `
  query Counts($groupBy: [Dimension!], $filter: CountFilter, $measure: Measure, $exact: Boolean) {
    accountability(groupBy: $groupBy, filter: $filter, measure: $measure, exact: $exact) {
      total threshold suppressedCells measure exact
      cells { wave province gender ageBand education employment outcome rejectionReason count suppressed }
    }
  }
`;
const OUTCOME = /* GraphQL */ `
  mutation Outcome($input: RecordOutcomeInput!) { recordOutcome(input: $input) { id outcome } }
`;

interface Cell {
  wave: number | null;
  province: string | null;
  outcome: string | null;
  education: string | null;
  rejectionReason: string | null;
  count: number | null;
  suppressed: boolean;
}
interface Table {
  total: number | null;
  threshold: number;
  suppressedCells: number;
  cells: Cell[];
}

/** What the test did, to recount from independently of the server. */
interface ModelApplication {
  id: string;
  wave: number;
  outcome: Outcome;
  reason: RejectionReason | null;
}
interface ModelPerson {
  input: ReturnType<typeof buildRegistrant>;
  province: string;
  education: Education;
  applications: ModelApplication[];
}

describe(`accountability counts (${DIALECT})`, () => {
  let t: TestServer;
  let operator: string;
  let auditor: string;
  let reporter: string;
  const people: ModelPerson[] = [];

  async function counts(variables: Record<string, unknown>, token = auditor): Promise<Table> {
    const response = await t.graphql<{ accountability: Table }>(COUNTS, variables, token);
    expect(response.body.errors).toBeUndefined();
    return response.body.data!.accountability;
  }

  async function register(province: string, education: Education, wave: number, person?: ModelPerson, via: TestServer = t): Promise<ModelPerson> {
    const target = person ?? { input: buildRegistrant({ wave, provinceCode: province, regencyCode: `${province}71`, education }), province, education, applications: [] };
    const input = { ...target.input, wave };
    const response = await via.graphql<{ register: { applicationId: string } }>(REGISTER_MUTATION, { input }, operator);
    expect(response.body.errors).toBeUndefined();
    target.applications.push({ id: response.body.data!.register.applicationId, wave, outcome: Outcome.PENDING, reason: null });
    if (!person) people.push(target);
    return target;
  }

  async function decide(application: ModelApplication, outcome: Outcome, reason: RejectionReason | null = null): Promise<void> {
    const response = await t.graphql(OUTCOME, { input: { applicationId: application.id, outcome, rejectionReason: reason } }, operator);
    expect(response.body.errors).toBeUndefined();
    application.outcome = outcome;
    application.reason = reason;
  }

  /** Recount from the model: applications by wave × province × outcome. */
  function modelApplications(): Map<string, number> {
    const out = new Map<string, number>();
    for (const p of people) for (const a of p.applications) {
      const key = `${a.wave}|${p.province}|${a.outcome}`;
      out.set(key, (out.get(key) ?? 0) + 1);
    }
    return out;
  }

  /** People by province × outcome of their latest application. */
  function modelPeople(): Map<string, number> {
    const out = new Map<string, number>();
    for (const p of people) {
      const latest = p.applications.reduce((a, b) => (b.wave > a.wave ? b : a));
      const key = `${p.province}|${latest.outcome}`;
      out.set(key, (out.get(key) ?? 0) + 1);
    }
    return out;
  }

  beforeAll(async () => {
    t = await startTestServer();
    operator = await t.token(['OPERATOR'], 'operator-counts');
    auditor = await t.token(['AUDITOR'], 'auditor-counts');
    reporter = await t.token(['REPORTER'], 'reporter-counts');
    for (const wave of [1, 2]) await t.graphql(OPEN_WAVE_MUTATION, { input: waveInput(wave, t.clock.now, { quota: 1000 }) }, operator);
    // Jakarta large, Banten small (below k), Bali tiny: the reporter's table must hide the small ones.
    const plan: Array<[string, number]> = [['31', 24], ['36', 6], ['51', 2]];
    for (const [province, n] of plan) {
      for (let i = 0; i < n; i++) await register(province, i % 3 === 0 ? Education.BACHELOR : Education.SENIOR_SECONDARY, 1);
    }
    // Some apply again to wave 2; outcomes on both waves.
    for (const p of people.slice(0, 10)) await register(p.province, p.education, 2, p);
    for (const [i, p] of people.entries()) {
      if (i % 4 === 0) await decide(p.applications[0]!, Outcome.ACCEPTED);
      else if (i % 4 === 1) await decide(p.applications[0]!, Outcome.REJECTED, RejectionReason.NOT_SELECTED);
    }
    for (const p of people.slice(0, 4)) await decide(p.applications[1]!, Outcome.REJECTED, RejectionReason.SCREENED_STUDENT);
  });
  afterAll(async () => t?.stop());

  it('gives auditors exact applications per wave × province × outcome, equal to a recount of what was done', async () => {
    const table = await counts({ groupBy: ['WAVE', 'PROVINCE', 'OUTCOME'], exact: true });
    const got = new Map(table.cells.map((c) => [`${c.wave}|${c.province}|${c.outcome}`, c.count]));
    expect(got).toEqual(modelApplications());
    expect(table.total).toBe(people.reduce((n, p) => n + p.applications.length, 0));
    expect(table.cells.every((c) => c.education === null && c.rejectionReason === null && !c.suppressed)).toBe(true);
  });

  it('counts people by the outcome of their latest application, and per wave like applications', async () => {
    const table = await counts({ groupBy: ['PROVINCE', 'OUTCOME'], measure: 'PEOPLE', exact: true });
    expect(new Map(table.cells.map((c) => [`${c.province}|${c.outcome}`, c.count]))).toEqual(modelPeople());
    expect(table.total).toBe(people.length);
    const wave2 = await counts({ groupBy: ['PROVINCE'], filter: { wave: [2] }, measure: 'PEOPLE', exact: true });
    expect(wave2.total).toBe(10);
    const several = await t.graphql(COUNTS, { filter: { wave: [1, 2] }, measure: 'PEOPLE', exact: true }, auditor);
    expect(errorCodes(several)).toEqual(['BAD_USER_INPUT']);
    expect(several.body.errors![0]!.extensions!.field).toBe('filter.wave');
  });

  it('filters by dimension values and groups by rejection reason', async () => {
    const table = await counts({ groupBy: ['REJECTION_REASON'], filter: { outcome: ['REJECTED'], province: ['31', '36'] }, exact: true });
    const rejected = people.filter((p) => p.province !== '51').flatMap((p) => p.applications).filter((a) => a.outcome === Outcome.REJECTED);
    expect(Object.fromEntries(table.cells.map((c) => [c.rejectionReason, c.count]))).toEqual({
      NOT_SELECTED: rejected.filter((a) => a.reason === RejectionReason.NOT_SELECTED).length,
      SCREENED_STUDENT: rejected.filter((a) => a.reason === RejectionReason.SCREENED_STUDENT).length,
    });
  });

  it('protects small cells for reporters: none visible below k, suppressed as null, deterministic', async () => {
    const table = await counts({ groupBy: ['PROVINCE', 'OUTCOME'] }, reporter);
    expect(table.threshold).toBe(10);
    for (const cell of table.cells) {
      if (cell.suppressed) expect(cell.count).toBeNull();
      else expect(cell.count).toBeGreaterThanOrEqual(10);
    }
    expect(table.suppressedCells).toBe(table.cells.filter((c) => c.suppressed).length);
    expect(table.suppressedCells).toBeGreaterThan(0);
    const bali = await counts({ groupBy: ['PROVINCE'], filter: { province: ['51'] } }, reporter);
    expect(bali.total).toBeNull();
    expect(bali.cells).toEqual([expect.objectContaining({ province: '51', count: null, suppressed: true })]);
    expect(await counts({ groupBy: ['PROVINCE', 'OUTCOME'] }, reporter)).toEqual(table);
  });

  it('refuses exact counts to everyone but auditors and logs both the refusal and the auditor request', async () => {
    for (const roles of [['REPORTER'], ['ANALYST'], ['OFFICER'], ['OPERATOR']]) {
      expect(errorCodes(await t.graphql(COUNTS, { exact: true }, await t.token(roles, `exact-${roles[0]}`)))).toEqual(['FORBIDDEN']);
    }
    expect(errorCodes(await t.graphql(COUNTS, {}, await t.token(['AGENCY'], 'agency-x', { agency: 'BUMN' })))).toEqual(['FORBIDDEN']);
    const events = await t.sql("select actor, outcome, reference from access_log where action = 'EXACT_COUNTS' order by seq");
    expect(events.filter((e) => e.outcome === 'DENIED').map((e) => e.actor)).toEqual(['exact-REPORTER', 'exact-ANALYST', 'exact-OFFICER', 'exact-OPERATOR']);
    expect(events.filter((e) => e.outcome === 'ALLOWED').every((e) => e.actor === 'auditor-counts')).toBe(true);
    expect(events.some((e) => e.outcome === 'ALLOWED' && String(e.reference).includes('WAVE,PROVINCE,OUTCOME'))).toBe(true);
  });

  /** A second server on the same database: another process, with its own cube and count store. */
  function startSecondServer(): Promise<TestServer> {
    return startTestServer({
      env: {
        ...(DIALECT === 'postgresql' ? { DATABASE_URL: t.config.databaseUrl! } : { SAMARAN_DATA_DIR: t.config.dataDir }),
        SAMARAN_KEYS_FILE: t.config.keysFile,
        SAMARAN_JWKS_FILE: path.join(t.config.dataDir, 'dev-jwks.json'),
      },
    });
  }
  const totalOn = async (server: TestServer) => (await server.graphql<{ accountability: Table }>(COUNTS, { exact: true }, auditor)).body.data!.accountability.total!;

  /** PostgreSQL: a count query starts the version watch; waits until what it hears is trusted. */
  async function watchListening(): Promise<void> {
    await totalOn(t);
    await expect.poll(() => t.server.services.accountability.hearingVersions, { timeout: 5_000 }).toBe(true);
  }

  /** PostgreSQL: ends the version watch's connection from the server side and waits until it is no longer trusted. */
  async function cutWatchConnection(): Promise<void> {
    await t.sql(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ? and datname = current_database() and pid <> pg_backend_pid()`, [WATCH_APPLICATION_NAME]);
    await expect.poll(() => t.server.services.accountability.hearingVersions, { timeout: 2_000, interval: 5 }).toBe(false);
  }

  it('stays exact across processes: a second server on the same database sees every change another commits', async () => {
    const second = await startSecondServer();
    try {
      const before = await totalOn(second);
      await register('31', Education.DIPLOMA, 1);
      // SQLite: the version row is read before every query. PostgreSQL: the commit's notice is
      // heard within milliseconds (a later test shows it is heard, not read).
      if (DIALECT === 'sqlite') expect(await totalOn(second)).toBe(before + 1);
      else await expect.poll(() => totalOn(second), { timeout: 2_000, interval: 5 }).toBe(before + 1);
      await decide(people.at(-1)!.applications[0]!, Outcome.ACCEPTED);
      const accepted = async (server: TestServer) =>
        (await server.graphql<{ accountability: Table }>(COUNTS, { filter: { outcome: ['ACCEPTED'] }, exact: true }, auditor)).body.data!.accountability.total;
      await expect.poll(() => accepted(second), { timeout: 2_000, interval: 5 }).toBe(await accepted(t));
    } finally {
      await second.stop();
    }
  });

  it.runIf(DIALECT === 'postgresql')('hears the version on PostgreSQL: another process\'s commit reaches the cube with no version read per query', async () => {
    const { counts } = t.server.services;
    await watchListening();
    const second = await startSecondServer();
    try {
      const before = await totalOn(t);
      const reads = vi.spyOn(counts, 'version');
      try {
        await register('31', Education.DIPLOMA, 1, undefined, second);
        await expect.poll(() => totalOn(t), { timeout: 2_000, interval: 5 }).toBe(before + 1);
        // The journal entry was read to catch up; the version row never.
        expect(reads).not.toHaveBeenCalled();
      } finally {
        reads.mockRestore();
      }
    } finally {
      await second.stop();
    }
  });

  it.runIf(DIALECT === 'postgresql')('reads the version per query while its notices are lost, and listens again', async () => {
    await watchListening();
    const second = await startSecondServer();
    try {
      await cutWatchConnection();
      const before = await totalOn(t);
      await register('31', Education.DIPLOMA, 1, undefined, second);
      // Nothing heard, so the version is read: the other process's commit is counted at once.
      expect(await totalOn(t)).toBe(before + 1);
      expect(t.logLines.some((line) => line.includes('count version notices lost'))).toBe(true);
      await watchListening();
    } finally {
      await second.stop();
    }
  });

  it.runIf(DIALECT === 'postgresql')('does not trust what it hears when the version trigger is missing', async () => {
    await watchListening();
    const second = await startSecondServer();
    try {
      await t.sql('drop trigger count_version_notify on count_version');
      await cutWatchConnection();
      // It reconnects after a second, finds no trigger, and keeps reading the version per query.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(t.server.services.accountability.hearingVersions).toBe(false);
      const before = await totalOn(t);
      await register('31', Education.DIPLOMA, 1, undefined, second);
      expect(await totalOn(t)).toBe(before + 1);
      expect(t.logLines.filter((line) => line.includes('CountVersionTriggerMissing')).length).toBeGreaterThan(0);
    } finally {
      await t.sql(
        'create trigger count_version_notify after insert or update on count_version for each row execute function samaran_count_version_notify()',
      );
      await second.stop();
    }
    await watchListening();
  });

  it('keeps a finished table once its query is asked a second time at a version, not after one asking', async () => {
    const { accountability, database } = t.server.services;
    const query = { groupBy: [Dimension.WAVE, Dimension.OUTCOME], filter: new Map([[Dimension.GENDER, [Gender.FEMALE]]]), measure: Measure.APPLICATIONS, exact: false };
    const first = await accountability.table(database.fork(), query);
    const second = await accountability.table(database.fork(), query);
    const third = await accountability.table(database.fork(), query);
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
    expect(third).toBe(second);
  });

  it('reconciles with a recount of the base tables, and the CLI finds a tampered cell', async () => {
    expect(await t.server.services.database.fork().transactional((tx) => t.server.services.counts.reconcile(tx))).toEqual([]);
    const env = { ...process.env, SAMARAN_DATA_DIR: t.config.dataDir, ...(t.config.databaseUrl ? { DATABASE_URL: t.config.databaseUrl } : {}) };
    const ok = await run(process.execPath, [CLI, 'counts', 'reconcile'], { env });
    expect(ok.stdout).toMatch(/^ok: count cells agree/);
    await t.sql("update count_cell set count = count + 3 where wave_number = 1 and province_code = '31' and outcome = 'ACCEPTED'");
    const broken = await run(process.execPath, [CLI, 'counts', 'reconcile'], { env }).catch((error: { code: number; stdout: string }) => error);
    expect((broken as { code: number }).code).toBe(1);
    expect((broken as { stdout: string }).stdout).toContain('DIFFERENCE APPLICATIONS [1, 31,');
    await t.sql("update count_cell set count = count - 3 where wave_number = 1 and province_code = '31' and outcome = 'ACCEPTED'");
  });

  it('moves the counts once when concurrent decisions race for one application', async () => {
    const person = await register('33', Education.DIPLOMA, 1);
    const application = person.applications[0]!;
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        t.graphql(OUTCOME, { input: { applicationId: application.id, outcome: i % 2 ? 'ACCEPTED' : 'REJECTED', rejectionReason: i % 2 ? null : 'NOT_SELECTED' } }, operator),
      ),
    );
    const won = responses.filter((r) => !r.body.errors);
    expect(won).toHaveLength(1);
    expect(responses.filter((r) => r.body.errors).map((r) => errorCodes(r)[0])).toEqual(Array(7).fill('CONFLICT'));
    const outcome = (won[0]!.body.data as { recordOutcome: { outcome: Outcome } }).recordOutcome.outcome;
    application.outcome = outcome;
    application.reason = outcome === Outcome.REJECTED ? RejectionReason.NOT_SELECTED : null;
    expect(await t.server.services.database.fork().transactional((tx) => t.server.services.counts.reconcile(tx))).toEqual([]);
    const table = await counts({ groupBy: ['WAVE', 'PROVINCE', 'OUTCOME'], exact: true });
    expect(new Map(table.cells.map((c) => [`${c.wave}|${c.province}|${c.outcome}`, c.count]))).toEqual(modelApplications());
  });

  it('counts the bulk demo load in the same transactions: a recount finds no difference, and the cells load in chunks', async () => {
    // Enough registrants for more than one chunk of cells (LOAD_CHUNK per read) in each table.
    const demo = await startTestServer({ env: { SAMARAN_DEMO: 'on', SAMARAN_DEMO_REGISTRANTS: '14000' } });
    try {
      const auditor = await demo.token(['AUDITOR']);
      const total = async (measure: string) => (await demo.graphql<{ accountability: Table }>(COUNTS, { measure, exact: true }, auditor)).body.data!.accountability.total;
      const stored = async (table: string) => {
        const [row] = (await demo.server.services.database.fork().execute(`select count(*) as cells, sum(count) as n from ${table} where count <> 0`, [], 'all')) as Array<{ cells: number | string; n: number | string }>;
        return { cells: Number(row!.cells), n: Number(row!.n) };
      };
      const applications = await stored('count_cell');
      const people = await stored('person_count_cell');
      expect(Math.min(applications.cells, people.cells)).toBeGreaterThan(LOAD_CHUNK);
      expect(await total('APPLICATIONS')).toBe(applications.n);
      expect(await total('PEOPLE')).toBe(people.n);
      expect(people.n).toBeGreaterThan(13_000);
      expect(await demo.server.services.database.fork().transactional((tx) => demo.server.services.counts.reconcile(tx))).toEqual([]);
    } finally {
      await demo.stop();
    }
  });
});
