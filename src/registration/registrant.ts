import { InputError } from '../errors';
import { normalizeEmail, normalizePhone } from '../pseudonymization/tokenizer';
import { isProvinceCode, isRegencyCode } from '../regions/provinces';
import { ageBandFor, type AgeBand, type Education, type EmploymentStatus, type Gender } from '../subjects/subject.enums';
import { checkIdentity } from './nik';

/** A registration as clients send it (GraphQL `RegisterInput`, an ingest row). */
export interface RegistrantInput {
  nik: string;
  fullName: string;
  birthDate: string;
  gender: Gender;
  email: string;
  phone: string;
  provinceCode: string;
  regencyCode: string;
  addressLine: string;
  education: Education;
  employmentStatus: EmploymentStatus;
}

/** A registrant that passed every check, with normalized contact fields and its age band. */
export interface ValidRegistrant extends RegistrantInput {
  ageBand: AgeBand;
}

export interface RegistrantViolation {
  /** The input field, as GraphQL's `extensions.field` names it. */
  field: string;
  /** Stable machine code for rejects files. */
  code: string;
  /** Human text; never contains the value. */
  problem: string;
}

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const NAME_PATTERN = /^[\p{L}\p{M}][\p{L}\p{M} .'’-]*$/u;
const EMAIL_PATTERN = /^[^\s@]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const INDONESIAN_MOBILE = /^628\d{7,12}$/;

function violation(field: string, code: string, problem: string): { ok: false; violation: RegistrantViolation } {
  return { ok: false, violation: { field, code, problem } };
}

/**
 * Checks and normalizes one registrant at time `at` without throwing (the bulk path calls it per
 * row). Checks the NIK against birthDate and gender, contact formats, and that the regency lies in
 * the province. The NIK's own region digits are *not* compared with the domicile codes: they
 * record where the person was first registered.
 */
export function checkRegistrant(input: RegistrantInput, at: Date): { ok: true; registrant: ValidRegistrant } | { ok: false; violation: RegistrantViolation } {
  const identity = checkIdentity({ nik: input.nik, birthDate: input.birthDate, gender: input.gender }, at);
  if (!identity.ok) {
    const { field, problem } = identity.violation;
    return violation(field, identity.violation.code ?? `INVALID_${field.toUpperCase()}`, problem);
  }
  const fullName = input.fullName.trim().replace(/\s+/g, ' ');
  if (fullName.length < 1 || fullName.length > 200 || CONTROL_CHARACTERS.test(fullName) || !NAME_PATTERN.test(fullName)) {
    return violation('fullName', 'INVALID_FULL_NAME', 'must be 1–200 letters, spaces, dots, apostrophes or hyphens');
  }
  const email = normalizeEmail(input.email);
  if (email.length > 254 || !EMAIL_PATTERN.test(email)) {
    return violation('email', 'INVALID_EMAIL', 'is not a valid e-mail address');
  }
  const phone = normalizePhone(input.phone);
  if (!INDONESIAN_MOBILE.test(phone) || input.phone.length > 24) {
    return violation('phone', 'INVALID_PHONE', 'must be an Indonesian mobile number (08…, +628… or 628…)');
  }
  if (!isProvinceCode(input.provinceCode)) {
    return violation('provinceCode', 'INVALID_PROVINCE', 'is not a Kemendagri province code');
  }
  if (!isRegencyCode(input.regencyCode) || !input.regencyCode.startsWith(input.provinceCode)) {
    return violation('regencyCode', 'INVALID_REGENCY', 'must be a regency code within provinceCode');
  }
  const addressLine = input.addressLine.trim();
  if (addressLine.length < 1 || addressLine.length > 500 || CONTROL_CHARACTERS.test(addressLine)) {
    return violation('addressLine', 'INVALID_ADDRESS_LINE', 'must be 1–500 characters without control characters');
  }
  return {
    ok: true,
    registrant: {
      ...input,
      fullName,
      email,
      phone,
      addressLine,
      ageBand: ageBandFor(identity.age),
    },
  };
}

/** Throwing form for the API: BAD_USER_INPUT naming the field, never the value. */
export function assertValidRegistrant(input: RegistrantInput, at: Date): ValidRegistrant {
  const result = checkRegistrant(input, at);
  if (!result.ok) throw InputError.invalid(result.violation.field, result.violation.problem);
  return result.registrant;
}
