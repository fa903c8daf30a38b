import { createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  generateDataKey,
  unwrapDataKey,
  VaultIntegrityError,
  wrapDataKey,
  type WrappedDataKey,
} from '../../../src/pseudonymization/data-keys';
import { Keyring, KeyringError, rotateKeys } from '../../../src/pseudonymization/keyring';
import { aKeyring, aKeysFile, flipBit } from './fixtures';

describe('generateDataKey', () => {
  it('returns 32 fresh random bytes each time', () => {
    const keys = Array.from({ length: 200 }, () => generateDataKey().toString('hex'));
    expect(new Set(keys).size).toBe(200);
    expect(Buffer.from(keys[0]!, 'hex')).toHaveLength(32);
  });
});

describe('wrapDataKey / unwrapDataKey', () => {
  it('round-trips under the current KEK with a 40-byte RFC 3394 output', () => {
    const keyring = aKeyring();
    const dataKey = generateDataKey();
    const wrapped = wrapDataKey(keyring, dataKey);
    expect(wrapped.kekId).toBe('k1');
    expect(Buffer.from(wrapped.wrappedKey, 'base64url')).toHaveLength(40);
    expect(wrapped.wrappedKey).not.toContain(dataKey.toString('base64url'));
    expect(unwrapDataKey(keyring, wrapped).equals(dataKey)).toBe(true);
  });

  it('is standard AES-256-KW (checked against the RFC 3394 §4.6 test vector)', () => {
    const kek = Buffer.from('000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F', 'hex');
    const keyData = Buffer.from('00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F', 'hex');
    const file = aKeysFile();
    file.keyEncryptionKeys[0]!.key = kek.toString('base64');
    const wrapped = wrapDataKey(Keyring.fromJson(file), keyData);
    expect(Buffer.from(wrapped.wrappedKey, 'base64url').toString('hex').toUpperCase()).toBe(
      '28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21',
    );
    // And the standard unwrap, done independently, recovers it.
    const decipher = createDecipheriv('id-aes256-wrap', kek, Buffer.from('A6A6A6A6A6A6A6A6', 'hex'));
    const unwrapped = Buffer.concat([decipher.update(Buffer.from(wrapped.wrappedKey, 'base64url')), decipher.final()]);
    expect(unwrapped.equals(keyData)).toBe(true);
  });

  it('wraps under an explicitly named older KEK', () => {
    const keyring = Keyring.fromJson(rotateKeys(aKeysFile(), { kek: true }));
    const dataKey = generateDataKey();
    const wrapped = wrapDataKey(keyring, dataKey, 'k1');
    expect(wrapped.kekId).toBe('k1');
    expect(unwrapDataKey(keyring, wrapped).equals(dataKey)).toBe(true);
  });

  it('after a KEK rotation wraps under k2 while k1-wrapped keys still unwrap', () => {
    const file = aKeysFile();
    const dataKey = generateDataKey();
    const oldWrapped = wrapDataKey(Keyring.fromJson(file), dataKey);
    const rotated = Keyring.fromJson(rotateKeys(file, { kek: true }));
    const newWrapped = wrapDataKey(rotated, dataKey);
    expect(oldWrapped.kekId).toBe('k1');
    expect(newWrapped.kekId).toBe('k2');
    expect(newWrapped.wrappedKey).not.toBe(oldWrapped.wrappedKey);
    expect(unwrapDataKey(rotated, oldWrapped).equals(dataKey)).toBe(true);
    expect(unwrapDataKey(rotated, newWrapped).equals(dataKey)).toBe(true);
  });

  it('refuses an unknown or missing KEK id with a KeyringError naming the problem', () => {
    const keyring = aKeyring();
    const wrapped = wrapDataKey(keyring, generateDataKey());
    expect(() => unwrapDataKey(keyring, { ...wrapped, kekId: 'k9' })).toThrow(KeyringError);
    expect(() => unwrapDataKey(keyring, { ...wrapped, kekId: 'k9' })).toThrow('unknown key-encryption key id "k9"');
    expect(() => wrapDataKey(keyring, generateDataKey(), 'k9')).toThrow(KeyringError);
    const missing = { wrappedKey: wrapped.wrappedKey } as unknown as WrappedDataKey;
    expect(() => unwrapDataKey(keyring, missing)).toThrow(KeyringError);
    expect(() => unwrapDataKey(keyring, missing)).toThrow(/no KEK id/);
    expect(() => unwrapDataKey(keyring, { ...wrapped, kekId: '' })).toThrow(/no KEK id/);
  });

  it('detects a tampered wrapped key, a wrong KEK and a malformed value', () => {
    const keyring = aKeyring();
    const wrapped = wrapDataKey(keyring, generateDataKey());
    for (const index of [0, 8, 39]) {
      expect(() => unwrapDataKey(keyring, { ...wrapped, wrappedKey: flipBit(wrapped.wrappedKey, index) })).toThrow(
        VaultIntegrityError,
      );
    }
    // Same id "k1", different key material: what a restore with the wrong keys file looks like.
    expect(() => unwrapDataKey(aKeyring(), wrapped)).toThrow(VaultIntegrityError);
    expect(() => unwrapDataKey(keyring, { ...wrapped, wrappedKey: wrapped.wrappedKey.slice(0, 32) })).toThrow(
      /malformed/,
    );
    expect(() => unwrapDataKey(keyring, { ...wrapped, wrappedKey: `${wrapped.wrappedKey}!` })).toThrow(/malformed/);
  });

  it('rejects data keys of the wrong size', () => {
    expect(() => wrapDataKey(aKeyring(), Buffer.alloc(16))).toThrow(RangeError);
  });
});
