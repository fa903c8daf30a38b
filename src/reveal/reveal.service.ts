import type { EntityManager } from '@mikro-orm/knex';
import { AccessAction, type AccessLogService, type AccessRecord } from '../access-log/access-log.service';
import type { AccessLogGroupCommit } from '../access-log/group-commit';
import type { SqlSession } from '../database/sql-session';
import type { Principal } from '../auth/principal';
import { InputError, StateError } from '../errors';
import { DataKey } from '../pseudonymization/data-key.entity';
import type { PersonalDataSealer } from '../pseudonymization/personal-data-sealer';
import type { PersonalFieldName } from '../pseudonymization/sealed-field';
import type { Tokenizer } from '../pseudonymization/tokenizer';
import { VaultEntry } from '../pseudonymization/vault-entry.entity';
import { parseNik } from '../registration/nik';
import { isUuid } from '../registration/registration.service';
import { Subject } from '../subjects/subject.entity';
import { SubjectState } from '../subjects/subject.enums';
import { findActiveLegalHold } from '../erasure/legal-hold.service';
import { VAULT_FIELD, type PersonalField } from './personal-field';
import { assertValidPurpose } from './purpose';

/** A subject with its sealed fields and wrapped data key, in one read (nulls once erased). */
const SEALED_SUBJECT =
  'select s.state, v.nik, v.full_name, v.birth_date, v.email, v.phone, v.address_line, k.kek_id, k.wrapped_key ' +
  'from subject s left join vault_entry v on v.subject_id = s.id left join data_key k on k.subject_id = s.id where s.id = ?';

interface SealedSubjectRow {
  state: SubjectState;
  nik: string | null;
  full_name: string | null;
  birth_date: string | null;
  email: string | null;
  phone: string | null;
  address_line: string | null;
  kek_id: string | null;
  wrapped_key: string | null;
}

/** The subject is RESTRICTED: `reveal` needs the legal-hold path, which the group commit does not take. */
class NeedsLegalHold extends Error {}

export interface AccessContext {
  principal: Principal;
  requestId: string;
}

export type RevealedFields = Partial<Record<PersonalFieldName, string | null>>;

/**
 * Audited access to personal data: NIK lookup and field reveal for officers. Every attempt,
 * allowed or refused, is one access-log event; an allowed one commits in the same transaction as
 * the read, before anything is returned.
 */
export class RevealService {
  constructor(
    private readonly tokenizer: Tokenizer,
    private readonly sealer: PersonalDataSealer,
    private readonly accessLog: AccessLogService,
    private readonly groupCommit: AccessLogGroupCommit,
    private readonly now: () => Date,
  ) {}

  /**
   * Decrypts only the requested fields of one subject. A RESTRICTED subject only under an approved,
   * unexpired legal hold (the event's reference names it). Writes one REVEAL event (ALLOWED with the
   * fields returned, or DENIED with the error code). Raises BAD_USER_INPUT (purpose, fields),
   * NOT_FOUND, SUBJECT_ERASED, SUBJECT_RESTRICTED; if the event cannot be written the caller gets
   * an error and no data.
   *
   * The common case — an active subject — is group-committed: its read, its decryption and its
   * event share one transaction with other reveals arriving meanwhile (see AccessLogGroupCommit).
   */
  async reveal(em: EntityManager, access: AccessContext, subjectId: string, fields: readonly PersonalField[], purpose: string): Promise<RevealedFields> {
    const requested = [...new Set(fields)];
    const attempt = { principal: access.principal, requestId: access.requestId, action: AccessAction.REVEAL, subjectIds: isUuid(subjectId) ? [subjectId] : [], fieldsRequested: requested, purpose };
    const statedPurpose = await this.accessLog.auditRefusals(em, attempt, async () => {
      const stated = assertValidPurpose(purpose);
      if (requested.length === 0) throw InputError.invalid('fields', 'name at least one personal field');
      if (!isUuid(subjectId)) throw StateError.notFound('Subject');
      return stated;
    });
    try {
      return await this.groupCommit.run(
        (session) => this.readActiveSubject(session, access, subjectId, requested, statedPurpose),
        (error) => ({ ...attempt, purpose: statedPurpose, outcome: 'DENIED', reason: error.code }),
      );
    } catch (error) {
      if (error instanceof NeedsLegalHold) return this.revealRestricted(em, access, subjectId, requested, statedPurpose);
      throw error;
    }
  }

  /** The group-committed part of `reveal`: one read, the requested fields opened, the event to record. */
  private async readActiveSubject(session: SqlSession, access: AccessContext, subjectId: string, requested: PersonalField[], purpose: string) {
    const [row] = await session.all<SealedSubjectRow>(SEALED_SUBJECT, [subjectId]);
    if (!row) throw StateError.notFound('Subject');
    if (row.state === SubjectState.ERASED) throw StateError.subjectErased();
    if (row.state === SubjectState.RESTRICTED) throw new NeedsLegalHold();
    if (row.nik === null || row.kek_id === null || row.wrapped_key === null) throw StateError.subjectErased();
    const values = this.sealer.open(
      subjectId,
      {
        dataKey: { kekId: row.kek_id, wrappedKey: row.wrapped_key },
        fields: { nik: row.nik, fullName: row.full_name!, birthDate: row.birth_date!, email: row.email, phone: row.phone, addressLine: row.address_line },
      },
      requested.map((field) => VAULT_FIELD[field]),
    );
    const record: AccessRecord = {
      principal: access.principal,
      requestId: access.requestId,
      action: AccessAction.REVEAL,
      subjectIds: [subjectId],
      fieldsRequested: requested,
      fieldsReturned: requested.filter((field) => values[VAULT_FIELD[field]] != null),
      purpose,
      outcome: 'ALLOWED',
    };
    return { record, value: values };
  }

  /** `reveal` of a subject found RESTRICTED: only under an active legal hold, in a transaction of its own. */
  private async revealRestricted(em: EntityManager, access: AccessContext, subjectId: string, requested: PersonalField[], purpose: string): Promise<RevealedFields> {
    const attempt = { principal: access.principal, requestId: access.requestId, action: AccessAction.REVEAL, subjectIds: [subjectId], fieldsRequested: requested, purpose };
    return this.accessLog.auditRefusals(em, attempt, () =>
      em.transactional(async (tx) => {
        const subject = await tx.findOne(Subject, { id: subjectId });
        if (!subject) throw StateError.notFound('Subject');
        if (subject.state === SubjectState.ERASED) throw StateError.subjectErased();
        const hold = subject.state === SubjectState.RESTRICTED ? await findActiveLegalHold(tx, subjectId, this.now()) : null;
        if (subject.state === SubjectState.RESTRICTED && !hold) throw StateError.subjectRestricted();
        const [vault, dataKey] = await Promise.all([tx.findOne(VaultEntry, { subjectId }), tx.findOne(DataKey, { subjectId })]);
        if (!vault || !dataKey) throw StateError.subjectErased();
        const values = this.sealer.open(
          subjectId,
          {
            dataKey: { kekId: dataKey.kekId, wrappedKey: dataKey.wrappedKey },
            fields: { nik: vault.nik, fullName: vault.fullName, birthDate: vault.birthDate, email: vault.email, phone: vault.phone, addressLine: vault.addressLine },
          },
          requested.map((field) => VAULT_FIELD[field]),
        );
        await this.accessLog.append(tx, {
          ...attempt,
          fieldsReturned: requested.filter((field) => values[VAULT_FIELD[field]] != null),
          outcome: 'ALLOWED',
          reference: hold ? `legal-hold:${hold.id}` : null,
        });
        return values;
      }),
    );
  }

  /**
   * Finds the subject registered with a NIK (under any token key). Erased subjects are never
   * found (their token is a tombstone), so the answer never confirms a person once existed; a
   * RESTRICTED subject is found only under an approved legal hold (otherwise null, and the event is
   * DENIED with reason SUBJECT_RESTRICTED so auditors see who looked for a restricted person).
   * Writes one FIND_BY_NIK event, never containing the NIK or its token. Raises BAD_USER_INPUT
   * (nik, purpose).
   */
  async findByNik(em: EntityManager, access: AccessContext, nik: string, purpose: string): Promise<Subject | null> {
    const attempt = { principal: access.principal, requestId: access.requestId, action: AccessAction.FIND_BY_NIK, subjectIds: [], fieldsRequested: [], purpose };
    return this.accessLog.auditRefusals(em, attempt, async () => {
      const statedPurpose = assertValidPurpose(purpose);
      const parsed = parseNik(nik);
      if (!parsed.ok) throw InputError.invalid('nik', parsed.violation.problem);
      return em.transactional(async (tx) => {
        const subject = await tx.findOne(Subject, { nikToken: { $in: this.tokenizer.tokensUnderAllKeys('nik', nik) } }, { populate: ['applications'] });
        const visible = subject && subject.state !== SubjectState.ERASED ? subject : null;
        const hold = visible?.state === SubjectState.RESTRICTED ? await findActiveLegalHold(tx, visible.id, this.now()) : null;
        const restricted = visible?.state === SubjectState.RESTRICTED && !hold;
        await this.accessLog.append(tx, {
          principal: access.principal,
          requestId: access.requestId,
          action: AccessAction.FIND_BY_NIK,
          subjectIds: visible ? [visible.id] : [],
          purpose: statedPurpose,
          outcome: restricted ? 'DENIED' : 'ALLOWED',
          reason: restricted ? 'SUBJECT_RESTRICTED' : null,
          reference: hold ? `legal-hold:${hold.id}` : null,
        });
        return restricted ? null : visible;
      });
    });
  }

}
