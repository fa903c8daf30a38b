import type { EntityManager } from '@mikro-orm/knex';
import { AccessAction, type AccessLogService } from '../access-log/access-log.service';
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
    private readonly now: () => Date,
  ) {}

  /**
   * Decrypts only the requested fields of one subject. A RESTRICTED subject only under an approved,
   * unexpired legal hold (the event's reference names it). Writes one REVEAL event (ALLOWED with the
   * fields returned, or DENIED with the error code). Raises BAD_USER_INPUT (purpose, fields),
   * NOT_FOUND, SUBJECT_ERASED, SUBJECT_RESTRICTED; if the event cannot be written the caller gets
   * an error and no data.
   */
  async reveal(em: EntityManager, access: AccessContext, subjectId: string, fields: readonly PersonalField[], purpose: string): Promise<RevealedFields> {
    const requested = [...new Set(fields)];
    const vaultFields = requested.map((field) => VAULT_FIELD[field]);
    const attempt = { principal: access.principal, requestId: access.requestId, action: AccessAction.REVEAL, subjectIds: isUuid(subjectId) ? [subjectId] : [], fieldsRequested: requested, purpose };
    return this.accessLog.auditRefusals(em, attempt, async () => {
      const statedPurpose = assertValidPurpose(purpose);
      if (requested.length === 0) throw InputError.invalid('fields', 'name at least one personal field');
      if (!isUuid(subjectId)) throw StateError.notFound('Subject');
      return em.transactional(async (tx) => {
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
          vaultFields,
        );
        const returned = requested.filter((field) => values[VAULT_FIELD[field]] != null);
        await this.accessLog.append(tx, {
          principal: access.principal,
          requestId: access.requestId,
          action: AccessAction.REVEAL,
          subjectIds: [subjectId],
          fieldsRequested: requested,
          fieldsReturned: returned,
          purpose: statedPurpose,
          outcome: 'ALLOWED',
          reference: hold ? `legal-hold:${hold.id}` : null,
        });
        return values;
      });
    });
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
