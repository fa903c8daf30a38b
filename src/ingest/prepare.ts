import { randomUUID } from 'node:crypto';
import type { Keyring } from '../pseudonymization/keyring';
import { PersonalDataSealer } from '../pseudonymization/personal-data-sealer';
import { Tokenizer } from '../pseudonymization/tokenizer';
import { checkRegistrant } from '../registration/registrant';
import type { AgeBand, Education, EmploymentStatus, Gender, Outcome, RejectionReason } from '../subjects/subject.enums';
import { shapeRegistrationRow, type RawRecord } from './registration-row';

/** A wave's window in epoch milliseconds (plain numbers: tasks cross thread boundaries). */
export interface WaveWindow {
  opensAt: number;
  closesAt: number;
}

/** One batch of file records for `prepareBatch`; `raw` is null when the line could not be read. */
export interface PrepareTask {
  records: Array<{ line: number; raw: RawRecord | null }>;
  waves: Record<number, WaveWindow>;
}

/** A subject ready to insert: tokens, coarse attributes, wrapped data key and sealed fields. No plaintext. */
export interface PreparedSubject {
  id: string;
  phoneToken: string;
  emailToken: string;
  provinceCode: string;
  regencyCode: string;
  gender: Gender;
  ageBand: AgeBand;
  education: Education;
  employmentStatus: EmploymentStatus;
  registeredAt: number;
  kekId: string;
  wrappedKey: string;
  nik: string;
  fullName: string;
  birthDate: string;
  email: string;
  phone: string;
  addressLine: string;
}

/** One valid row: an application of the person with `nikToken`, and that person sealed when first seen in the batch. */
export interface PreparedApplication {
  line: number;
  nikToken: string;
  id: string;
  wave: number;
  outcome: Outcome;
  rejectionReason: RejectionReason | null;
  registeredAt: number;
  decidedAt: number | null;
  /** Present on the first valid row of each person within the batch only (later rows reuse it). */
  subject?: PreparedSubject;
}

/** A refused row: its line number and a stable code. Never a value. */
export interface RejectedRow {
  line: number;
  code: string;
}

export interface PreparedBatch {
  rows: PreparedApplication[];
  rejects: RejectedRow[];
}

/**
 * Builds the per-thread preparation step of the ingest: shape, check (at the opening of the
 * row's wave: historical registrations are judged as of their own wave), tokenize and seal. Runs
 * in worker threads (prepare-worker.ts) or inline. The result carries tokens and JWEs only;
 * personal values never leave the function. No I/O.
 */
export function createPreparer(keyring: Keyring): (task: PrepareTask) => PreparedBatch {
  const tokenizer = new Tokenizer(keyring);
  const sealer = new PersonalDataSealer(keyring);
  return (task) => {
    const rows: PreparedApplication[] = [];
    const rejects: RejectedRow[] = [];
    // People already sealed in this batch: a person's later rows become applications only.
    const sealed = new Set<string>();
    for (const { line, raw } of task.records) {
      if (raw === null) {
        rejects.push({ line, code: 'MALFORMED_ROW' });
        continue;
      }
      const shaped = shapeRegistrationRow(raw);
      if (!shaped.ok) {
        rejects.push({ line, code: shaped.code });
        continue;
      }
      const row = shaped.row;
      const wave = task.waves[row.wave];
      if (!wave) {
        rejects.push({ line, code: 'UNKNOWN_WAVE' });
        continue;
      }
      const checked = checkRegistrant(row, new Date(wave.opensAt));
      if (!checked.ok) {
        rejects.push({ line, code: checked.violation.code });
        continue;
      }
      const registrant = checked.registrant;
      const nikToken = tokenizer.nikToken(registrant.nik);
      const prepared: PreparedApplication = {
        line,
        nikToken,
        id: randomUUID(),
        wave: row.wave,
        outcome: row.outcome,
        rejectionReason: row.rejectionReason,
        registeredAt: wave.opensAt,
        decidedAt: row.outcome === 'PENDING' ? null : wave.closesAt,
      };
      if (!sealed.has(nikToken)) {
        sealed.add(nikToken);
        const id = randomUUID();
        const vault = sealer.seal(id, registrant);
        prepared.subject = {
          id,
          phoneToken: tokenizer.phoneToken(registrant.phone),
          emailToken: tokenizer.emailToken(registrant.email),
          provinceCode: registrant.provinceCode,
          regencyCode: registrant.regencyCode,
          gender: registrant.gender,
          ageBand: registrant.ageBand,
          education: registrant.education,
          employmentStatus: registrant.employmentStatus,
          registeredAt: wave.opensAt,
          kekId: vault.dataKey.kekId,
          wrappedKey: vault.dataKey.wrappedKey,
          nik: vault.fields.nik!,
          fullName: vault.fields.fullName!,
          birthDate: vault.fields.birthDate!,
          email: vault.fields.email!,
          phone: vault.fields.phone!,
          addressLine: vault.fields.addressLine!,
        };
      }
      rows.push(prepared);
    }
    return { rows, rejects };
  };
}
