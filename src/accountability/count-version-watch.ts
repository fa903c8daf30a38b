import { performance } from 'node:perf_hooks';
import { Client } from 'pg';

/** The channel the count_version trigger announces each new version on (see its migration). */
export const COUNT_VERSION_CHANNEL = 'samaran_count_version';
/** How often the listening connection re-reads the version: proves it alive, and heals a lost notice. */
export const HEARTBEAT_MS = 1_000;
/** What was heard is trusted only while the connection answered a heartbeat this recently. */
export const TRUST_MS = 3_000;
const RECONNECT_MS = 1_000;
/** The watch's connection in pg_stat_activity. */
export const WATCH_APPLICATION_NAME = 'samaran-count-version-watch';

/**
 * The counts' current version on PostgreSQL, heard instead of asked: one connection of its own
 * LISTENs to the count_version trigger's notices, so a count query needs no round trip to learn
 * whether its cube is current. PostgreSQL delivers a notice when the changing transaction
 * commits; every process hears every commit, its own included.
 *
 * `current(writtenHere)` answers only when the answer is as good as reading the version row:
 * the connection is listening and answered a heartbeat within TRUST_MS, and nothing this process
 * wrote is newer than what it heard (a local commit whose notice is still on the wire). Otherwise
 * it answers null and the caller reads the row, as on SQLite. A connection that fails is
 * replaced after RECONNECT_MS; until then callers read the row.
 */
export class CountVersionWatch {
  private client: Client | null = null;
  private heard = 0;
  private confirmedAt = -Infinity;
  private heartbeat: NodeJS.Timeout | null = null;
  private reconnect: NodeJS.Timeout | null = null;
  private stopped = false;

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

  /** True while notices are being heard and trusted (for tests and /metrics). */
  get listening(): boolean {
    return this.client !== null && performance.now() - this.confirmedAt <= TRUST_MS;
  }

  /** Connects and listens; resolves when the first version is heard, or the first attempt failed. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.reconnect) clearTimeout(this.reconnect);
    this.heartbeat = this.reconnect = null;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.connectionString, keepAlive: true, application_name: WATCH_APPLICATION_NAME });
    client.on('notification', (message) => {
      if (message.channel === COUNT_VERSION_CHANNEL && message.payload) this.observe(Number(message.payload));
    });
    client.on('error', (error) => this.fail(client, error));
    client.on('end', () => this.fail(client, new Error('count version connection ended')));
    try {
      await client.connect();
      // Listen first, then read: a commit between the two is heard, not lost.
      await client.query(`listen ${COUNT_VERSION_CHANNEL}`);
      if (this.stopped) return void (await client.end());
      this.client = client;
      await this.confirm(client);
      if (client !== this.client) return;
      this.heartbeat = setInterval(() => void this.confirm(client), HEARTBEAT_MS).unref();
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
    } catch (error) {
      this.fail(client, error);
    }
  }

  private fail(client: Client, error: unknown): void {
    if (client !== this.client && this.client !== null) return;
    const wasCurrent = client === this.client;
    this.client = null;
    this.confirmedAt = -Infinity;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    void client.end().catch(() => undefined);
    if (this.stopped) return;
    if (wasCurrent || this.reconnect === null) this.onError(error);
    if (this.reconnect === null) {
      this.reconnect = setTimeout(() => {
        this.reconnect = null;
        if (!this.stopped) void this.connect();
      }, RECONNECT_MS).unref();
    }
  }
}
