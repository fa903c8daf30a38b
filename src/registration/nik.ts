import { InputError } from '../errors';
import { PROVINCES } from '../regions/provinces';
import { Gender } from '../subjects/subject.enums';

/**
 * NIK (Nomor Induk Kependudukan) validation.
 *
 * Layout: PP RR DD dd mm yy SSSS — province, regency (kabupaten 01–69, kota 71–99), district,
 * birth day (+40 for women), birth month, birth year mod 100, serial. The region digits record
 * where the person was *first registered*, not where they live: nothing here calls them domicile.
 *
 * Everything below is written for the bulk ingest path, which calls `checkIdentity` tens of
 * millions of times: digits are read with `charCodeAt` (no regular expressions, so no
 * backtracking and no match arrays), and every refusal is a shared frozen object, so a rejected
 * row allocates nothing. Only an accepted NIK allocates its facts.
 */

export interface NikFacts {
  /** Two digits: province of first registration (not domicile). */
  provinceCode: string;
  /** Four digits: province + regency of first registration (not domicile). */
  regencyCode: string;
  /** Six digits: province + regency + district of first registration (not domicile). */
  districtCode: string;
  gender: Gender;
  /** Day of month with the +40 for women already removed. */
  day: number;
  month: number;
  yearTwoDigits: number;
  /** Four digits, never 0000. */
  serial: string;
}

/**
 * Stable machine codes for the ingest rejects file and for metrics. Never derived from the value.
 */
export type IdentityViolationCode =
  | 'NIK_FORMAT'
  | 'NIK_PROVINCE'
  | 'NIK_REGENCY'
  | 'NIK_DISTRICT'
  | 'NIK_BIRTH_DATE'
  | 'NIK_SERIAL'
  | 'BIRTH_DATE_FORMAT'
  | 'NIK_BIRTH_DATE_MISMATCH'
  | 'NIK_GENDER_MISMATCH'
  | 'UNDER_AGE';

/**
 * Why an identity was refused. `problem` never quotes the value: it contains no digit at all
 * (numbers are spelled out), so it is safe in error messages, logs and rejects files.
 */
export type IdentityViolation = {
  field: 'nik' | 'birthDate' | 'gender';
  problem: string;
  code: IdentityViolationCode;
};

export const MINIMUM_AGE = 18;

function violation(field: IdentityViolation['field'], code: IdentityViolationCode, problem: string): IdentityViolation {
  return Object.freeze({ field, code, problem });
}

/** The shared refusals, one per rule. Frozen so a caller cannot edit the catalogue by accident. */
export const IDENTITY_VIOLATIONS = Object.freeze({
  NIK_FORMAT: violation('nik', 'NIK_FORMAT', 'must be exactly sixteen digits'),
  NIK_PROVINCE: violation('nik', 'NIK_PROVINCE', 'the first two digits are not a Kemendagri province code'),
  NIK_REGENCY: violation('nik', 'NIK_REGENCY', 'the regency digits must be a kabupaten (one to sixty-nine) or kota (seventy-one to ninety-nine) code'),
  NIK_DISTRICT: violation('nik', 'NIK_DISTRICT', 'the district digits must not be zero'),
  NIK_BIRTH_DATE: violation('nik', 'NIK_BIRTH_DATE', 'the birth date digits are not a real calendar date'),
  NIK_SERIAL: violation('nik', 'NIK_SERIAL', 'the serial digits must not be zero'),
  BIRTH_DATE_FORMAT: violation('birthDate', 'BIRTH_DATE_FORMAT', 'must be a real calendar date written YYYY-MM-DD'),
  NIK_BIRTH_DATE_MISMATCH: violation('nik', 'NIK_BIRTH_DATE_MISMATCH', 'the birth date encoded in the NIK does not match birthDate'),
  NIK_GENDER_MISMATCH: violation('nik', 'NIK_GENDER_MISMATCH', 'the gender encoded in the NIK does not match gender'),
  UNDER_AGE: violation('birthDate', 'UNDER_AGE', 'the applicant must be at least eighteen years old at registration'),
} satisfies Record<IdentityViolationCode, IdentityViolation>);

type Failure = { ok: false; violation: IdentityViolation };

// Pre-built failure results: refusing a row must not allocate.
const FAIL = Object.freeze(
  Object.fromEntries(
    Object.entries(IDENTITY_VIOLATIONS).map(([code, v]) => [code, Object.freeze({ ok: false as const, violation: v })]),
  ),
) as Readonly<Record<IdentityViolationCode, Failure>>;

// Province lookup by numeric value, built from the one province list so the two never disagree.
const PROVINCE_BY_NUMBER: Uint8Array = (() => {
  const table = new Uint8Array(100);
  for (const p of PROVINCES) table[Number(p.code)] = 1;
  return table;
})();

const ZERO = 48;

/** Numeric value of two ASCII digits at `i`; the caller has already checked they are digits. */
function twoDigits(s: string, i: number): number {
  return (s.charCodeAt(i) - ZERO) * 10 + (s.charCodeAt(i + 1) - ZERO);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month];
}

// Scratch for the numeric fields of the last scan. JavaScript runs one call at a time, so sharing
// it is safe, and it spares the hot path an intermediate object per NIK and per date.
const scratch = new Int32Array(4);
const S_DAY = 0;
const S_MONTH = 1;
const S_YEAR = 2;
const S_FEMALE = 3;

/** Structural scan; fills `scratch` (day, month, yy, female) and returns the failure or null. */
function scanNik(nik: string): Failure | null {
  if (nik.length !== 16) return FAIL.NIK_FORMAT;
  for (let i = 0; i < 16; i++) {
    const c = nik.charCodeAt(i);
    if (c < 48 || c > 57) return FAIL.NIK_FORMAT;
  }
  if (PROVINCE_BY_NUMBER[twoDigits(nik, 0)] !== 1) return FAIL.NIK_PROVINCE;
  const regency = twoDigits(nik, 2);
  if (regency === 0 || regency === 70) return FAIL.NIK_REGENCY;
  if (twoDigits(nik, 4) === 0) return FAIL.NIK_DISTRICT;

  const encodedDay = twoDigits(nik, 6);
  const month = twoDigits(nik, 8);
  const yearTwoDigits = twoDigits(nik, 10);
  const female = encodedDay > 40;
  const day = female ? encodedDay - 40 : encodedDay;
  if (day < 1 || month < 1 || month > 12) return FAIL.NIK_BIRTH_DATE;
  // Any multiple of four is a leap year in one of the two centuries a living applicant can be from.
  const maxDay = month === 2 ? (yearTwoDigits % 4 === 0 ? 29 : 28) : DAYS_IN_MONTH[month];
  if (day > maxDay) return FAIL.NIK_BIRTH_DATE;

  if (nik.charCodeAt(12) === ZERO && nik.charCodeAt(13) === ZERO && nik.charCodeAt(14) === ZERO && nik.charCodeAt(15) === ZERO) {
    return FAIL.NIK_SERIAL;
  }
  scratch[S_DAY] = day;
  scratch[S_MONTH] = month;
  scratch[S_YEAR] = yearTwoDigits;
  scratch[S_FEMALE] = female ? 1 : 0;
  return null;
}

function factsFromScratch(nik: string): NikFacts {
  return {
    provinceCode: nik.slice(0, 2),
    regencyCode: nik.slice(0, 4),
    districtCode: nik.slice(0, 6),
    gender: scratch[S_FEMALE] === 1 ? Gender.FEMALE : Gender.MALE,
    day: scratch[S_DAY],
    month: scratch[S_MONTH],
    yearTwoDigits: scratch[S_YEAR],
    serial: nik.slice(12, 16),
  };
}

/**
 * Parses the structure of a NIK only; declared values are not compared. The birth date digits
 * must be a real date in some century: the two-digit year cannot tell 1900 from 2000, so
 * 29 February is accepted whenever `yy` is a multiple of four (2000 was a leap year) and
 * `checkIdentity` then settles it against the declared four-digit year. Pure; never throws.
 */
export function parseNik(nik: string): { ok: true; facts: NikFacts } | { ok: false; violation: IdentityViolation } {
  const failure = scanNik(nik);
  return failure ?? { ok: true, facts: factsFromScratch(nik) };
}

/**
 * True when `nik` passes every structural rule of `parseNik` (sixteen digits, province, regency,
 * district, a birth date real in some century, non-zero serial). Nothing declared is compared —
 * for lists where no birth date or gender comes with the NIK (partner-agency screening lists).
 * Pure; allocates nothing, so a million-line list costs no garbage.
 */
export function isStructurallyValidNik(nik: string): boolean {
  return scanNik(nik) === null;
}

/** Scans a strict YYYY-MM-DD into year, month, day; false unless it is a real date. */
function scanIsoDate(value: string, out: Int32Array): boolean {
  if (value.length !== 10 || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return false;
  for (let i = 0; i < 10; i++) {
    if (i === 4 || i === 7) continue;
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  const year = twoDigits(value, 0) * 100 + twoDigits(value, 2);
  const month = twoDigits(value, 5);
  const day = twoDigits(value, 8);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  out[0] = year;
  out[1] = month;
  out[2] = day;
  return true;
}

const dateScratch = new Int32Array(3);

/**
 * Strict `YYYY-MM-DD` (exactly ten characters, year 0001–9999) naming a real proleptic Gregorian
 * date; anything else — including ISO timestamps, missing zero padding or 30 February — gives
 * null. Pure; never throws.
 */
export function parseIsoDate(value: string): { year: number; month: number; day: number } | null {
  return scanIsoDate(value, dateScratch) ? { year: dateScratch[0], month: dateScratch[1], day: dateScratch[2] } : null;
}

function ageFrom(year: number, month: number, day: number, at: Date): number {
  const age = at.getUTCFullYear() - year;
  const atMonth = at.getUTCMonth() + 1;
  return atMonth < month || (atMonth === month && at.getUTCDate() < day) ? age - 1 : age;
}

/**
 * Whole years completed between `birth` and the instant `at`, using `at`'s UTC calendar date.
 * Someone born on 29 February completes a year on 1 March in common years. Negative when `birth`
 * is after `at`. Pure.
 */
export function ageAt(birth: { year: number; month: number; day: number }, at: Date): number {
  return ageFrom(birth.year, birth.month, birth.day, at);
}

/**
 * The full identity check at registration: declared `birthDate` well formed, NIK structure, the
 * NIK's date and gender equal to the declared ones, and age at least eighteen at `at` (UTC).
 * Rules are checked in that order and the first failure is returned. Pure and non-throwing; a
 * refusal returns a shared frozen object (do not mutate it) and allocates nothing.
 */
export function checkIdentity(
  input: { nik: string; birthDate: string; gender: Gender },
  at: Date,
): { ok: true; facts: NikFacts; age: number } | { ok: false; violation: IdentityViolation } {
  // The declared date first: when it is itself impossible, that is the field to fix, even though
  // a NIK built from it is then impossible too.
  if (!scanIsoDate(input.birthDate, dateScratch)) return FAIL.BIRTH_DATE_FORMAT;
  const failure = scanNik(input.nik);
  if (failure !== null) return failure;
  const year = dateScratch[0];
  const month = dateScratch[1];
  const day = dateScratch[2];
  if (scratch[S_YEAR] !== year % 100 || scratch[S_MONTH] !== month || scratch[S_DAY] !== day) {
    return FAIL.NIK_BIRTH_DATE_MISMATCH;
  }
  if ((scratch[S_FEMALE] === 1 ? Gender.FEMALE : Gender.MALE) !== input.gender) return FAIL.NIK_GENDER_MISMATCH;
  const age = ageFrom(year, month, day, at);
  if (age < MINIMUM_AGE) return FAIL.UNDER_AGE;
  return { ok: true, facts: factsFromScratch(input.nik), age };
}

/**
 * Throwing form of `checkIdentity` for the API. Pure apart from the throw.
 * @throws InputError (BAD_USER_INPUT, `extensions.field` = the violation's field) when any rule
 *   fails; the message names the rule, never the value.
 */
export function assertValidIdentity(
  input: { nik: string; birthDate: string; gender: Gender },
  at: Date,
): { facts: NikFacts; age: number } {
  const result = checkIdentity(input, at);
  if (!result.ok) throw InputError.invalid(result.violation.field, result.violation.problem);
  return { facts: result.facts, age: result.age };
}
