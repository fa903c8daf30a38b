import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import { CountChanges } from '../accountability/count-changes';
import type { CountStore } from '../accountability/count-store';
import { applicationCell, personCell } from '../accountability/cells';
import { InputError, StateError } from '../errors';
import { DataKey } from '../pseudonymization/data-key.entity';
import type { PersonalDataSealer } from '../pseudonymization/personal-data-sealer';
import type { Tokenizer } from '../pseudonymization/tokenizer';
import { VaultEntry } from '../pseudonymization/vault-entry.entity';
import { Application } from '../subjects/application.entity';
import { Subject } from '../subjects/subject.entity';
import { Outcome, RejectionReason, SubjectState } from '../subjects/subject.enums';
import { assertValidRegistrant, type RegistrantInput, type ValidRegistrant } from './registrant';
import type { WaveService } from './wave.service';

export interface RegisterInput extends RegistrantInput {
  wave: number;
}

export interface RegistrationReceipt {
  subjectId: string;
  applicationId: string;
  wave: number;
}

export interface RecordOutcomeInput {
  applicationId: string;
  outcome: Outcome;
  rejectionReason: RejectionReason | null;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/**
 * The door: every registration passes here, and here personal data becomes tokens and sealed
 * vault fields before anything is written.
 */
export class RegistrationService {
  constructor(
    private readonly tokenizer: Tokenizer,
    private readonly sealer: PersonalDataSealer,
    private readonly waves: WaveService,
    private readonly counts: CountStore,
    private readonly now: () => Date,
  ) {}

  /**
   * Registers an application to an open wave, creating the subject on its first application
   * (matched by NIK token under any token key) and reusing it for later waves.
   * Writes, in one transaction: subject, vault entry and wrapped data key (first time only), and
   * the application. Raises BAD_USER_INPUT (naming the field), WAVE_CLOSED, SUBJECT_RESTRICTED,
   * and CONFLICT for a second application to the same wave.
   */
  async register(em: EntityManager, input: RegisterInput): Promise<RegistrationReceipt> {
    const at = this.now();
    const registrant = assertValidRegistrant(input, at);
    const nikTokens = this.tokenizer.tokensUnderAllKeys('nik', registrant.nik);
    try {
      return await em.transactional(async (tx) => {
        const wave = await this.waves.requireOpen(tx, input.wave, at);
        let subject = await tx.findOne(Subject, { nikToken: { $in: nikTokens } });
        if (subject && subject.state === SubjectState.RESTRICTED) throw StateError.subjectRestricted();
        const changes = new CountChanges();
        if (!subject) {
          subject = this.createSubject(tx, registrant, at);
          changes.person(personCell(subject, Outcome.PENDING, null), 1);
        } else {
          const previous = await tx.find(Application, { subject }, { orderBy: { wave: 'desc' } });
          if (previous.some((application) => application.wave.number === wave.number)) {
            throw StateError.conflict('this person already applied to this wave');
          }
          const latest = previous[0];
          // The person counts follow the subject's latest application.
          if (latest && latest.wave.number < wave.number) {
            changes.movePerson(personCell(subject, latest.outcome, latest.rejectionReason), personCell(subject, Outcome.PENDING, null));
          }
        }
        changes.application(applicationCell(subject, wave.number, Outcome.PENDING, null), 1);
        const application = tx.create(Application, {
          id: randomUUID(),
          subject,
          wave,
          outcome: Outcome.PENDING,
          rejectionReason: null,
          registeredAt: at,
          decidedAt: null,
        });
        await tx.flush();
        await this.counts.write(tx, changes);
        return { subjectId: subject.id, applicationId: application.id, wave: wave.number };
      });
    } catch (error) {
      // Two concurrent registrations of one person raced past the checks above.
      if (error instanceof UniqueConstraintViolationException) throw StateError.conflict('this person already applied to this wave');
      throw error;
    }
  }

  private createSubject(em: EntityManager, registrant: ValidRegistrant, at: Date): Subject {
    const id = randomUUID();
    const sealed = this.sealer.seal(id, {
      nik: registrant.nik,
      fullName: registrant.fullName,
      birthDate: registrant.birthDate,
      email: registrant.email,
      phone: registrant.phone,
      addressLine: registrant.addressLine,
    });
    em.create(DataKey, { subjectId: id, kekId: sealed.dataKey.kekId, wrappedKey: sealed.dataKey.wrappedKey });
    em.create(VaultEntry, {
      subjectId: id,
      nik: sealed.fields.nik!,
      fullName: sealed.fields.fullName!,
      birthDate: sealed.fields.birthDate!,
      email: sealed.fields.email,
      phone: sealed.fields.phone,
      addressLine: sealed.fields.addressLine,
    });
    return em.create(Subject, {
      id,
      nikToken: this.tokenizer.nikToken(registrant.nik),
      phoneToken: this.tokenizer.phoneToken(registrant.phone),
      emailToken: this.tokenizer.emailToken(registrant.email),
      provinceCode: registrant.provinceCode,
      regencyCode: registrant.regencyCode,
      gender: registrant.gender,
      ageBand: registrant.ageBand,
      education: registrant.education,
      employmentStatus: registrant.employmentStatus,
      state: SubjectState.ACTIVE,
      registeredAt: at,
    });
  }

  /**
   * Records the selection outcome of a PENDING application. Accepting spends a place of the
   * wave's quota. Writes the application (and the wave's acceptance count) in one transaction.
   * Raises BAD_USER_INPUT (outcome, rejectionReason), NOT_FOUND, and CONFLICT when the outcome was
   * already recorded or the quota is exhausted.
   */
  async recordOutcome(em: EntityManager, input: RecordOutcomeInput): Promise<Application> {
    if (input.outcome === Outcome.PENDING) throw InputError.invalid('outcome', 'must be ACCEPTED or REJECTED');
    if (input.outcome === Outcome.REJECTED && !input.rejectionReason) {
      throw InputError.invalid('rejectionReason', 'is required when the outcome is REJECTED');
    }
    if (input.outcome === Outcome.ACCEPTED && input.rejectionReason) {
      throw InputError.invalid('rejectionReason', 'must be empty when the outcome is ACCEPTED');
    }
    if (!isUuid(input.applicationId)) throw StateError.notFound('Application');
    return em.transactional(async (tx) => {
      const application = await tx.findOne(Application, { id: input.applicationId }, { populate: ['subject'] });
      if (!application) throw StateError.notFound('Application');
      if (application.outcome !== Outcome.PENDING) throw StateError.conflict('the outcome of this application is already recorded');
      const reason = input.outcome === Outcome.REJECTED ? input.rejectionReason : null;
      const changes = outcomeChanges(application, input.outcome, reason, await latestWave(tx, application.subject));
      const decidedAt = this.now();
      // Claim the application: of two concurrent decisions only one finds it still PENDING (the
      // other waits for the row lock and then updates nothing), so the counts move once.
      const claimed = await tx.nativeUpdate(Application, { id: application.id, outcome: Outcome.PENDING }, { outcome: input.outcome, rejectionReason: reason, decidedAt });
      if (claimed !== 1) throw StateError.conflict('the outcome of this application is already recorded');
      if (input.outcome === Outcome.ACCEPTED) await this.waves.takeAcceptancePlace(tx, application.wave.number);
      Object.assign(application, { outcome: input.outcome, rejectionReason: reason, decidedAt });
      await tx.flush();
      await this.counts.write(tx, changes);
      return application;
    });
  }
}

/** The subject's highest wave number with an application. */
export async function latestWave(em: EntityManager, subject: Subject): Promise<number> {
  const [latest] = await em.find(Application, { subject }, { orderBy: { wave: 'desc' }, limit: 1 });
  return latest ? latest.wave.number : 0;
}

/**
 * The count changes of deciding a PENDING application: the application moves between cells, and
 * the person too when this is the subject's latest application.
 */
export function outcomeChanges(application: Application, outcome: Outcome, reason: RejectionReason | null, subjectLatestWave: number): CountChanges {
  const subject = application.subject;
  const changes = new CountChanges().moveApplication(
    applicationCell(subject, application.wave.number, application.outcome, application.rejectionReason),
    applicationCell(subject, application.wave.number, outcome, reason),
  );
  if (application.wave.number === subjectLatestWave) {
    changes.movePerson(personCell(subject, application.outcome, application.rejectionReason), personCell(subject, outcome, reason));
  }
  return changes;
}
