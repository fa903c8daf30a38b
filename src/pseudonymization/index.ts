/**
 * The pseudonymization layer: keyed lookup tokens, envelope-encrypted vault fields and the keys
 * behind both. Nothing exported here touches a database or the environment; the one database-aware
 * part, the key lifecycle (`key-lifecycle.service.ts`: rewrap, re-tokenize), is imported directly.
 */
export {
  Keyring,
  KeyringError,
  loadOrCreateDevelopmentKeys,
  rotateKeys,
  writeKeysFile,
  type KeyMaterial,
  type KeysFile,
} from './keyring';
export { normalizeEmail, normalizePhone, Tokenizer, type TokenField } from './tokenizer';
export {
  generateDataKey,
  unwrapDataKey,
  VaultIntegrityError,
  wrapDataKey,
  type WrappedDataKey,
} from './data-keys';
export { openField, PERSONAL_FIELD_NAMES, sealField, type PersonalFieldName } from './sealed-field';
export { PersonalDataSealer, type PersonalData, type SealedPersonalData } from './personal-data-sealer';
