import { generateDataKey, unwrapDataKey, VaultIntegrityError, wrapDataKey, type WrappedDataKey } from './data-keys';
import type { Keyring } from './keyring';
import { openField, PERSONAL_FIELD_NAMES, sealField, type PersonalFieldName, type SealedFieldName } from './sealed-field';

/** A registrant's personal fields in plaintext. Exists only in memory, never persisted as is. */
export interface PersonalData {
  nik: string;
  fullName: string;
  birthDate: string;
  email: string | null;
  phone: string | null;
  addressLine: string | null;
}

/** What the vault stores for one subject: its wrapped data key and one JWE per field (null when absent). */
export interface SealedPersonalData {
  dataKey: WrappedDataKey;
  fields: Record<PersonalFieldName, string | null>;
}

/**
 * Envelope encryption of a subject's vault entry: a fresh data key per subject, wrapped under the
 * current KEK, every field sealed under it and bound to the subject id. Destroying the wrapped key
 * crypto-shreds the entry.
 */
export class PersonalDataSealer {
  constructor(private readonly keyring: Keyring) {}

  /**
   * Seals every non-null field under a new random data key wrapped under the current KEK.
   * No side effects; the plaintext data key is zeroed before returning.
   * @throws KeyringError if the keyring has no usable KEK (it always has one once validated).
   */
  seal(subjectId: string, data: PersonalData): SealedPersonalData {
    const dataKey = generateDataKey();
    try {
      const fields = {} as Record<PersonalFieldName, string | null>;
      for (const field of PERSONAL_FIELD_NAMES) {
        const value = data[field];
        fields[field] = value === null ? null : sealField(dataKey, subjectId, field, value);
      }
      return { dataKey: wrapDataKey(this.keyring, dataKey), fields };
    } finally {
      dataKey.fill(0);
    }
  }

  /**
   * Unwraps the data key once and opens only the requested fields; the result has exactly those
   * keys, null where the sealed field is null. No side effects (callers log the access).
   * @throws KeyringError for an unknown KEK id; VaultIntegrityError when the wrapped key or a
   *   requested field fails its checks (e.g. moved from another subject), or a requested field is
   *   missing from the record.
   */
  open(
    subjectId: string,
    sealed: SealedPersonalData,
    fields: readonly PersonalFieldName[],
  ): Partial<Record<PersonalFieldName, string | null>> {
    const dataKey = unwrapDataKey(this.keyring, sealed.dataKey);
    try {
      const opened: Partial<Record<PersonalFieldName, string | null>> = {};
      for (const field of fields) {
        if (!PERSONAL_FIELD_NAMES.includes(field)) throw new RangeError(`unknown personal field "${String(field)}"`);
        const jwe = sealed.fields[field];
        if (jwe === undefined) throw new VaultIntegrityError(`sealed field "${field}": missing from the vault record`);
        opened[field] = jwe === null ? null : openField(dataKey, subjectId, field, jwe);
      }
      return opened;
    } finally {
      dataKey.fill(0);
    }
  }

  /**
   * Re-wraps a data key under the newest KEK (for the rewrap command after a KEK rotation); no
   * field is re-encrypted. A key already under the newest KEK is re-wrapped too (AES-KW is
   * deterministic, so the result is identical). No side effects.
   * @throws KeyringError for an unknown KEK id; VaultIntegrityError when the wrapped key fails its
   *   integrity check.
   */
  rewrap(wrapped: WrappedDataKey): WrappedDataKey {
    const dataKey = unwrapDataKey(this.keyring, wrapped);
    try {
      return wrapDataKey(this.keyring, dataKey);
    } finally {
      dataKey.fill(0);
    }
  }

  /**
   * Seals one extra value (an erasure request's evidence note) under the subject's existing data
   * key, bound to the subject id and `field`. Destroying the data key shreds it with the vault.
   * No side effects.
   * @throws KeyringError / VaultIntegrityError as for `open`.
   */
  sealWithSubjectKey(subjectId: string, wrapped: WrappedDataKey, field: SealedFieldName, plaintext: string): string {
    const dataKey = unwrapDataKey(this.keyring, wrapped);
    try {
      return sealField(dataKey, subjectId, field, plaintext);
    } finally {
      dataKey.fill(0);
    }
  }

  /**
   * Opens a value sealed by `sealWithSubjectKey`. No side effects (callers log the access).
   * @throws KeyringError / VaultIntegrityError as for `open`.
   */
  openWithSubjectKey(subjectId: string, wrapped: WrappedDataKey, field: SealedFieldName, jwe: string): string {
    const dataKey = unwrapDataKey(this.keyring, wrapped);
    try {
      return openField(dataKey, subjectId, field, jwe);
    } finally {
      dataKey.fill(0);
    }
  }
}
