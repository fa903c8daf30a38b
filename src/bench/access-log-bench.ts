import { execFile } from 'node:child_process';
import type autocannon from 'autocannon';
import path from 'node:path';
import { promisify } from 'node:util';
import { AccessLogService } from '../access-log/access-log.service';
import { eventHash, type AccessEventContent } from '../access-log/chain';
import type { Database } from '../database/orm';
import { openDatabase } from '../database/orm';
import { freshDatabase, median, report, round, startChild, throughput, token } from './bench-kit';

const run = promisify(execFile);
const REVEAL = /* GraphQL */ `mutation Reveal($id: ID!) { reveal(subjectId: $id, fields: [FULL_NAME, PHONE], purpose: "Benchmark review") { subjectId fullName phone } }`;

/**
 * Audited reveals per second with 20 connections (each one decrypts two sealed fields and appends
 * a chained access-log event in the same transaction), then offline chain verification speed.
 */
export async function benchAccessLog(options: { seconds: number; chainEvents?: number }): Promise<void> {
  for (const dialect of ['sqlite', 'postgresql'] as const) {
    // Reveal limits exist to stop one principal from bulk reveals; the bench measures capacity.
    const db = await freshDatabase(dialect, { SAMARAN_REVEAL_RATE: '100000000/1s' });
    try {
      await run(process.execPath, [path.join(__dirname, '../../bin/samaran.js'), 'demo', '--registrants', '2000'], { env: { ...process.env, ...db.env } });
      const database = await openDatabase(db.config, { migrate: false });
      const ids = ((await database.fork().execute('select id from subject', [], 'all')) as Array<{ id: string }>).map((row) => row.id);
      await database.close();
      // One server process, then SAMARAN_WORKERS=2 (one per core) on the same database.
      const reveals: Record<string, { rps: number; p99: number; errors: number }> = {};
      for (const workers of [1, 2]) {
        const server = await startChild({ ...db.env, SAMARAN_WORKERS: String(workers) });
        try {
          const auth = { authorization: `Bearer ${await token(db.config, ['OFFICER'], 'bench-officer')}` };
          let next = 0;
          const body = () => JSON.stringify({ query: REVEAL, variables: { id: ids[next++ % ids.length] } });
          // Steady state: the first seconds of a fresh process compile the hot paths (V8, and the
          // reveal operation itself after its second sighting); they are run and not counted.
          const requests: autocannon.Request[] = [{ method: 'POST', setupRequest: (request) => ({ ...request, body: body() }) }];
          await throughput(`${server.url}/graphql`, body(), auth, 20, 2, requests);
          reveals[workers] = await throughput(`${server.url}/graphql`, body(), auth, 20, options.seconds, requests);
        } finally {
          await server.stop();
        }
      }
      const verifier = await openDatabase(db.config, { migrate: false });
      // Verification speed needs a long chain: extend it with synthetic, correctly chained events.
      const extended = await extendChain(verifier, options.chainEvents);
      const times: number[] = [];
      let length = 0;
      for (let i = 0; i < 3; i++) {
        const started = process.hrtime.bigint();
        const verdict = await new AccessLogService(() => new Date()).verify(verifier);
        times.push(Number(process.hrtime.bigint() - started) / 1e9);
        if (!verdict.ok) throw new Error('the access log does not verify after the bench');
        length = verdict.length;
      }
      await verifier.close();
      report(`access-log[${dialect}]`, {
        revealsPerSecond: reveals[1]!.rps,
        revealP99Ms: reveals[1]!.p99,
        revealsPerSecondTwoWorkers: reveals[2]!.rps,
        revealP99MsTwoWorkers: reveals[2]!.p99,
        errors: reveals[1]!.errors + reveals[2]!.errors,
        events: length,
        syntheticEventsAdded: extended,
        verifyEventsPerSecond: Math.round(length / median(times)),
        verifySeconds: round(median(times), 3),
      });
    } finally {
      await db.drop();
    }
  }
}

/**
 * Appends `count` synthetic events after the current head, hashed exactly as the service chains
 * them, in multi-row inserts (the service's one-at-a-time append would take as long as the reveals).
 */
async function extendChain(database: Database, count = 1_000_000): Promise<number> {
  const em = database.fork();
  const [head] = (await em.execute('select seq, hash from access_log_head where id = 1', [], 'all')) as Array<{ seq: number | string; hash: string }>;
  let seq = Number(head!.seq);
  let prevHash = head!.hash;
  const columns = 'seq, at, actor, roles, action, subject_ids, fields_requested, fields_returned, purpose, outcome, reason, request_id, reference, prev_hash, hash';
  const chunk = 1_000;
  for (let done = 0; done < count; done += chunk) {
    const rows: unknown[] = [];
    const n = Math.min(chunk, count - done);
    for (let i = 0; i < n; i++) {
      seq += 1;
      const content: AccessEventContent = {
        seq,
        at: new Date(1_800_000_000_000 + seq).toISOString(),
        actor: `bench-${seq % 50}`,
        roles: '["OFFICER"]',
        action: 'REVEAL',
        subjectIds: '[]',
        fieldsRequested: '["FULL_NAME"]',
        fieldsReturned: '["FULL_NAME"]',
        purpose: 'Benchmark chain',
        outcome: 'ALLOWED',
        reason: null,
        requestId: null,
        reference: null,
      };
      const hash = eventHash(content, prevHash);
      rows.push(content.seq, content.at, content.actor, content.roles, content.action, content.subjectIds, content.fieldsRequested, content.fieldsReturned, content.purpose, content.outcome, content.reason, content.requestId, content.reference, prevHash, hash);
      prevHash = hash;
    }
    await em.transactional(async (tx) => {
      await tx.execute(`insert into access_log (${columns}) values ${Array.from({ length: n }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`, rows, 'run');
      await tx.execute('update access_log_head set seq = ?, hash = ? where id = 1', [seq, prevHash], 'run');
    });
  }
  return count;
}
