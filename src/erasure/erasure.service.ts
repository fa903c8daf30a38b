import { randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/knex';
import { AccessAction, type AccessLogService, type AccessRecord } from '../access-log/access-log.service';
import type { Config } from '../config';
import { AuthError, InputError, StateError } from '../errors';
import { DataKey } from '../pseudonymization/data-key.entity';
import type { PersonalDataSealer } from '../pseudonymization/personal-data-sealer';
import { VaultEntry } from '../pseudonymization/vault-entry.entity';
import { isUuid } from '../registration/registration.service';
import type { AccessContext } from '../reveal/reveal.service';
import { Application } from '../subjects/application.entity';
import { Subject } from '../subjects/subject.entity';
import { SubjectState } from '../subjects/subject.enums';
import { ErasureRequest } from './erasure-request.entity';
import { decisionNote, dueDate, evidenceNote, obligationsOpenUntil, policyVerdict } from './erasure-policy';
import { ErasureDecision, ErasureReason, ErasureStatus, OPEN_ERASURE_STATUSES } from './erasure.enums';

export interface RequestErasureInput {
  subjectId: string;
  reason: ErasureReason;
  note?: string | null;
}

export interface DecideErasureInput {
  requestId: string;
  decision: ErasureDecision;
  note: string;
}

/** A request as the API shows it: the evidence note opened (or null), never the sealed JWE. */
export interface ErasureRequestView {
  request: ErasureRequest;
  note: string | null;
  overdue: boolean;
}

export interface ErasureRequestPage {
  items: Array<ErasureRequestView & { cursor: string }>;
  hasNextPage: boolean;
}

/** The fields minimization destroys, in the access log's PersonalField names. */
const MINIMIZED_FIELDS = ['EMAIL', 'PHONE', 'ADDRESS_LINE'] as const;
const ALL_FIELDS = ['NIK', 'FULL_NAME', 'BIRTH_DATE', 'EMAIL', 'PHONE', 'ADDRESS_LINE'] as const;
export const MAX_ERASURE_PAGE = 500;
const POLICY_ACTOR = 'policy';

/**
 * A random stand-in for an erased subject's NIK token: the same shape as a token (`<id>.<43
 * base64url characters>`) so the column keeps its format, but 256 random bits, so it matches no
 * NIK under any key and cannot be recomputed. `x1` is not a token key id Samaran generates.
 */
export function nikTombstone(): string {
  return `x1.${randomBytes(32).toString('base64url')}`;
}

/** Overdue: still needs an officer and past its due date. */
export function isOverdue(request: Pick<ErasureRequest, 'status' | 'dueAt'>, at: Date): boolean {
  return OPEN_ERASURE_STATUSES.includes(request.status) && request.dueAt.getTime() < at.getTime();
}

function encodeCursor(segment: 0 | 1, request: ErasureRequest): string {
  return Buffer.from(`erasure:${segment}:${request.dueAt.getTime()}:${request.id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { segment: 0 | 1; dueAt: Date; id: string } {
  const match = /^erasure:([01]):(\d{1,15}):([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match || !isUuid(match[3]!)) throw InputError.invalid('after', 'is not a cursor this API issued');
  return { segment: Number(match[1]) as 0 | 1, dueAt: new Date(Number(match[2])), id: match[3]! };
}

/**
 * Erasure requests and the policy that decides them (design §5). No decision ever changes a
 * count: subjects keep their coarse attributes and applications; only personal data, tokens and
 * keys are destroyed, so no count cell is written here.
 */
export class ErasureService {
  constructor(
    private readonly sealer: PersonalDataSealer,
    private readonly accessLog: AccessLogService,
    private readonly config: Pick<Config, 'erasureDueHours' | 'erasureLegalBasis'>,
    private readonly now: () => Date,
    /** Called after a transaction that destroyed data has committed (SQLite WAL truncation). */
    private readonly afterDestruction: () => Promise<void>,
  ) {}

  /**
   * Files a request for a subject and applies the policy at once. The subject becomes RESTRICTED
   * in the same transaction whatever the outcome (restriction within 3×24 hours, UU PDP Art. 41).
   * - open obligations (an ACCEPTED application to a wave not yet closed) → RESTRICTED, decided
   *   by the policy, re-decided by a second officer once they close;
   * - NOT_SELECTED → DENIED by the policy: minimized and restricted;
   * - any other reason → PENDING until a second officer decides.
   * Writes the request (evidence note sealed under the subject's data key), the subject, the vault
   * entry (minimization) and the access events ERASURE_REQUEST, RESTRICT, ERASURE_DECISION and
   * MINIMIZE as they apply, in one transaction. Never logs the note. Raises BAD_USER_INPUT (note),
   * NOT_FOUND, SUBJECT_ERASED, and CONFLICT when the subject already has an open request.
   */
  async request(em: EntityManager, access: AccessContext, input: RequestErasureInput): Promise<ErasureRequestView> {
    let destroyed = false;
    const view = await this.audited(em, access, AccessAction.ERASURE_REQUEST, input.subjectId, null, async () => {
      const note = evidenceNote(input.note);
      if (!Object.values(ErasureReason).includes(input.reason)) throw InputError.invalid('reason', 'is not an erasure reason');
      if (!isUuid(input.subjectId)) throw StateError.notFound('Subject');
      return em.transactional(async (tx) => {
        const at = this.now();
        const subject = await tx.findOne(Subject, { id: input.subjectId });
        if (!subject) throw StateError.notFound('Subject');
        if (subject.state === SubjectState.ERASED) throw StateError.subjectErased();
        if ((await tx.count(ErasureRequest, { subjectId: subject.id, status: { $in: [...OPEN_ERASURE_STATUSES] } })) > 0) {
          throw StateError.conflict('this subject already has an open erasure request');
        }
        const dataKey = await tx.findOne(DataKey, { subjectId: subject.id });
        if (!dataKey) throw StateError.subjectErased();
        const id = randomUUID();
        const request = tx.create(ErasureRequest, {
          id,
          subjectId: subject.id,
          reason: input.reason,
          status: ErasureStatus.PENDING,
          sealedNote: note ? this.sealer.sealWithSubjectKey(subject.id, { kekId: dataKey.kekId, wrappedKey: dataKey.wrappedKey }, 'erasureNote', note) : null,
          filedBy: access.principal.sub,
          filedAt: at,
          dueAt: dueDate(at, this.config.erasureDueHours),
          decidedByPolicy: false,
        });
        const events: AccessRecord[] = [this.event(access, AccessAction.ERASURE_REQUEST, subject.id, `erasure-request:${id} ${input.reason}`)];
        const verdict = policyVerdict(input.reason, obligationsOpenUntil(await this.applicationFacts(tx, subject), at));
        const wasRestricted = subject.state === SubjectState.RESTRICTED;
        subject.state = SubjectState.RESTRICTED;
        if (verdict.status === ErasureStatus.PENDING) {
          if (!wasRestricted) events.push(this.event(access, AccessAction.RESTRICT, subject.id, `erasure-request:${id} pending decision`));
        } else {
          this.recordDecision(request, verdict.status, ErasureDecision.DENY, POLICY_ACTOR, at, null);
          request.decidedByPolicy = true;
          events.push({ ...this.event(access, AccessAction.ERASURE_DECISION, subject.id, `erasure-request:${id} ${verdict.status}`), purpose: 'erasure policy' });
          if (verdict.status === ErasureStatus.RESTRICTED) {
            request.obligationsOpenUntil = verdict.obligationsOpenUntil;
            // Due for re-evaluation once the obligations close.
            request.dueAt = dueDate(verdict.obligationsOpenUntil, this.config.erasureDueHours);
            if (!wasRestricted) events.push(this.event(access, AccessAction.RESTRICT, subject.id, `erasure-request:${id} obligations open`));
          } else {
            await this.minimize(tx, subject);
            destroyed = true;
            events.push({ ...this.event(access, AccessAction.MINIMIZE, subject.id, `erasure-request:${id}`), fieldsRequested: MINIMIZED_FIELDS });
          }
        }
        await tx.flush();
        for (const event of events) await this.accessLog.append(tx, event);
        return { request, note, overdue: false };
      });
    });
    if (destroyed) await this.afterDestruction();
    return view;
  }

  /**
   * A second officer decides a PENDING request, or re-decides a RESTRICTED one whose obligations
   * have closed. GRANT crypto-shreds the subject (data key and vault entry deleted, NIK token
   * replaced by a tombstone, phone/email tokens and every sealed note of the subject removed;
   * state ERASED). DENY minimizes it (email, phone, address line and their tokens destroyed;
   * state RESTRICTED). Writes the request, subject, vault and the events ERASURE_DECISION and
   * SHRED/MINIMIZE in one transaction; counts are untouched. Raises BAD_USER_INPUT (note),
   * NOT_FOUND, FORBIDDEN (the filing officer), CONFLICT (already decided, or obligations still open).
   */
  async decide(em: EntityManager, access: AccessContext, input: DecideErasureInput): Promise<ErasureRequestView> {
    let destroyed = false;
    const view = await this.audited(em, access, AccessAction.ERASURE_DECISION, null, input.requestId, async () => {
      const reasoning = decisionNote(input.note);
      if (input.decision !== ErasureDecision.GRANT && input.decision !== ErasureDecision.DENY) throw InputError.invalid('decision', 'must be GRANT or DENY');
      if (!isUuid(input.requestId)) throw StateError.notFound('Erasure request');
      return em.transactional(async (tx) => {
        const at = this.now();
        const request = await tx.findOne(ErasureRequest, { id: input.requestId });
        if (!request) throw StateError.notFound('Erasure request');
        if (!OPEN_ERASURE_STATUSES.includes(request.status)) throw StateError.conflict('this erasure request is already decided');
        if (request.filedBy === access.principal.sub) throw AuthError.secondOfficerRequired('an erasure request');
        const subject = await tx.findOneOrFail(Subject, { id: request.subjectId });
        if (request.status === ErasureStatus.RESTRICTED) {
          const openUntil = obligationsOpenUntil(await this.applicationFacts(tx, subject), at);
          if (openUntil) throw StateError.conflict(`the participant's obligations are open until ${openUntil.toISOString()}`);
        }
        let note: string | null = null;
        const events: AccessRecord[] = [];
        if (input.decision === ErasureDecision.GRANT) {
          this.recordDecision(request, ErasureStatus.GRANTED, ErasureDecision.GRANT, access.principal.sub, at, reasoning);
          await this.shred(tx, subject);
          events.push({ ...this.event(access, AccessAction.SHRED, subject.id, `erasure-request:${request.id}`), fieldsRequested: ALL_FIELDS });
        } else {
          this.recordDecision(request, ErasureStatus.DENIED, ErasureDecision.DENY, access.principal.sub, at, reasoning);
          await this.minimize(tx, subject);
          subject.state = SubjectState.RESTRICTED;
          events.push({ ...this.event(access, AccessAction.MINIMIZE, subject.id, `erasure-request:${request.id}`), fieldsRequested: MINIMIZED_FIELDS });
          note = await this.openNote(tx, request);
        }
        request.decidedByPolicy = false;
        request.obligationsOpenUntil = null;
        destroyed = true;
        await tx.flush();
        await this.accessLog.append(tx, this.event(access, AccessAction.ERASURE_DECISION, subject.id, `erasure-request:${request.id} ${request.status}`));
        for (const event of events) await this.accessLog.append(tx, event);
        return { request, note, overdue: false };
      });
    });
    if (destroyed) await this.afterDestruction();
    return view;
  }

  /**
   * Requests, optionally of one status: overdue ones first (open and past their due date, earliest
   * due first), then all others by due date; ties by id. `after` is an opaque cursor. Whether a
   * request is overdue is judged at query time, so a request may change segment between pages.
   * Evidence notes are opened only when `withNotes` (officers); the read is one
   * READ_ERASURE_REQUESTS event naming the subjects, committed with the read. Raises
   * BAD_USER_INPUT (first, after).
   */
  async page(em: EntityManager, access: AccessContext, query: { status?: ErasureStatus | null; first: number; after?: string | null; withNotes: boolean }): Promise<ErasureRequestPage> {
    if (!Number.isInteger(query.first) || query.first < 1 || query.first > MAX_ERASURE_PAGE) {
      throw InputError.invalid('first', `must be from 1 to ${MAX_ERASURE_PAGE}`);
    }
    const cursor = query.after ? decodeCursor(query.after) : null;
    return em.transactional(async (tx) => {
      const at = this.now();
      const statusFilter = query.status ? { status: query.status } : {};
      const overdue = { status: { $in: [...OPEN_ERASURE_STATUSES] }, dueAt: { $lt: at } };
      const notOverdue = { $or: [{ status: { $nin: [...OPEN_ERASURE_STATUSES] } }, { dueAt: { $gte: at } }] };
      const found: Array<{ request: ErasureRequest; segment: 0 | 1 }> = [];
      for (const segment of [0, 1] as const) {
        if (cursor && segment < cursor.segment) continue;
        const remaining = query.first + 1 - found.length;
        if (remaining <= 0) break;
        const afterCursor = cursor && cursor.segment === segment ? { $or: [{ dueAt: { $gt: cursor.dueAt } }, { dueAt: cursor.dueAt, id: { $gt: cursor.id } }] } : {};
        const rows = await tx.find(
          ErasureRequest,
          { $and: [statusFilter, segment === 0 ? overdue : notOverdue, afterCursor] },
          { orderBy: [{ dueAt: 'asc' }, { id: 'asc' }], limit: remaining },
        );
        found.push(...rows.map((request) => ({ request, segment })));
      }
      const pageRows = found.slice(0, query.first);
      const items: Array<ErasureRequestView & { cursor: string }> = [];
      const notesRead = new Set<string>();
      for (const { request, segment } of pageRows) {
        const note = query.withNotes ? await this.openNote(tx, request) : null;
        if (note !== null) notesRead.add(request.subjectId);
        items.push({ request, note, overdue: isOverdue(request, at), cursor: encodeCursor(segment, request) });
      }
      await this.accessLog.append(tx, {
        principal: access.principal,
        requestId: access.requestId,
        action: AccessAction.READ_ERASURE_REQUESTS,
        subjectIds: pageRows.map(({ request }) => request.subjectId),
        fieldsReturned: notesRead.size > 0 ? ['ERASURE_NOTE'] : [],
        outcome: 'ALLOWED',
      });
      return {
        items,
        hasNextPage: found.length > query.first,
      };
    });
  }

  private async applicationFacts(em: EntityManager, subject: Subject) {
    const applications = await em.find(Application, { subject }, { populate: ['wave'] });
    return applications.map((application) => ({ outcome: application.outcome, waveClosesAt: application.wave.closesAt }));
  }

  private recordDecision(request: ErasureRequest, status: ErasureStatus, decision: ErasureDecision, by: string, at: Date, note: string | null): void {
    request.status = status;
    request.decision = decision;
    request.decidedBy = by;
    request.decidedAt = at;
    request.decisionNote = note;
    request.legalBasis =
      status === ErasureStatus.GRANTED
        ? this.config.erasureLegalBasis.grant
        : status === ErasureStatus.RESTRICTED
          ? this.config.erasureLegalBasis.restrict
          : this.config.erasureLegalBasis.deny;
  }

  /** Destroys what the counts and audits do not need: email, phone, address line and their tokens. */
  private async minimize(em: EntityManager, subject: Subject): Promise<void> {
    const vault = await em.findOne(VaultEntry, { subjectId: subject.id });
    if (vault) {
      vault.email = null;
      vault.phone = null;
      vault.addressLine = null;
    }
    subject.phoneToken = null;
    subject.emailToken = null;
    subject.state = SubjectState.RESTRICTED;
  }

  /**
   * Crypto-shred: the data key and vault entry are deleted, the NIK token becomes a tombstone, the
   * phone/email tokens and every evidence note of the subject (sealed under the destroyed key) go.
   * The subject row keeps its coarse attributes and applications, so every count stays.
   */
  private async shred(em: EntityManager, subject: Subject): Promise<void> {
    await em.nativeDelete(DataKey, { subjectId: subject.id });
    await em.nativeDelete(VaultEntry, { subjectId: subject.id });
    const requests = await em.find(ErasureRequest, { subjectId: subject.id });
    for (const request of requests) request.sealedNote = null;
    subject.nikToken = nikTombstone();
    subject.phoneToken = null;
    subject.emailToken = null;
    subject.state = SubjectState.ERASED;
  }

  private async openNote(em: EntityManager, request: ErasureRequest): Promise<string | null> {
    if (!request.sealedNote) return null;
    const dataKey = await em.findOne(DataKey, { subjectId: request.subjectId });
    if (!dataKey) return null;
    return this.sealer.openWithSubjectKey(request.subjectId, { kekId: dataKey.kekId, wrappedKey: dataKey.wrappedKey }, 'erasureNote', request.sealedNote);
  }

  private event(access: AccessContext, action: AccessAction, subjectId: string, reference: string): AccessRecord {
    return { principal: access.principal, requestId: access.requestId, action, subjectIds: [subjectId], outcome: 'ALLOWED', reference };
  }

  /** Runs `work`; a deliberate refusal is recorded as a DENIED event (own transaction) and rethrown. */
  private audited<T>(em: EntityManager, access: AccessContext, action: AccessAction, subjectId: string | null, requestId: string | null, work: () => Promise<T>): Promise<T> {
    return this.accessLog.auditRefusals(
      em,
      {
        principal: access.principal,
        requestId: access.requestId,
        action,
        subjectIds: subjectId && isUuid(subjectId) ? [subjectId] : [],
        reference: requestId && isUuid(requestId) ? `erasure-request:${requestId}` : null,
      },
      work,
    );
  }

}
