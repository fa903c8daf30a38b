import { InputError } from '../errors';

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/** A purpose is free text written into the access log: it must not smuggle personal data there. */
const LOOKS_PERSONAL = /\d{8,}|@|\+?\d[\d\s().-]{9,}\d/;

export const PURPOSE_MAX_LENGTH = 500;

/** True when free text contains something shaped like a NIK, a phone number or an e-mail address. */
export function looksPersonal(text: string): boolean {
  return LOOKS_PERSONAL.test(text);
}

/**
 * Checks the stated purpose of a personal-data access: required, 3–500 characters, no control
 * characters, nothing that looks like a NIK, phone number or e-mail address. Returns it trimmed.
 * Raises BAD_USER_INPUT (field `purpose`) without quoting it.
 */
export function assertValidPurpose(purpose: string | null | undefined): string {
  const trimmed = (purpose ?? '').trim();
  if (trimmed.length < 3) throw InputError.invalid('purpose', 'a purpose of at least 3 characters is required');
  if (trimmed.length > PURPOSE_MAX_LENGTH) throw InputError.invalid('purpose', `must be at most ${PURPOSE_MAX_LENGTH} characters`);
  if (CONTROL_CHARACTERS.test(trimmed)) throw InputError.invalid('purpose', 'must not contain control characters');
  if (LOOKS_PERSONAL.test(trimmed)) {
    throw InputError.invalid('purpose', 'must not contain personal data (long digit runs, phone numbers or e-mail addresses); cite a case reference instead');
  }
  return trimmed;
}
