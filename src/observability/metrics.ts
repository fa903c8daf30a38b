import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../database/orm';
import { ErrorCode } from '../errors';

/**
 * Prometheus metrics for one server process, in a registry of its own (tests run several servers
 * in one process). Every label value is drawn from a closed set — schema field names, HTTP status
 * codes, error codes from the catalogue — never from what a client sent, so no personal value and
 * no subject id can reach /metrics, and a client cannot blow up the series count.
 */

/** Codes GraphQL, Apollo and the HTTP layer answer with besides the catalogue's. */
const OTHER_KNOWN_CODES = [
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PAYLOAD_TOO_LARGE',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
];
const KNOWN_CODES = new Set<string>([...Object.values(ErrorCode), ...OTHER_KNOWN_CODES]);

/** Distinct `operation` label values kept before further ones are counted as `other`. */
const MAX_OPERATION_LABELS = 64;

export type PersonalDataOperation = 'reveal' | 'findSubjectByNik';

interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly operations = new Set<string>();
  private readonly requests: Counter<'operation' | 'status'>;
  private readonly requestSeconds: Histogram<'operation'>;
  private readonly personalData: Counter<'operation' | 'outcome'>;
  private readonly refusals: Counter<'code'>;
  private readonly suppressedCells: Counter;
  private readonly accessLogAppendSeconds: Histogram;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'samaran_graphql_requests_total',
      help: 'GraphQL requests by operation (the root fields asked for) and HTTP status.',
      labelNames: ['operation', 'status'],
      registers,
    });
    this.requestSeconds = new Histogram({
      name: 'samaran_graphql_request_duration_seconds',
      help: 'GraphQL request latency by operation (the root fields asked for), from the first byte read to the last byte written.',
      labelNames: ['operation'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.personalData = new Counter({
      name: 'samaran_personal_data_access_total',
      help: 'Audited personal-data operations (reveal, findSubjectByNik) by outcome: allowed, or refused for any reason.',
      labelNames: ['operation', 'outcome'],
      registers,
    });
    this.refusals = new Counter({
      name: 'samaran_refusals_total',
      help: 'Errors answered, by extensions.code (refusals, and masked INTERNAL_SERVER_ERROR failures).',
      labelNames: ['code'],
      registers,
    });
    this.suppressedCells = new Counter({
      name: 'samaran_suppressed_cells_total',
      help: 'Count cells suppressed by disclosure control in answers served.',
      registers,
    });
    this.accessLogAppendSeconds = new Histogram({
      name: 'samaran_access_log_append_duration_seconds',
      help: 'Time to append one stretch of events to the access-log hash chain (one event, or a group commit\'s batch), inside the caller transaction.',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
  }

  /** The `operation` label for a set of root field names: sorted, joined, capped in number. */
  operationLabel(rootFields: readonly string[] | undefined): string {
    if (!rootFields || rootFields.length === 0) return 'none';
    const label = [...new Set(rootFields)].sort().join(',');
    if (this.operations.has(label)) return label;
    if (this.operations.size >= MAX_OPERATION_LABELS) return 'other';
    this.operations.add(label);
    return label;
  }

  observeRequest(operation: string, status: number, seconds: number): void {
    this.requests.inc({ operation, status: String(status) });
    this.requestSeconds.observe({ operation }, seconds);
  }

  recordRefusal(code: string): void {
    this.refusals.inc({ code: KNOWN_CODES.has(code) ? code : 'OTHER' });
  }

  recordPersonalDataAccess(operation: PersonalDataOperation, outcome: 'allowed' | 'refused'): void {
    this.personalData.inc({ operation, outcome });
  }

  /** Called by disclosure control with how many cells an answer suppressed. */
  recordSuppressedCells(count: number): void {
    if (Number.isFinite(count) && count > 0) this.suppressedCells.inc(count);
  }

  /** The AccessLogService `observeAppend` callback. */
  readonly observeAccessLogAppend = (seconds: number): void => {
    this.accessLogAppendSeconds.observe(seconds);
  };

  /**
   * Reports the database connection pool (knex/tarn: PostgreSQL) at every scrape. SQLite has a
   * single in-process connection and no pool to report.
   */
  watchDatabasePool(database: Database): void {
    const pool = (): TarnPool | undefined => {
      try {
        const candidate = (database.orm.em.getConnection() as unknown as { getKnex(): { client?: { pool?: Partial<TarnPool> } } }).getKnex().client?.pool;
        return candidate && typeof candidate.numUsed === 'function' ? (candidate as TarnPool) : undefined;
      } catch {
        return undefined;
      }
    };
    new Gauge({
      name: 'samaran_db_pool_connections',
      help: 'Database pool connections by state: used, free, pending_acquires (requests waiting), pending_creates.',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const current = pool();
        if (!current) return;
        this.set({ state: 'used' }, current.numUsed());
        this.set({ state: 'free' }, current.numFree());
        this.set({ state: 'pending_acquires' }, current.numPendingAcquires());
        this.set({ state: 'pending_creates' }, current.numPendingCreates());
      },
    });
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
