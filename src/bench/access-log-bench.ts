import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { AccessLogService } from '../access-log/access-log.service';
import { openDatabase } from '../database/orm';
import { freshDatabase, median, report, round, startChild, throughput, token } from './bench-kit';

const run = promisify(execFile);
const REVEAL = /* GraphQL */ `mutation Reveal($id: ID!) { reveal(subjectId: $id, fields: [FULL_NAME, PHONE], purpose: "Benchmark review") { subjectId fullName phone } }`;

/**
 * Audited reveals per second with 20 connections (each one decrypts two sealed fields and appends
 * a chained access-log event in the same transaction), then offline chain verification speed.
 */
export async function benchAccessLog(options: { seconds: number }): Promise<void> {
  for (const dialect of ['sqlite', 'postgresql'] as const) {
    // Reveal limits exist to stop one principal from bulk reveals; the bench measures capacity.
    const db = await freshDatabase(dialect, { SAMARAN_REVEAL_RATE: '100000000/1s' });
    try {
      await run(process.execPath, [path.join(__dirname, '../../bin/samaran.js'), 'demo', '--registrants', '2000'], { env: { ...process.env, ...db.env } });
      const database = await openDatabase(db.config, { migrate: false });
      const ids = ((await database.fork().execute('select id from subject', [], 'all')) as Array<{ id: string }>).map((row) => row.id);
      await database.close();
      const server = await startChild(db.env);
      let reveals;
      try {
        const auth = { authorization: `Bearer ${await token(db.config, ['OFFICER'], 'bench-officer')}` };
        let next = 0;
        const body = () => JSON.stringify({ query: REVEAL, variables: { id: ids[next++ % ids.length] } });
        reveals = await throughput(`${server.url}/graphql`, body(), auth, 20, options.seconds, [{ method: 'POST', setupRequest: (request) => ({ ...request, body: body() }) }]);
      } finally {
        await server.stop();
      }
      const verifier = await openDatabase(db.config, { migrate: false });
      const times: number[] = [];
      let length = 0;
      for (let i = 0; i < 3; i++) {
        const started = process.hrtime.bigint();
        const verdict = await new AccessLogService(() => new Date()).verify(verifier.fork());
        times.push(Number(process.hrtime.bigint() - started) / 1e9);
        if (!verdict.ok) throw new Error('the access log does not verify after the bench');
        length = verdict.length;
      }
      await verifier.close();
      report(`access-log[${dialect}]`, {
        revealsPerSecond: reveals.rps,
        revealP99Ms: reveals.p99,
        errors: reveals.errors,
        events: length,
        verifyEventsPerSecond: Math.round(length / median(times)),
        verifySeconds: round(median(times), 3),
      });
    } finally {
      await db.drop();
    }
  }
}
