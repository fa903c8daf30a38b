import type { Database } from '../database/orm';
import { inDriverTransaction, type SqlSession } from '../database/sql-session';
import { SamaranError } from '../errors';
import type { AccessLogService, AccessRecord } from './access-log.service';

/**
 * Loads, in one statement on the shared transaction, what the reads of a batch need: one value
 * per key found (keys not found are simply absent from the map).
 */
export type BatchLoad<K, R> = (session: SqlSession, keys: readonly K[]) => Promise<Map<K, R>>;

/**
 * One audited read, given what the batch loaded for its key (undefined when nothing was found):
 * says what to record and what to return. Synchronous — everything slow happened in the load. A
 * SamaranError it throws is a refusal.
 */
export type AuditedRead<R, T> = (loaded: R | undefined) => { record: AccessRecord; value: T };

interface Unit<K, R> {
  key: K;
  read: AuditedRead<R, unknown>;
  refusal: (error: SamaranError) => AccessRecord;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Most units in one transaction; more wait for the next. */
const MAX_BATCH = 64;
/** Event-loop turns a batch waits at most for more units, while more keep coming. */
const GATHER_TURNS = 8;

/**
 * Group commit for audited reads of one kind. Reads that arrive while a transaction is committing
 * wait and then share the next one: their keys are loaded with one statement in that transaction,
 * each read is answered from what was loaded, all their events are appended to the chain with one
 * lock of the head row, and the transaction commits once — one load, one lock, one WAL flush, for
 * many reads. Nothing is returned before the commit, so every value that leaves still left with its
 * event written in the same transaction (fail-closed); when the transaction fails, every unit in it
 * fails and no value leaves.
 *
 * On PostgreSQL two batches may be in flight: the next one loads while the previous one holds the
 * head lock and commits; the head lock orders their appends. On SQLite (one connection) one at a
 * time. Runs on driver connections past the ORM: a caller must not hold an ORM transaction on
 * SQLite while it waits here.
 */
export class AccessLogGroupCommit<K, R> {
  private readonly queue: Array<Unit<K, R>> = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly maxInFlight: number;

  constructor(
    private readonly database: Database,
    private readonly accessLog: AccessLogService,
    private readonly load: BatchLoad<K, R>,
  ) {
    this.maxInFlight = database.dialect === 'postgresql' ? 2 : 1;
  }

  /**
   * Runs `read` for `key` in the next shared transaction and resolves with its value once that
   * commits with its event. A SamaranError thrown by `read` (a refusal: not found, erased, …) is
   * recorded as `refusal(error)` in the same transaction and rethrown; any other error fails the
   * unit without an event.
   */
  run<T>(key: K, read: AuditedRead<R, T>, refusal: (error: SamaranError) => AccessRecord): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ key, read, refusal, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  /**
   * Starts the next batch once the event loop has taken in the requests arriving meanwhile: after
   * a turn of I/O, and further turns (up to GATHER_TURNS) while the queue still grows. On SQLite a
   * transaction runs through without yielding, so without this every reveal is a batch of one;
   * with it, requests that arrive together commit together.
   */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    let turns = 0;
    let seen = this.queue.length;
    const gather = () => {
      if (this.queue.length > seen && ++turns < GATHER_TURNS) {
        seen = this.queue.length;
        setImmediate(gather);
        return;
      }
      this.scheduled = false;
      this.drain();
    };
    setImmediate(gather);
  }

  private drain(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      this.inFlight += 1;
      void this.commit(this.queue.splice(0, MAX_BATCH)).finally(() => {
        this.inFlight -= 1;
        this.drain();
      });
    }
  }

  private async commit(batch: Array<Unit<K, R>>): Promise<void> {
    const settled: Array<{ value: unknown } | { error: unknown }> = [];
    try {
      await inDriverTransaction(this.database, async (session) => {
        const loaded = await this.load(session, [...new Set(batch.map((unit) => unit.key))]);
        const records: AccessRecord[] = [];
        for (const unit of batch) {
          try {
            const { record, value } = unit.read(loaded.get(unit.key));
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
