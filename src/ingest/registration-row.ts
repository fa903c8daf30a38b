import type { RegistrantInput } from '../registration/registrant';
import { Education, EmploymentStatus, Gender, Outcome, RejectionReason } from '../subjects/subject.enums';

/**
 * One line of an ingest file: the registration fields of the contract (`register`'s input) plus
 * the application's optional selection outcome. One row is one application; a person applying to
 * three waves has three rows with the same NIK.
 */
export interface RegistrationRow extends RegistrantInput {
  wave: number;
  outcome: Outcome;
  rejectionReason: RejectionReason | null;
}

/** A record as read from the file, before any check: field name → raw value. */
export type RawRecord = Record<string, unknown>;

/** The columns an ingest file must have (CSV header names, NDJSON keys). */
export const REQUIRED_COLUMNS = [
  'nik',
  'fullName',
  'birthDate',
  'gender',
  'email',
  'phone',
  'provinceCode',
  'regencyCode',
  'addressLine',
  'education',
  'employmentStatus',
  'wave',
] as const;

/** Optional columns: `outcome` (default PENDING) and `rejectionReason` (required when REJECTED). */
export const OPTIONAL_COLUMNS = ['outcome', 'rejectionReason'] as const;

/**
 * Stable codes of rows refused before the registrant checks (which add their own codes, e.g.
 * NIK_FORMAT, NIK_BIRTH_DATE_MISMATCH, INVALID_EMAIL). A rejects file holds only these codes.
 */
export type RowFormatCode =
  | 'MALFORMED_ROW'
  | 'MISSING_FIELD'
  | 'INVALID_GENDER'
  | 'INVALID_EDUCATION'
  | 'INVALID_EMPLOYMENT_STATUS'
  | 'INVALID_WAVE'
  | 'INVALID_OUTCOME'
  | 'INVALID_REJECTION_REASON';

const GENDERS = new Set<string>(Object.values(Gender));
const EDUCATIONS = new Set<string>(Object.values(Education));
const EMPLOYMENT_STATUSES = new Set<string>(Object.values(EmploymentStatus));
const OUTCOMES = new Set<string>(Object.values(Outcome));
const REJECTION_REASONS = new Set<string>(Object.values(RejectionReason));

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * Shapes a raw record into a RegistrationRow: every required field present as text (NDJSON
 * numbers are accepted for codes and the wave), enums spelled as the GraphQL enums, the wave a
 * positive integer, and the outcome consistent with the rejection reason (REJECTED needs one,
 * PENDING and ACCEPTED take none). Personal fields are passed through unchecked: the registrant
 * checks (`checkRegistrant`) judge them. Pure; never throws; never quotes a value.
 */
export function shapeRegistrationRow(raw: RawRecord): { ok: true; row: RegistrationRow } | { ok: false; code: RowFormatCode } {
  const values: Record<string, string> = {};
  for (const column of REQUIRED_COLUMNS) {
    const value = text(raw[column]);
    if (value === undefined || value.trim() === '') return { ok: false, code: 'MISSING_FIELD' };
    values[column] = value;
  }
  const gender = values.gender!.trim().toUpperCase();
  if (!GENDERS.has(gender)) return { ok: false, code: 'INVALID_GENDER' };
  const education = values.education!.trim().toUpperCase();
  if (!EDUCATIONS.has(education)) return { ok: false, code: 'INVALID_EDUCATION' };
  const employmentStatus = values.employmentStatus!.trim().toUpperCase();
  if (!EMPLOYMENT_STATUSES.has(employmentStatus)) return { ok: false, code: 'INVALID_EMPLOYMENT_STATUS' };
  const waveText = values.wave!.trim();
  if (!/^[1-9]\d{0,8}$/.test(waveText)) return { ok: false, code: 'INVALID_WAVE' };
  const outcomeText = (text(raw.outcome) ?? '').trim().toUpperCase() || Outcome.PENDING;
  if (!OUTCOMES.has(outcomeText)) return { ok: false, code: 'INVALID_OUTCOME' };
  const outcome = outcomeText as Outcome;
  const reasonText = (text(raw.rejectionReason) ?? '').trim().toUpperCase();
  let rejectionReason: RejectionReason | null = null;
  if (outcome === Outcome.REJECTED) {
    if (!REJECTION_REASONS.has(reasonText)) return { ok: false, code: 'INVALID_REJECTION_REASON' };
    rejectionReason = reasonText as RejectionReason;
  } else if (reasonText !== '') {
    return { ok: false, code: 'INVALID_REJECTION_REASON' };
  }
  return {
    ok: true,
    row: {
      nik: values.nik!.trim(),
      fullName: values.fullName!,
      birthDate: values.birthDate!.trim(),
      gender: gender as Gender,
      email: values.email!,
      phone: values.phone!,
      provinceCode: values.provinceCode!.trim(),
      regencyCode: values.regencyCode!.trim(),
      addressLine: values.addressLine!,
      education: education as Education,
      employmentStatus: employmentStatus as EmploymentStatus,
      wave: Number(waveText),
      outcome,
      rejectionReason,
    },
  };
}
