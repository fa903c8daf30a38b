import { hash } from 'node:crypto';

/**
 * The hash chain of the access log, as pure functions so the server, `samaran access-log verify`
 * and the tests compute it identically. Each event's hash is SHA-256 over a canonical JSON array
 * of its content and the previous event's hash; the first event chains to GENESIS_HASH.
 */

export const GENESIS_HASH = '0'.repeat(64);

export type AccessOutcome = 'ALLOWED' | 'DENIED';

/**
 * Everything an event records, in its stored form: list fields are JSON-array text exactly as
 * written to the row, so verification hashes what is stored without re-encoding it.
 */
export interface AccessEventContent {
  seq: number;
  /** ISO-8601 UTC with milliseconds. */
  at: string;
  actor: string;
  /** JSON array text, e.g. `["OFFICER"]`. */
  roles: string;
  action: string;
  /** JSON array text of subject ids touched. */
  subjectIds: string;
  /** JSON array text of personal fields requested. */
  fieldsRequested: string;
  /** JSON array text of personal fields actually returned. */
  fieldsReturned: string;
  purpose: string | null;
  outcome: AccessOutcome;
  /** Why a denied attempt was denied: an error code. Null when allowed. */
  reason: string | null;
  requestId: string | null;
  /** What the action concerned besides subjects (an agreement id, an erasure request id). */
  reference: string | null;
}

export interface ChainedAccessEvent extends AccessEventContent {
  prevHash: string;
  hash: string;
}

/** The first element of every canonical array: names the encoding version. */
export const CANONICAL_TAG = 'samaran-access-event-v1';

/** Canonical bytes: a JSON array in fixed order, so no key order or whitespace can change a hash. */
export function canonicalContent(event: AccessEventContent, prevHash: string): string {
  return JSON.stringify([
    CANONICAL_TAG,
    event.seq,
    event.at,
    event.actor,
    event.roles,
    event.action,
    event.subjectIds,
    event.fieldsRequested,
    event.fieldsReturned,
    event.purpose,
    event.outcome,
    event.reason,
    event.requestId,
    event.reference,
    prevHash,
  ]);
}

export function eventHash(event: AccessEventContent, prevHash: string): string {
  return canonicalHash(canonicalContent(event, prevHash));
}

/**
 * The hash of a stored row given as an array in column order — seq, at, actor, roles, action,
 * subject_ids, fields_requested, fields_returned, purpose, outcome, reason, request_id,
 * reference, prev_hash — the same bytes as `eventHash`, without building an event object.
 */
export function storedRowHash(row: readonly unknown[]): string {
  return canonicalHash(JSON.stringify([CANONICAL_TAG, Number(row[0]), row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], row[9], row[10], row[11], row[12], row[13]]));
}

/** SHA-256 (hex) of canonical content text, e.g. as the database serialized it for verification. */
export function canonicalHash(canonical: string): string {
  return hash('sha256', canonical, 'hex');
}

export interface ChainVerdict {
  ok: boolean;
  length: number;
  headHash: string;
  /** The first sequence number whose event is missing, altered, inserted or out of order. */
  firstBrokenSeq: number | null;
}

/**
 * Incremental verifier: feed events in ascending `seq` order (as stored), then `finish`.
 * Holds only the running head, so a log of any length verifies in constant memory.
 */
export class ChainVerifier {
  private expectedSeq = 1;
  private prevHash = GENESIS_HASH;
  private brokenAt: number | null = null;

  /** Returns false once the chain is known to be broken (callers may stop reading). */
  push(event: ChainedAccessEvent): boolean {
    return this.link(event.seq, event.prevHash, eventHash(event, event.prevHash), event.hash);
  }

  /**
   * One stored event, given its sequence number, stored prevHash, the hash recomputed over its
   * content and its stored hash. Returns false once the chain is known to be broken.
   */
  link(seq: number, prevHash: string, recomputedHash: string, storedHash: string): boolean {
    if (this.brokenAt !== null) return false;
    if (seq !== this.expectedSeq || prevHash !== this.prevHash || recomputedHash !== storedHash) {
      this.brokenAt = Math.min(seq, this.expectedSeq);
      return false;
    }
    this.prevHash = storedHash;
    this.expectedSeq += 1;
    return true;
  }

  /**
   * Compares the end of the chain with the head record (seq and hash of the last append), which
   * reveals events deleted or appended at the end without going through the service.
   */
  finish(head: { seq: number; hash: string } | null, length: number): ChainVerdict {
    const lastSeq = this.expectedSeq - 1;
    if (this.brokenAt === null && head) {
      if (head.seq > lastSeq) this.brokenAt = lastSeq + 1; // events removed from the end
      else if (head.seq < lastSeq) this.brokenAt = head.seq + 1; // events appended behind the service's back
      else if (head.hash !== this.prevHash) this.brokenAt = lastSeq; // the last event rewritten and rehashed
    } else if (this.brokenAt === null && !head && lastSeq > 0) {
      this.brokenAt = 1; // events without any append through the service
    }
    return {
      ok: this.brokenAt === null,
      length,
      headHash: this.prevHash,
      firstBrokenSeq: this.brokenAt,
    };
  }
}
