import { createHmac, createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';
import type { Keyring } from './keyring';

/** The fields that get a lookup token. Each has its own derived key (domain separation). */
export type TokenField = 'nik' | 'phone' | 'email';

const TOKEN_FIELDS: readonly TokenField[] = ['nik', 'phone', 'email'];
const HKDF_SALT = 'samaran';

/**
 * Canonical phone form for matching: digits only, Indonesian numbers in international form without
 * '+'. '0812…', '+62812…', '62812…', '62-812-…', '+62 (0)812…', '0062812…' and a bare '812…' all
 * become '62812…'. Numbers already carrying another country code are left as digits. Pure.
 */
export function normalizePhone(phone: string): string {
  let digits = phone.replace(/\D/g, '');
  if (digits.startsWith('00')) digits = digits.slice(2); // international call prefix
  if (digits.startsWith('620')) return `62${digits.slice(3)}`; // '+62 (0)812…': trunk 0 written after the country code
  if (digits.startsWith('62')) return digits;
  if (digits.startsWith('0')) return `62${digits.slice(1)}`; // national trunk prefix
  if (digits.startsWith('8')) return `62${digits}`; // mobile number typed without any prefix
  return digits;
}

/** Canonical email form for matching: trimmed and lower-cased. Pure. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

function normalizeNik(nik: string): string {
  // Validation (16 digits, region/date checks) belongs to input parsing; here only forms of the
  // same number must meet, so separators people type are dropped.
  return nik.replace(/[\s.-]/g, '');
}

function normalize(field: TokenField, value: string): string {
  switch (field) {
    case 'nik':
      return normalizeNik(value);
    case 'phone':
      return normalizePhone(value);
    case 'email':
      return normalizeEmail(value);
  }
}

/**
 * Deterministic, keyed lookup tokens. Never a bare hash: a NIK has ~16 digits of mostly
 * predictable structure and is brute-forced in minutes without the key.
 */
export class Tokenizer {
  // Derived per (key id, field) once: HKDF per token would cost more than the HMAC itself. Held as
  // KeyObjects because createHmac imports a Buffer key on every call (~30% slower measured).
  private readonly subkeys = new Map<string, KeyObject>();

  constructor(private readonly keyring: Keyring) {}

  private subkey(keyId: string, field: TokenField): KeyObject {
    const cacheKey = `${keyId}\u0000${field}`;
    let subkey = this.subkeys.get(cacheKey);
    if (!subkey) {
      subkey = createSecretKey(
        Buffer.from(hkdfSync('sha256', this.keyring.tokenKey(keyId), HKDF_SALT, `samaran/token/${field}`, 32)),
      );
      this.subkeys.set(cacheKey, subkey);
    }
    return subkey;
  }

  /**
   * `${keyId}.${base64url(HMAC-SHA256(subkey, normalized value))}` where the subkey is derived from
   * the token key by HKDF with info `samaran/token/${field}`. `keyId` defaults to the current key.
   * Pure apart from caching derived subkeys.
   * @throws KeyringError for an unknown key id; RangeError when the value normalizes to nothing
   *   (an empty token would make every blank value match every other).
   */
  token(field: TokenField, value: string, keyId: string = this.keyring.currentTokenKeyId): string {
    if (!TOKEN_FIELDS.includes(field)) throw new RangeError(`unknown token field "${String(field)}"`);
    const normalized = normalize(field, value);
    if (normalized.length === 0) throw new RangeError(`cannot tokenize an empty ${field}`);
    const mac = createHmac('sha256', this.subkey(keyId, field)).update(normalized, 'utf8').digest('base64url');
    return `${keyId}.${mac}`;
  }

  /** `token('nik', …)`. */
  nikToken(nik: string, keyId?: string): string {
    return this.token('nik', nik, keyId);
  }

  /** `token('phone', …)`; the phone is normalized with `normalizePhone` first. */
  phoneToken(phone: string, keyId?: string): string {
    return this.token('phone', phone, keyId);
  }

  /** `token('email', …)`; the email is normalized with `normalizeEmail` first. */
  emailToken(email: string, keyId?: string): string {
    return this.token('email', email, keyId);
  }

  /**
   * The value's token under every token key, newest first, so a lookup during a token-key rotation
   * finds rows not yet re-tokenized. Errors as for `token`.
   */
  tokensUnderAllKeys(field: TokenField, value: string): string[] {
    return this.tokenKeyIds().map((keyId) => this.token(field, value, keyId));
  }

  /** Every token key id, newest first (for bulk callers that tokenize many values under each key). */
  tokenKeyIds(): string[] {
    return this.keyring.tokenKeyIds().reverse();
  }
}
