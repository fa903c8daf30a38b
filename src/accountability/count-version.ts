import { performance } from 'node:perf_hooks';
import BetterSqlite3, { type Database as SqliteDatabase, type Statement } from 'better-sqlite3';
import { Client } from 'pg';

/**
 * How a process learns the counts' current version before answering a count query, without the
 * ORM: `current(writtenHere)` gives the version, or null when the caller must read the row itself.
 */
export interface CountVersionSource {
  current(writtenHere: number): number | null;
  /** A version the caller read from the row (so known committed). */
  observe(version: number): void;
  close(): Promise<void>;
}

/**
 * SQLite: the version row read on a read-only connection of its own with one prepared statement
 * — synchronous, a few microseconds, and exact (WAL: each read sees every committed write). The
 * ORM's path for the same read (query builder, pool, a statement prepared per call) was ~8 % of
 * a count query's CPU time.
 */
export class SqliteVersionRow implements CountVersionSource {
  private readonly db: SqliteDatabase;
  private readonly statement: Statement<[], { version: number | bigint }>;

  constructor(file: string) {
    this.db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    this.db.pragma('busy_timeout = 5000');
    this.statement = this.db.prepare('select version from count_version where id = 1');
  }

  current(): number {
    const row = this.statement.get();
    if (!row) throw new Error('count_version is missing; run the migrations');
    return Number(row.version);
  }

  observe(): void {}

  async close(): Promise<void> {
    this.db.close();
  }
}

/** The channel the count_version trigger announces each new version on (see its migration). */
export const COUNT_VERSION_CHANNEL = 'samaran_count_version';
/** How often the listening connection re-reads the version: proves it alive, and heals a lost notice. */
export const HEARTBEAT_MS = 1_000;
/** What was heard is trusted only while the connection answered a heartbeat this recently. */
export const TRUST_MS = 3_000;
const RECONNECT_MS = 1_000;
/** The watch's connection in pg_stat_activity. */
export const WATCH_APPLICATION_NAME = 'samaran-count-version-watch';

/** The database has no count_version_notify trigger (migrations not run): nothing would be heard. */
export class CountVersionTriggerMissing extends Error {
  override readonly name = 'CountVersionTriggerMissing';
  constructor() {
    super('the count_version_notify trigger is missing: run the migrations');
  }
}

/**
 * The counts' current version on PostgreSQL, heard instead of asked: one connection of its own
 * LISTENs to the count_version trigger's notices, so a count query needs no round trip to learn
 * whether its cube is current. PostgreSQL delivers a notice when the changing transaction
 * commits; every process hears every commit, its own included.
 *
 * `current(writtenHere)` answers only when the answer is as good as reading the version row:
 * the connection is listening and answered a heartbeat within TRUST_MS, and nothing this process
 * wrote is newer than what it heard (a local commit whose notice is still on the wire). Otherwise
 * it answers null and the caller reads the row, as on SQLite. A connection that fails (or finds
 * no trigger) is replaced after RECONNECT_MS; until then callers read the row. `onError` hears of
 * each new kind of failure, not of every retry failing alike.
 */
export class CountVersionWatch implements CountVersionSource {
  private client: Client | null = null;
  private heard = 0;
  private confirmedAt = -Infinity;
  private heartbeat: NodeJS.Timeout | null = null;
  private reconnect: NodeJS.Timeout | null = null;
  /** The kind of failure reported since the last good heartbeat: retries failing alike are not reported again. */
  private reported: string | null = null;

  constructor(
    private readonly connectionString: string,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** The current version if it can be trusted without asking the database; else null. */
  current(writtenHere: number): number | null {
    return this.listening && writtenHere <= this.heard ? this.heard : null;
  }

  /** A version known to be committed (read from the row by a caller): never go back below it. */
  observe(version: number): void {
    if (version > this.heard) this.heard = version;
  }

  /** True while notices are being heard and trusted (AccountabilityService.hearingVersions). */
  get listening(): boolean {
    return this.client !== null && performance.now() - this.confirmedAt <= TRUST_MS;
  }

  /** Connects and listens; resolves when the first version is heard, or the first attempt failed. */
  async start(): Promise<void> {
    await this.connect();
  }

  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.reconnect) clearTimeout(this.reconnect);
    this.heartbeat = this.reconnect = null;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.connectionString, keepAlive: true, application_name: WATCH_APPLICATION_NAME });
    // Current from the start (it is trusted only after a heartbeat answers): any failure of a
    // client that is no longer current is already handled.
    this.client = client;
    client.on('notification', (message) => {
      if (message.channel === COUNT_VERSION_CHANNEL && message.payload) this.observe(Number(message.payload));
    });
    client.on('error', (error) => this.fail(client, error));
    client.on('end', () => this.fail(client, new Error('count version connection ended')));
    try {
      await client.connect();
      // Listen first, then read: a commit between the two is heard, not lost.
      await client.query(`listen ${COUNT_VERSION_CHANNEL}`);
      // Without the trigger nothing is announced, and a heartbeat-old version would pass for current.
      const trigger = await client.query(`select 1 from pg_trigger where tgname = 'count_version_notify' and tgrelid = 'count_version'::regclass`);
      if (trigger.rowCount !== 1) throw new CountVersionTriggerMissing();
      await this.confirm(client);
      if (client === this.client) this.heartbeat = setInterval(() => void this.confirm(client), HEARTBEAT_MS).unref();
    } catch (error) {
      this.fail(client, error);
    }
  }

  private async confirm(client: Client): Promise<void> {
    try {
      const result = await client.query<{ version: string }>('select version from count_version where id = 1');
      if (client !== this.client) return;
      this.observe(Number(result.rows[0]?.version ?? 0));
      this.confirmedAt = performance.now();
      this.reported = null;
    } catch (error) {
      this.fail(client, error);
    }
  }

  private fail(client: Client, error: unknown): void {
    if (client !== this.client) return;
    this.client = null;
    this.confirmedAt = -Infinity;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    void client.end().catch(() => undefined);
    const kind = error instanceof Error ? error.name : typeof error;
    if (this.reported !== kind) {
      this.reported = kind;
      this.onError(error);
    }
    this.reconnect = setTimeout(() => {
      this.reconnect = null;
      void this.connect();
    }, RECONNECT_MS).unref();
  }
}
