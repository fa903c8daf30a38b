import type { EntityManager } from '@mikro-orm/knex';
import type { Principal } from '../auth/principal';
import { InputError, SamaranError } from '../errors';
import { isUuid } from '../registration/registration.service';
import type { Database } from '../database/orm';
import { entityManagerSession, inReadSnapshot, type SqlSession } from '../database/sql-session';
import { CANONICAL_TAG, canonicalHash, ChainVerifier, eventHash, storedRowHash, GENESIS_HASH, type AccessEventContent, type AccessOutcome, type ChainedAccessEvent, type ChainVerdict } from './chain';

/** What can be recorded. Names are stable: auditors filter on them. */
export enum AccessAction {
  REVEAL = 'REVEAL',
  FIND_BY_NIK = 'FIND_BY_NIK',
  READ_SUBJECTS = 'READ_SUBJECTS',
  READ_SUBJECT = 'READ_SUBJECT',
  EXACT_COUNTS = 'EXACT_COUNTS',
  READ_ACCESS_LOG = 'READ_ACCESS_LOG',
  VERIFY_ACCESS_LOG = 'VERIFY_ACCESS_LOG',
  /** An officer filed an erasure request (reference `erasure-request:<id>`). */
  ERASURE_REQUEST = 'ERASURE_REQUEST',
  /** The policy or a second officer decided one (reference `erasure-request:<id> <STATUS>`). */
  ERASURE_DECISION = 'ERASURE_DECISION',
  /** Listing erasure requests (officers also read the sealed evidence notes). */
  READ_ERASURE_REQUESTS = 'READ_ERASURE_REQUESTS',
  /** A subject became RESTRICTED: counted only. */
  RESTRICT = 'RESTRICT',
  /** Email, phone, address line and their tokens destroyed (fields = what was destroyed). */
  MINIMIZE = 'MINIMIZE',
  /** Crypto-shred: data key, vault entry and NIK token destroyed. */
  SHRED = 'SHRED',
  LEGAL_HOLD_REQUEST = 'LEGAL_HOLD_REQUEST',
  LEGAL_HOLD_APPROVAL = 'LEGAL_HOLD_APPROVAL',
  /** `samaran keys rotate` (actor `cli:<os user>`). */
  KEY_ROTATION = 'KEY_ROTATION',
  /** One batch of `samaran keys rewrap`. */
  KEY_REWRAP = 'KEY_REWRAP',
  /** One batch of `samaran keys retokenize` (vault NIK, phone and email opened to recompute tokens). */
  KEY_RETOKENIZATION = 'KEY_RETOKENIZATION',
  /** A screening-list begin, chunk, commit or whole submission; `reference` is the agreement id. */
  SCREENING_LIST_SUBMITTED = 'SCREENING_LIST_SUBMITTED',
  /** A screening run over one wave; one event per agreement consulted, `reference` its id. */
  SCREENING_RUN = 'SCREENING_RUN',
}

export interface AccessRecord {
  principal: Principal | null;
  action: AccessAction | string;
  subjectIds?: readonly string[];
  fieldsRequested?: readonly string[];
  fieldsReturned?: readonly string[];
  purpose?: string | null;
  outcome: AccessOutcome;
  reason?: string | null;
  requestId?: string | null;
  reference?: string | null;
}

export interface AccessLogFilter {
  actor?: string | null;
  subjectId?: string | null;
  action?: string | null;
  /** Inclusive, ISO-8601. */
  from?: Date | null;
  /** Exclusive, ISO-8601. */
  to?: Date | null;
}

export interface AccessLogPage {
  events: ChainedAccessEvent[];
  hasNextPage: boolean;
}

const VERIFY_BATCH = 10_000;

export const MAX_ACCESS_LOG_PAGE = 500;

interface EventRow {
  seq: number | string;
  at: string;
  actor: string;
  roles: string;
  action: string;
  subject_ids: string;
  fields_requested: string;
  fields_returned: string;
  purpose: string | null;
  outcome: string;
  reason: string | null;
  request_id: string | null;
  reference: string | null;
  prev_hash: string;
  hash: string;
}

const EVENT_COLUMNS = 'seq, at, actor, roles, action, subject_ids, fields_requested, fields_returned, purpose, outcome, reason, request_id, reference, prev_hash, hash';
/**
 * On SQLite, verification lets the database serialize each row's canonical content
 * (`canonicalContent`'s JSON array: the tag, then every column but the hash) into one string, so
 * the verifier receives four values a row instead of fifteen; it still computes every SHA-256
 * itself, and recomputes from the columns whenever the two serializations could differ (the hash
 * does not match).
 */
const CANONICAL_SQLITE = `json_array('${CANONICAL_TAG}', ${EVENT_COLUMNS.replace(/, hash$/, '')})`;
const EVENT_PLACEHOLDERS = `(${EVENT_COLUMNS.split(', ').map(() => '?').join(', ')})`;
/** Rows per multi-row insert: 15 parameters each, far below either database's limit. */
const INSERT_EVENTS = 100;
const INSERT_SUBJECT_ROWS = 400;

/** An event's content as stored: lists as JSON-array text. */
function eventContent(record: AccessRecord, subjectIds: readonly string[], seq: number, at: string): AccessEventContent {
  return {
    seq,
    at,
    actor: record.principal?.sub ?? 'anonymous',
    roles: JSON.stringify(record.principal?.roles ?? []),
    action: record.action,
    subjectIds: JSON.stringify(subjectIds),
    fieldsRequested: JSON.stringify(record.fieldsRequested ?? []),
    fieldsReturned: JSON.stringify(record.fieldsReturned ?? []),
    purpose: record.purpose ?? null,
    outcome: record.outcome,
    reason: record.reason ?? null,
    requestId: record.requestId ?? null,
    reference: record.reference ?? null,
  };
}

function fromRow(row: EventRow): ChainedAccessEvent {
  return {
    seq: Number(row.seq),
    at: row.at,
    actor: row.actor,
    roles: row.roles,
    action: row.action,
    subjectIds: row.subject_ids,
    fieldsRequested: row.fields_requested,
    fieldsReturned: row.fields_returned,
    purpose: row.purpose,
    outcome: row.outcome as AccessOutcome,
    reason: row.reason,
    requestId: row.request_id,
    reference: row.reference,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * The tamper-evident access log. Appends are raw SQL inside the caller's transaction: the event
 * commits with the read it records, or neither does (fail-closed).
 */
export class AccessLogService {
  constructor(
    private readonly now: () => Date,
    private readonly observeAppend: (seconds: number) => void = () => undefined,
  ) {}

  /**
   * Appends one event to the chain. Must be called inside a transaction (`em.transactional`):
   * it locks the head row first (an UPDATE, so concurrent appends in any process serialize),
   * then writes the event, its subject index rows and the new head. Call it as the last step
   * before commit to keep the lock short. Throws whatever the database throws; callers let it
   * abort the transaction so no data leaves without its event.
   */
  async append(em: EntityManager, record: AccessRecord): Promise<ChainedAccessEvent> {
    const [event] = await this.appendAll(entityManagerSession(em), [record]);
    return event!;
  }

  /**
   * Appends `records` in order as one stretch of the chain, in the session's transaction: one
   * head update takes the lock and reserves their sequence numbers, multi-row inserts write the
   * events and their subject index rows, and the head moves to the last hash.
   */
  async appendAll(session: SqlSession, records: readonly AccessRecord[]): Promise<ChainedAccessEvent[]> {
    if (records.length === 0) return [];
    const started = process.hrtime.bigint();
    const [head] = await session.all<{ seq: number | string; hash: string }>('update access_log_head set seq = seq + ? where id = 1 returning seq, hash', [records.length]);
    if (!head) throw new Error('access_log_head is missing; run the migrations');
    let seq = Number(head.seq) - records.length;
    let prevHash = head.hash;
    const at = this.now().toISOString();
    const subjectIds = records.map((record) => [...new Set(record.subjectIds ?? [])]);
    const events = records.map((record, i) => {
      const content = eventContent(record, subjectIds[i]!, (seq += 1), at);
      const event: ChainedAccessEvent = { ...content, prevHash, hash: eventHash(content, prevHash) };
      prevHash = event.hash;
      return event;
    });
    const subjectRows = subjectIds.flatMap((ids, i) => ids.map((id) => [id, events[i]!.seq] as const));
    const insertEvents = (chunk: readonly ChainedAccessEvent[]) => ({
      sql: `insert into access_log (${EVENT_COLUMNS}) values ${chunk.map(() => EVENT_PLACEHOLDERS).join(', ')}`,
      params: chunk.flatMap((e) => [e.seq, e.at, e.actor, e.roles, e.action, e.subjectIds, e.fieldsRequested, e.fieldsReturned, e.purpose, e.outcome, e.reason, e.requestId, e.reference, e.prevHash, e.hash]),
    });
    const insertSubjects = (chunk: ReadonlyArray<readonly [string, number]>) => ({
      sql: `insert into access_log_subject (subject_id, seq) values ${chunk.map(() => '(?, ?)').join(', ')}`,
      params: chunk.flat(),
    });
    if (session.dialect === 'postgresql' && events.length <= INSERT_EVENTS && subjectRows.length <= INSERT_SUBJECT_ROWS) {
      // One round trip for the usual stretch (a group commit's batch): the inserts as
      // data-modifying CTEs of the head update, all in the one statement.
      const parts = [insertEvents(events), ...(subjectRows.length > 0 ? [insertSubjects(subjectRows)] : [])];
      await session.run(`with ${parts.map((part, i) => `w${i} as (${part.sql})`).join(', ')} update access_log_head set hash = ? where id = 1`, [...parts.flatMap((part) => part.params), prevHash]);
    } else {
      for (let offset = 0; offset < events.length; offset += INSERT_EVENTS) {
        const { sql, params } = insertEvents(events.slice(offset, offset + INSERT_EVENTS));
        await session.run(sql, params);
      }
      for (let offset = 0; offset < subjectRows.length; offset += INSERT_SUBJECT_ROWS) {
        const { sql, params } = insertSubjects(subjectRows.slice(offset, offset + INSERT_SUBJECT_ROWS));
        await session.run(sql, params);
      }
      await session.run('update access_log_head set hash = ? where id = 1', [prevHash]);
    }
    this.observeAppend(Number(process.hrtime.bigint() - started) / 1e9);
    return events;
  }

  /**
   * Runs `work`; when it refuses deliberately (a SamaranError), records the attempt as a DENIED
   * event in a transaction of its own — reason the error code — and rethrows. A purpose that was
   * itself refused is never stored: it may be exactly the personal data it was refused for.
   */
  async auditRefusals<T>(em: EntityManager, attempt: Omit<AccessRecord, 'outcome' | 'reason'>, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof SamaranError) {
        const purpose = error.extensions.field === 'purpose' ? null : attempt.purpose;
        await this.appendAlone(em, { ...attempt, purpose, outcome: 'DENIED', reason: error.code });
      }
      throw error;
    }
  }

  /** Appends in a transaction of its own: for refusals, which have no read to share one with. */
  async appendAlone(em: EntityManager, record: AccessRecord): Promise<ChainedAccessEvent> {
    return em.fork().transactional((tx) => this.append(tx, record));
  }

  /**
   * Events newest first, filtered; Relay-style `after` is the last seen seq as an opaque cursor.
   * Reads only. Raises BAD_USER_INPUT for `first` outside 1…500, a foreign cursor or a malformed subject id.
   */
  async page(em: EntityManager, filter: AccessLogFilter, first: number, after: string | null | undefined): Promise<AccessLogPage> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_ACCESS_LOG_PAGE) {
      throw InputError.invalid('first', `must be from 1 to ${MAX_ACCESS_LOG_PAGE}`);
    }
    const where: string[] = [];
    const params: unknown[] = [];
    if (after != null) {
      where.push('l.seq < ?');
      params.push(decodeSeqCursor(after));
    }
    if (filter.actor) {
      where.push('l.actor = ?');
      params.push(filter.actor);
    }
    if (filter.action) {
      where.push('l.action = ?');
      params.push(filter.action);
    }
    if (filter.from) {
      where.push('l.at >= ?');
      params.push(filter.from.toISOString());
    }
    if (filter.to) {
      where.push('l.at < ?');
      params.push(filter.to.toISOString());
    }
    if (filter.subjectId) {
      // PostgreSQL's uuid column would fail on anything else: refuse it as input instead.
      if (!isUuid(filter.subjectId)) throw InputError.invalid('subjectId', 'is not a subject id');
      where.push('l.seq in (select s.seq from access_log_subject s where s.subject_id = ?)');
      params.push(filter.subjectId);
    }
    const sql = `select ${EVENT_COLUMNS.split(', ').map((c) => `l.${c}`).join(', ')} from access_log l${where.length ? ` where ${where.join(' and ')}` : ''} order by l.seq desc limit ${first + 1}`;
    const rows = (await em.execute(sql, params, 'all')) as EventRow[];
    return { events: rows.slice(0, first).map(fromRow), hasNextPage: rows.length > first };
  }

  /**
   * Verifies the whole chain by streaming it in batches (constant memory): sequence numbers
   * contiguous from 1, each prevHash equal to the previous hash, each hash recomputed, and the
   * end equal to the head row. Reads only, on one snapshot, so appends made meanwhile are
   * neither half-seen nor taken for tampering. The next batch is fetched while the current one
   * is hashed.
   */
  async verify(database: Database): Promise<ChainVerdict> {
    return inReadSnapshot(database, (session) => this.verifySnapshot(session));
  }

  private async verifySnapshot(session: SqlSession): Promise<ChainVerdict> {
    const [head] = await session.all<{ seq: number | string; hash: string }>('select seq, hash from access_log_head where id = 1');
    const verifier = new ChainVerifier();
    let seen = 0;
    let intact = true;
    if (session.copyRows) {
      // PostgreSQL: one COPY of the whole table, each row hashed from its columns here.
      for await (const rows of session.copyRows(`select ${EVENT_COLUMNS} from access_log order by seq`)) {
        if (!intact) continue; // drain the rest of the COPY
        for (const row of rows) {
          if (!verifier.link(Number(row[0]), row[13]!, storedRowHash(row), row[14]!)) {
            intact = false;
            break;
          }
        }
        seen += rows.length;
      }
    } else {
      const batch = (after: number) => session.arrays(`select seq, ${CANONICAL_SQLITE}, prev_hash, hash from access_log where seq > ? order by seq limit ${VERIFY_BATCH}`, [after]);
      let pending = batch(0);
      for (;;) {
        const rows = await pending;
        if (rows.length === 0) break;
        if (rows.length === VERIFY_BATCH) pending = batch(Number(rows[rows.length - 1]![0]));
        for (const [seq, text, prevHash, storedHash] of rows as Array<[number, string, string, string]>) {
          let recomputed = canonicalHash(text);
          if (recomputed !== storedHash) {
            // SQLite serializes like JSON.stringify except, perhaps, for rare characters (control
            // characters, say): recompute from the columns before calling the event broken.
            const [row] = await session.arrays(`select ${EVENT_COLUMNS} from access_log where seq = ?`, [seq]);
            recomputed = row ? storedRowHash(row) : recomputed;
          }
          if (!verifier.link(seq, prevHash, recomputed, storedHash)) {
            intact = false;
            break;
          }
        }
        seen += rows.length;
        if (!intact || rows.length < VERIFY_BATCH) break;
      }
      await pending.catch(() => undefined);
    }
    if (!intact) {
      const [{ n }] = await session.all<{ n: number | string }>('select count(*) as n from access_log');
      seen = Number(n);
    }
    return verifier.finish(head ? { seq: Number(head.seq), hash: head.hash } : { seq: 0, hash: GENESIS_HASH }, seen);
  }
}

export function encodeSeqCursor(seq: number): string {
  return Buffer.from(`event:${seq}`, 'utf8').toString('base64url');
}

function decodeSeqCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^event:(\d{1,15})$/.exec(text);
  if (!match) throw InputError.invalid('after', 'is not a cursor this API issued');
  return Number(match[1]);
}

/** Parses a stored JSON-array column for display. */
export function listColumn(text: string): string[] {
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) ? value.map(String) : [];
}
