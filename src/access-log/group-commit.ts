import type { Database } from '../database/orm';
import { inDriverTransaction, type SqlSession } from '../database/sql-session';
import { SamaranError } from '../errors';
import type { AccessLogService, AccessRecord } from './access-log.service';

/** One audited read: reads what it needs on the shared session and says what to record. */
export type AuditedRead<T> = (session: SqlSession) => Promise<{ record: AccessRecord; value: T }>;

interface Unit {
  read: AuditedRead<unknown>;
  refusal: (error: SamaranError) => AccessRecord;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Most units in one transaction; more wait for the next. */
const MAX_BATCH = 64;

/**
 * Group commit for audited reads. Reads that arrive while a transaction is committing wait and
 * then share the next one: each runs its read in that transaction, all their events are appended
 * to the chain with one lock of the head row, and the transaction commits once — one lock, one
 * WAL flush, for many reads. Nothing is returned before the commit, so every value that leaves
 * still left with its event written in the same transaction (fail-closed); when the transaction
 * fails, every unit in it fails and no value leaves.
 *
 * Runs on a driver connection past the ORM: a caller must not hold an ORM transaction on SQLite
 * (there is one connection) while it waits here.
 */
export class AccessLogGroupCommit {
  private readonly queue: Unit[] = [];
  private draining = false;

  constructor(
    private readonly database: Database,
    private readonly accessLog: AccessLogService,
  ) {}

  /**
   * Runs `read` in the next shared transaction and resolves with its value once that commits with
   * its event. A SamaranError thrown by `read` (a refusal: not found, erased, …) is recorded as
   * `refusal(error)` in the same transaction and rethrown; any other error fails the unit without
   * an event.
   */
  run<T>(read: AuditedRead<T>, refusal: (error: SamaranError) => AccessRecord): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ read, refusal, resolve: resolve as (value: unknown) => void, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) await this.commit(this.queue.splice(0, MAX_BATCH));
    } finally {
      this.draining = false;
    }
  }

  private async commit(batch: Unit[]): Promise<void> {
    const settled: Array<{ value: unknown } | { error: unknown }> = [];
    try {
      await inDriverTransaction(this.database, async (session) => {
        const records: AccessRecord[] = [];
        for (const unit of batch) {
          try {
            const { record, value } = await unit.read(session);
            records.push(record);
            settled.push({ value });
          } catch (error) {
            if (error instanceof SamaranError) records.push(unit.refusal(error));
            settled.push({ error });
          }
        }
        await this.accessLog.appendAll(session, records);
      });
    } catch (error) {
      for (const unit of batch) unit.reject(error);
      return;
    }
    batch.forEach((unit, i) => {
      const outcome = settled[i]!;
      if ('error' in outcome) unit.reject(outcome.error);
      else unit.resolve(outcome.value);
    });
  }
}
