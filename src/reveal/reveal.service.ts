import type { EntityManager } from '@mikro-orm/knex';
import { AccessAction, type AccessLogService, type AccessRecord } from '../access-log/access-log.service';
import type { AccessLogGroupCommit } from '../access-log/group-commit';
import { entityManagerSession, type SqlSession } from '../database/sql-session';
import type { Principal } from '../auth/principal';
import { InputError, StateError } from '../errors';
import type { PersonalDataSealer } from '../pseudonymization/personal-data-sealer';
import type { PersonalFieldName } from '../pseudonymization/sealed-field';
import type { Tokenizer } from '../pseudonymization/tokenizer';
import { parseNik } from '../registration/nik';
import { isUuid } from '../registration/registration.service';
import { Subject } from '../subjects/subject.entity';
import { SubjectState } from '../subjects/subject.enums';
import { findActiveLegalHold } from '../erasure/legal-hold.service';
import { VAULT_FIELD, type PersonalField } from './personal-field';
import { assertValidPurpose } from './purpose';

/** Subjects with their sealed fields and wrapped data keys, in one read (nulls once erased). */
const SEALED_SUBJECTS =
  'select s.id, s.state, v.nik, v.full_name, v.birth_date, v.email, v.phone, v.address_line, k.kek_id, k.wrapped_key ' +
  'from subject s left join vault_entry v on v.subject_id = s.id left join data_key k on k.subject_id = s.id where s.id in ';

interface SealedSubjectRow {
  id: string;
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

/** The sealed subjects among `subjectIds` (lower-case UUIDs), by id, in one statement. */
export async function loadSealedSubjects(session: SqlSession, subjectIds: readonly string[]): Promise<Map<string, SealedSubjectRow>> {
  if (subjectIds.length === 0) return new Map();
  const rows = await session.all<SealedSubjectRow>(`${SEALED_SUBJECTS}(${subjectIds.map(() => '?').join(', ')})`, subjectIds);
  return new Map(rows.map((row) => [row.id, row]));
}

/** One loaded subject; NOT_FOUND when absent, SUBJECT_ERASED for an erased one. */
function presentSubject(row: SealedSubjectRow | undefined): SealedSubjectRow {
  if (!row) throw StateError.notFound('Subject');
  if (row.state === SubjectState.ERASED) throw StateError.subjectErased();
  return row;
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
    private readonly groupCommit: AccessLogGroupCommit<string, SealedSubjectRow>,
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
  async reveal(em: EntityManager, access: AccessContext, givenId: string, fields: readonly PersonalField[], purpose: string): Promise<RevealedFields> {
    // UUIDs are case-insensitive; stored, sealed and logged in lower case.
    const subjectId = givenId.toLowerCase();
    const requested = [...new Set(fields)];
    const attempt = { principal: access.principal, requestId: access.requestId, action: AccessAction.REVEAL, subjectIds: isUuid(subjectId) ? [subjectId] : [], fieldsRequested: requested, purpose };
    const statedPurpose = await this.accessLog.auditRefusals(em, attempt, async () => {
      const stated = assertValidPurpose(purpose);
      if (requested.length === 0) throw InputError.invalid('fields', 'name at least one personal field');
      if (!isUuid(subjectId)) throw StateError.notFound('Subject');
      return stated;
    });
    const audited = { ...attempt, purpose: statedPurpose };
    try {
      return await this.groupCommit.run(
        subjectId,
        (loaded) => {
          const row = presentSubject(loaded);
          if (row.state === SubjectState.RESTRICTED) throw new NeedsLegalHold();
          const { values, returned } = this.openRequested(subjectId, row, requested);
          return { record: { ...audited, fieldsReturned: returned, outcome: 'ALLOWED' }, value: values };
        },
        (error) => ({ ...audited, outcome: 'DENIED', reason: error.code }),
      );
    } catch (error) {
      if (error instanceof NeedsLegalHold) return this.revealRestricted(em, audited, subjectId, requested);
      throw error;
    }
  }

  /** `reveal` of a subject found RESTRICTED: only under an active legal hold, in a transaction of its own. */
  private async revealRestricted(em: EntityManager, audited: Omit<AccessRecord, 'outcome'>, subjectId: string, requested: PersonalField[]): Promise<RevealedFields> {
    return this.accessLog.auditRefusals(em, audited, () =>
      em.transactional(async (tx) => {
        const row = presentSubject((await loadSealedSubjects(entityManagerSession(tx), [subjectId])).get(subjectId));
        const hold = row.state === SubjectState.RESTRICTED ? await findActiveLegalHold(tx, subjectId, this.now()) : null;
        if (row.state === SubjectState.RESTRICTED && !hold) throw StateError.subjectRestricted();
        const { values, returned } = this.openRequested(subjectId, row, requested);
        await this.accessLog.append(tx, { ...audited, fieldsReturned: returned, outcome: 'ALLOWED', reference: hold ? `legal-hold:${hold.id}` : null });
        return values;
      }),
    );
  }

  /** Unwraps the subject's data key and opens only the requested fields; SUBJECT_ERASED when the vault or key is gone. */
  private openRequested(subjectId: string, row: SealedSubjectRow, requested: PersonalField[]): { values: RevealedFields; returned: PersonalField[] } {
    if (row.nik === null || row.kek_id === null || row.wrapped_key === null) throw StateError.subjectErased();
    const values = this.sealer.open(
      subjectId,
      {
        dataKey: { kekId: row.kek_id, wrappedKey: row.wrapped_key },
        fields: { nik: row.nik, fullName: row.full_name!, birthDate: row.birth_date!, email: row.email, phone: row.phone, addressLine: row.address_line },
      },
      requested.map((field) => VAULT_FIELD[field]),
    );
    return { values, returned: requested.filter((field) => values[VAULT_FIELD[field]] != null) };
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
