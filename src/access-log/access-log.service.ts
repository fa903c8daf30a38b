import type { EntityManager } from '@mikro-orm/knex';
import type { Principal } from '../auth/principal';
import { InputError, SamaranError } from '../errors';
import { isUuid } from '../registration/registration.service';
import { ChainVerifier, eventHash, GENESIS_HASH, type AccessEventContent, type AccessOutcome, type ChainedAccessEvent, type ChainVerdict } from './chain';

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
    const started = process.hrtime.bigint();
    const subjectIds = [...new Set(record.subjectIds ?? [])];
    await em.execute('update access_log_head set seq = seq + 1 where id = 1', [], 'run');
    const [head] = (await em.execute('select seq, hash from access_log_head where id = 1', [], 'all')) as Array<{ seq: number | string; hash: string }>;
    if (!head) throw new Error('access_log_head is missing; run the migrations');
    const content: AccessEventContent = {
      seq: Number(head.seq),
      at: this.now().toISOString(),
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
    const prevHash = head.hash;
    const hash = eventHash(content, prevHash);
    await em.execute(
      `insert into access_log (${EVENT_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [content.seq, content.at, content.actor, content.roles, content.action, content.subjectIds, content.fieldsRequested, content.fieldsReturned, content.purpose, content.outcome, content.reason, content.requestId, content.reference, prevHash, hash],
      'run',
    );
    for (let offset = 0; offset < subjectIds.length; offset += 400) {
      const chunk = subjectIds.slice(offset, offset + 400);
      await em.execute(
        `insert into access_log_subject (subject_id, seq) values ${chunk.map(() => '(?, ?)').join(', ')}`,
        chunk.flatMap((id) => [id, content.seq]),
        'run',
      );
    }
    await em.execute('update access_log_head set hash = ? where id = 1', [hash], 'run');
    this.observeAppend(Number(process.hrtime.bigint() - started) / 1e9);
    return { ...content, prevHash, hash };
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
   * end equal to the head row. Reads only.
   */
  async verify(em: EntityManager): Promise<ChainVerdict> {
    const [{ n }] = (await em.execute('select count(*) as n from access_log', [], 'all')) as Array<{ n: number | string }>;
    const [head] = (await em.execute('select seq, hash from access_log_head where id = 1', [], 'all')) as Array<{ seq: number | string; hash: string }>;
    const verifier = new ChainVerifier();
    let lastSeq = 0;
    for (;;) {
      const rows = (await em.execute(`select ${EVENT_COLUMNS} from access_log where seq > ? order by seq limit ${VERIFY_BATCH}`, [lastSeq], 'all')) as EventRow[];
      if (rows.length === 0) break;
      let intact = true;
      for (const row of rows) {
        if (!verifier.push(fromRow(row))) {
          intact = false;
          break;
        }
      }
      if (!intact) break;
      lastSeq = Number(rows[rows.length - 1]!.seq);
    }
    return verifier.finish(head ? { seq: Number(head.seq), hash: head.hash } : { seq: 0, hash: GENESIS_HASH }, Number(n));
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
