import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/knex';
import { AccessAction, type AccessLogService } from '../access-log/access-log.service';
import { AuthError, StateError } from '../errors';
import { isUuid } from '../registration/registration.service';
import type { AccessContext } from '../reveal/reveal.service';
import { assertValidPurpose } from '../reveal/purpose';
import { Subject } from '../subjects/subject.entity';
import { SubjectState } from '../subjects/subject.enums';
import { LegalHoldStatus } from './erasure.enums';
import { LegalHold } from './legal-hold.entity';

const DAY = 24 * 3600 * 1000;

/** The approved, unexpired legal hold on a subject that lasts longest, or null. Reads only. */
export async function findActiveLegalHold(em: EntityManager, subjectId: string, at: Date): Promise<LegalHold | null> {
  const [hold] = await em.find(
    LegalHold,
    { subjectId, status: LegalHoldStatus.APPROVED, expiresAt: { $gt: at } },
    { orderBy: { expiresAt: 'desc' }, limit: 1 },
  );
  return hold ?? null;
}

/**
 * Legal holds: the only way past a subject's restriction. One officer requests a hold with a
 * purpose; a different officer approves it; it then lets officers `reveal` (and find by NIK) the
 * restricted subject until it expires. Every step, refusals included, is in the access log.
 */
export class LegalHoldService {
  constructor(
    private readonly accessLog: AccessLogService,
    private readonly holdDays: number,
    private readonly now: () => Date,
  ) {}

  /**
   * Files a PENDING hold on a RESTRICTED subject. Writes the hold and one LEGAL_HOLD_REQUEST event
   * in one transaction. Raises BAD_USER_INPUT (purpose), NOT_FOUND, SUBJECT_ERASED, and CONFLICT
   * for a subject that is not restricted (an ACTIVE one needs no hold).
   */
  async request(em: EntityManager, access: AccessContext, input: { subjectId: string; purpose: string }): Promise<LegalHold> {
    return this.audited(em, access, AccessAction.LEGAL_HOLD_REQUEST, input.subjectId, null, async () => {
      const purpose = assertValidPurpose(input.purpose);
      if (!isUuid(input.subjectId)) throw StateError.notFound('Subject');
      return em.transactional(async (tx) => {
        const subject = await tx.findOne(Subject, { id: input.subjectId });
        if (!subject) throw StateError.notFound('Subject');
        if (subject.state === SubjectState.ERASED) throw StateError.subjectErased();
        if (subject.state !== SubjectState.RESTRICTED) throw StateError.conflict('only a restricted subject needs a legal hold');
        const hold = tx.create(LegalHold, {
          id: randomUUID(),
          subjectId: subject.id,
          purpose,
          status: LegalHoldStatus.PENDING,
          requestedBy: access.principal.sub,
          requestedAt: this.now(),
        });
        await tx.flush();
        await this.accessLog.append(tx, {
          principal: access.principal,
          requestId: access.requestId,
          action: AccessAction.LEGAL_HOLD_REQUEST,
          subjectIds: [subject.id],
          purpose,
          outcome: 'ALLOWED',
          reference: `legal-hold:${hold.id}`,
        });
        return hold;
      });
    });
  }

  /**
   * Approves a PENDING hold; it expires after the configured days. Writes the hold and one
   * LEGAL_HOLD_APPROVAL event in one transaction. Raises NOT_FOUND, FORBIDDEN (the requesting
   * officer), CONFLICT (already approved) and SUBJECT_ERASED.
   */
  async approve(em: EntityManager, access: AccessContext, legalHoldId: string): Promise<LegalHold> {
    return this.audited(em, access, AccessAction.LEGAL_HOLD_APPROVAL, null, legalHoldId, async () => {
      if (!isUuid(legalHoldId)) throw StateError.notFound('Legal hold');
      return em.transactional(async (tx) => {
        const hold = await tx.findOne(LegalHold, { id: legalHoldId });
        if (!hold) throw StateError.notFound('Legal hold');
        if (hold.requestedBy === access.principal.sub) throw AuthError.secondOfficerRequired('a legal hold');
        if (hold.status !== LegalHoldStatus.PENDING) throw StateError.conflict('this legal hold is already approved');
        const subject = await tx.findOne(Subject, { id: hold.subjectId });
        if (!subject || subject.state === SubjectState.ERASED) throw StateError.subjectErased();
        const at = this.now();
        hold.status = LegalHoldStatus.APPROVED;
        hold.approvedBy = access.principal.sub;
        hold.approvedAt = at;
        hold.expiresAt = new Date(at.getTime() + this.holdDays * DAY);
        await tx.flush();
        await this.accessLog.append(tx, {
          principal: access.principal,
          requestId: access.requestId,
          action: AccessAction.LEGAL_HOLD_APPROVAL,
          subjectIds: [hold.subjectId],
          purpose: hold.purpose,
          outcome: 'ALLOWED',
          reference: `legal-hold:${hold.id}`,
        });
        return hold;
      });
    });
  }

  /** Runs `work`; a deliberate refusal is recorded as a DENIED event (own transaction) and rethrown. */
  private audited<T>(em: EntityManager, access: AccessContext, action: AccessAction, subjectId: string | null, holdId: string | null, work: () => Promise<T>): Promise<T> {
    return this.accessLog.auditRefusals(
      em,
      {
        principal: access.principal,
        requestId: access.requestId,
        action,
        subjectIds: subjectId && isUuid(subjectId) ? [subjectId] : [],
        reference: holdId && isUuid(holdId) ? `legal-hold:${holdId}` : null,
      },
      work,
    );
  }

}
