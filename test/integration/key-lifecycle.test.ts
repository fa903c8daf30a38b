import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { compactDecrypt } from 'jose';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrapDataKey } from '../../src/pseudonymization/data-keys';
import { Keyring } from '../../src/pseudonymization/keyring';
import { createSamaranServer, type SamaranServer } from '../../src/server';
import { ACCESS_LOG, DECIDE_ERASURE, exactCountSnapshot, FIND_BY_NIK, reconcile, REQUEST_ERASURE, REVEAL } from '../factories/erasure';
import { buildRegistrant, OPEN_WAVE_MUTATION, REGISTER_MUTATION, waveInput, type RegistrantFixture } from '../factories/registrant';
import { DIALECT, errorCodes, findNeedles, personalValueNeedles, startTestServer, type GraphQLResponse, type TestServer } from './harness';

const run = promisify(execFile);
const CLI = path.join(__dirname, '../../bin/samaran.js');
const PURPOSE = 'key rotation check KR-2026-1';

interface Person {
  input: RegistrantFixture;
  subjectId: string;
}

describe(`key rotation, rewrap and re-tokenization (${DIALECT})`, () => {
  let t: TestServer;
  let restarted: SamaranServer | undefined;
  let operator: string;
  let officerA: string;
  let officerB: string;
  let auditor: string;
  const people: Person[] = [];
  let shredded: Person;
  let minimized: Person;
  let shreddedVault: Record<string, unknown>;
  let shreddedToken: string;

  const cli = (...args: string[]) =>
    run(process.execPath, [CLI, ...args], { env: { ...process.env, SAMARAN_DATA_DIR: t.config.dataDir, ...(t.config.databaseUrl ? { DATABASE_URL: t.config.databaseUrl } : {}) } });
  const kekCounts = async () =>
    Object.fromEntries((await t.sql('select kek_id, count(*) as n from data_key group by kek_id')).map((row) => [row.kek_id, Number(row.n)]));

  beforeAll(async () => {
    t = await startTestServer();
    operator = await t.token(['OPERATOR'], 'operator-1');
    officerA = await t.token(['OFFICER'], 'officer-a');
    officerB = await t.token(['OFFICER'], 'officer-b');
    auditor = await t.token(['AUDITOR'], 'auditor-1');
    for (const number of [1, 2]) expect((await t.graphql(OPEN_WAVE_MUTATION, { input: waveInput(number, t.clock.now) }, operator)).body.errors).toBeUndefined();
    for (let i = 0; i < 25; i += 1) {
      const input = buildRegistrant({ provinceCode: i % 2 ? '31' : '36', regencyCode: i % 2 ? '3171' : '3671' });
      const response = await t.graphql<{ register: { subjectId: string } }>(REGISTER_MUTATION, { input }, operator);
      expect(response.body.errors).toBeUndefined();
      people.push({ input, subjectId: response.body.data!.register.subjectId });
    }
    [shredded, minimized] = [people[4]!, people[9]!];
    shreddedVault = (await t.sql('select nik, full_name, birth_date, email, phone, address_line from vault_entry where subject_id = ?', [shredded.subjectId]))[0]!;
    shreddedToken = (await t.sql('select nik_token from subject where id = ?', [shredded.subjectId]))[0]!.nik_token as string;
    const filed = await t.graphql<{ requestErasure: { id: string } }>(REQUEST_ERASURE, { input: { subjectId: shredded.subjectId, reason: 'HARASSMENT_AFTER_LEAK' } }, officerA);
    expect((await t.graphql(DECIDE_ERASURE, { input: { requestId: filed.body.data!.requestErasure.id, decision: 'GRANT', note: 'ticket DPO-1' } }, officerB)).body.errors).toBeUndefined();
    expect((await t.graphql(REQUEST_ERASURE, { input: { subjectId: minimized.subjectId, reason: 'NOT_SELECTED' } }, officerA)).body.errors).toBeUndefined();
  });
  afterAll(async () => {
    await restarted?.close();
    await t?.stop();
  });

  it('rotates, survives an interrupted rewrap, re-tokenizes, and leaves every other subject revealable and every count unchanged', async () => {
    const before = await exactCountSnapshot(t, auditor);
    const rotated = await cli('keys', 'rotate');
    expect(rotated.stdout).toContain('token key t2');
    expect(rotated.stdout).toContain('key-encryption key k2');
    const keyring = Keyring.fromFile(t.config.keysFile);
    expect(keyring.tokenKeyIds()).toEqual(['t1', 't2']);
    expect(keyring.kekIds()).toEqual(['k1', 'k2']);
    expect(await kekCounts()).toEqual({ k1: 24 }); // the shredded subject has no data key left

    // Interrupted: one batch of 10, then the run stops (as a killed run would after its first commit).
    const partial = await cli('keys', 'rewrap', '--batch-size', '10', '--max-batches', '1');
    expect(partial.stdout).toContain('rewrap: batch 1, 10/24');
    expect(partial.stdout).toContain('10 done, 0 failed, 14 remaining');
    expect(await kekCounts()).toEqual({ k1: 14, k2: 10 });
    const rerun = await cli('keys', 'rewrap', '--batch-size', '10');
    expect(rerun.stdout).toContain('14 done, 0 failed, 0 remaining (2 batches)');
    expect(await kekCounts()).toEqual({ k2: 24 });

    const retokenized = await cli('keys', 'retokenize', '--batch-size', '7');
    expect(retokenized.stdout).toContain('24 done, 0 failed, 0 remaining (4 batches)');
    const tokens = await t.sql('select id, nik_token, phone_token, email_token, state from subject');
    for (const row of tokens) {
      if (row.state === 'ERASED') {
        expect(row.nik_token).toMatch(/^x1\./);
      } else {
        expect(row.nik_token).toMatch(/^t2\./);
        if (row.id === minimized.subjectId) expect([row.phone_token, row.email_token]).toEqual([null, null]);
        else expect([row.phone_token, row.email_token]).toEqual([expect.stringMatching(/^t2\./), expect.stringMatching(/^t2\./)]);
      }
    }

    // A restarted server (reading the new keys file) opens every other subject and still matches NIKs.
    restarted = await createSamaranServer(t.config, { logger: pino({ level: 'silent' }) });
    const url = await restarted.listen(0, '127.0.0.1');
    const ask = async <T>(query: string, variables: Record<string, unknown>, token: string): Promise<GraphQLResponse<T>> => {
      const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
      const text = await response.text();
      return { status: response.status, body: JSON.parse(text), text };
    };
    for (const person of people.filter((p) => p !== shredded && p !== minimized)) {
      const revealed = await ask<{ reveal: Record<string, string> }>(REVEAL, { subjectId: person.subjectId, fields: ['NIK', 'FULL_NAME', 'BIRTH_DATE', 'EMAIL', 'PHONE', 'ADDRESS_LINE'], purpose: PURPOSE }, officerA);
      expect(revealed.body.errors).toBeUndefined();
      const { nik, fullName, birthDate, email, phone, addressLine } = person.input;
      // Phones are kept in their canonical form (62…).
      expect(revealed.body.data!.reveal).toEqual({ subjectId: person.subjectId, nik, fullName, birthDate, email, phone: phone.replace(/^0/, '62'), addressLine });
    }
    expect(errorCodes(await ask(REVEAL, { subjectId: shredded.subjectId, fields: ['NIK'], purpose: PURPOSE }, officerA))).toEqual(['SUBJECT_ERASED']);
    const found = await ask<{ findSubjectByNik: { id: string } }>(FIND_BY_NIK, { nik: people[0]!.input.nik, purpose: PURPOSE }, officerA);
    expect(found.body.data!.findSubjectByNik.id).toBe(people[0]!.subjectId);
    expect(await exactCountSnapshot({ ...t, graphql: ask } as TestServer, auditor)).toEqual(before);
    expect(await reconcile(t)).toEqual([]);
    const again = await ask<{ register: { subjectId: string } }>(REGISTER_MUTATION, { input: { ...people[1]!.input, wave: 2 } }, operator);
    expect(again.body.data!.register.subjectId).toBe(people[1]!.subjectId);

    // Key operations are in the access log as the operating-system user who ran them.
    const log = await ask<{ accessLog: { edges: Array<{ node: { actor: string; action: string; reference: string } }> } }>(ACCESS_LOG, { first: 200 }, auditor);
    const keyEvents = log.body.data!.accessLog.edges.map((e) => e.node).filter((e) => e.action.startsWith('KEY_')).reverse();
    expect(keyEvents.map((e) => `${e.actor} ${e.action}`)).toEqual([
      `cli:${os.userInfo().username} KEY_ROTATION`,
      ...Array(3).fill(`cli:${os.userInfo().username} KEY_REWRAP`),
      ...Array(4).fill(`cli:${os.userInfo().username} KEY_RETOKENIZATION`),
    ]);
    expect(keyEvents[1]!.reference).toBe('kek k1 -> k2: 10 data keys');
    const verified = await ask<{ verifyAccessLog: { ok: boolean } }>(`{ verifyAccessLog { ok } }`, {}, auditor);
    expect(verified.body.data!.verifyAccessLog.ok).toBe(true);
  });

  it('after a shred, no key old or new and no remaining data key opens anything of the subject', async () => {
    const keyring = Keyring.fromFile(t.config.keysFile);
    expect(keyring.kekIds()).toEqual(['k1', 'k2']);
    const candidates: Uint8Array[] = [...keyring.kekIds().map((id) => keyring.kek(id)), ...keyring.tokenKeyIds().map((id) => keyring.tokenKey(id))];
    for (const row of await t.sql('select kek_id, wrapped_key from data_key')) {
      candidates.push(unwrapDataKey(keyring, { kekId: row.kek_id as string, wrappedKey: row.wrapped_key as string }));
    }
    expect(candidates.length).toBe(4 + 24);
    const jwes = Object.values(shreddedVault).filter((value): value is string => typeof value === 'string');
    expect(jwes).toHaveLength(6);
    for (const jwe of jwes) for (const key of candidates) await expect(compactDecrypt(jwe, key)).rejects.toThrow();
    const bytes = await t.databaseBytes();
    expect(findNeedles(bytes, [people[0]!.subjectId])).toHaveLength(1);
    expect(findNeedles(bytes, [...personalValueNeedles([shredded.input]), shreddedToken, ...jwes])).toEqual([]);
  });

  it('a key command without a readable keys file fails loudly, naming the problem, and touches nothing', async () => {
    const failure = await run(process.execPath, [CLI, 'keys', 'rewrap'], { env: { ...process.env, SAMARAN_DATA_DIR: t.config.dataDir, SAMARAN_KEYS_FILE: path.join(t.config.dataDir, 'missing.json'), ...(t.config.databaseUrl ? { DATABASE_URL: t.config.databaseUrl } : {}) } }).catch((error: { code: number; stderr: string }) => error);
    expect((failure as { code: number }).code).toBe(1);
    expect((failure as { stderr: string }).stderr).toContain('keys file not found');
    expect(await kekCounts()).toEqual({ k2: 24 });
  });
});
