import { createCipheriv, createDecipheriv } from 'node:crypto';
import { decodeBase64UrlStrict } from './base64url';
import { type Keyring, KeyringError } from './keyring';
import { randomBytesPooled } from './random-pool';

/** A per-subject data key wrapped (RFC 3394 AES-256-KW) under the KEK named by `kekId`. */
export interface WrappedDataKey {
  kekId: string;
  /** base64url of the 40-byte key-wrap output. */
  wrappedKey: string;
}

/**
 * Stored ciphertext that fails an integrity check: a wrapped key or sealed field that was
 * tampered with, moved to another row, or is being opened with the wrong key. Messages name the
 * field or record and the failed check, never any plaintext or key material.
 */
export class VaultIntegrityError extends Error {
  override readonly name = 'VaultIntegrityError';
}

const DATA_KEY_BYTES = 32;
const WRAPPED_KEY_BYTES = DATA_KEY_BYTES + 8;
// RFC 3394 §2.2.3.1 default initial value; unwrap checks it, which is what gives KW its integrity.
const DEFAULT_IV = Buffer.from('A6A6A6A6A6A6A6A6', 'hex');

/** 32 fresh random bytes for one subject's vault entry. */
export function generateDataKey(): Buffer {
  return randomBytesPooled(DATA_KEY_BYTES);
}

/**
 * Wraps a data key with AES-256-KW (RFC 3394, default IV) under `kekId`, default the current KEK.
 * No side effects.
 * @throws KeyringError for an unknown KEK id; RangeError when `dataKey` is not 32 bytes.
 */
export function wrapDataKey(keyring: Keyring, dataKey: Buffer, kekId: string = keyring.currentKekId): WrappedDataKey {
  if (dataKey.length !== DATA_KEY_BYTES) throw new RangeError(`a data key must be ${DATA_KEY_BYTES} bytes`);
  const cipher = createCipheriv('id-aes256-wrap', keyring.kek(kekId), DEFAULT_IV);
  const wrapped = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return { kekId, wrappedKey: wrapped.toString('base64url') };
}

/**
 * Unwraps a data key. No side effects; the caller should `fill(0)` the result when done.
 * @throws KeyringError when `wrapped.kekId` is missing or not in the keyring;
 *   VaultIntegrityError when the wrapped key is malformed, tampered with, or was wrapped under a
 *   different key than the one its id names.
 */
export function unwrapDataKey(keyring: Keyring, wrapped: WrappedDataKey): Buffer {
  // Checked here and not left to keyring.kek(): a record without a kekId is a data problem the
  // message should name as such, not "unknown id undefined".
  const { kekId, wrappedKey } = wrapped as Partial<WrappedDataKey>;
  if (typeof kekId !== 'string' || kekId.length === 0) {
    throw new KeyringError('wrapped data key has no KEK id; it cannot be unwrapped');
  }
  const kek = keyring.kek(kekId);
  const bytes = typeof wrappedKey === 'string' ? decodeBase64UrlStrict(wrappedKey) : undefined;
  if (!bytes || bytes.length !== WRAPPED_KEY_BYTES) {
    throw new VaultIntegrityError(
      `wrapped data key (KEK "${kekId}") is malformed: expected base64url of ${WRAPPED_KEY_BYTES} bytes`,
    );
  }
  try {
    const decipher = createDecipheriv('id-aes256-wrap', kek, DEFAULT_IV);
    return Buffer.concat([decipher.update(bytes), decipher.final()]);
  } catch {
    throw new VaultIntegrityError(
      `wrapped data key failed its integrity check under KEK "${kekId}" (tampered, or wrapped under another key)`,
    );
  }
}
