import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  Keyring,
  KeyringError,
  loadOrCreateDevelopmentKeys,
  rotateKeys,
  writeKeysFile,
  type KeysFile,
} from '../../../src/pseudonymization/keyring';
import { aKeysFile, base64Key } from './fixtures';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'samaran-keys-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function expectKeyringError(run: () => unknown, message: RegExp): KeyringError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(KeyringError);
  expect((caught as KeyringError).message).toMatch(message);
  return caught as KeyringError;
}

describe('Keyring.generate / fromJson', () => {
  it('generates t1 and k1 with 32 distinct random bytes each', () => {
    const file = Keyring.generate();
    expect(file.version).toBe(1);
    expect(file.tokenKeys.map((k) => k.id)).toEqual(['t1']);
    expect(file.keyEncryptionKeys.map((k) => k.id)).toEqual(['k1']);
    const keyring = Keyring.fromJson(file);
    expect(keyring.tokenKey('t1')).toHaveLength(32);
    expect(keyring.kek('k1')).toHaveLength(32);
    expect(keyring.tokenKey('t1').equals(keyring.kek('k1'))).toBe(false);
    expect(Keyring.generate().tokenKeys[0]!.key).not.toBe(file.tokenKeys[0]!.key);
  });

  it('treats the last entry of each list as current and round-trips through toJSON', () => {
    const file = rotateKeys(aKeysFile(), { token: true, kek: true });
    const keyring = Keyring.fromJson(file);
    expect(keyring.currentTokenKeyId).toBe('t2');
    expect(keyring.currentKekId).toBe('k2');
    expect(keyring.tokenKeyIds()).toEqual(['t1', 't2']);
    expect(keyring.kekIds()).toEqual(['k1', 'k2']);
    expect(keyring.toJSON()).toEqual(file);
    expect(keyring.tokenKey('t2').equals(Buffer.from(file.tokenKeys[1]!.key, 'base64'))).toBe(true);
  });

  it('does not let callers mutate its state through toJSON or id lists', () => {
    const keyring = Keyring.fromJson(aKeysFile());
    keyring.toJSON().tokenKeys.push({ id: 't9', key: base64Key(), createdAt: new Date().toISOString() });
    keyring.tokenKeyIds().push('t9');
    expect(keyring.tokenKeyIds()).toEqual(['t1']);
  });

  it('names an unknown token key or KEK id', () => {
    const keyring = Keyring.fromJson(aKeysFile());
    expectKeyringError(() => keyring.tokenKey('x'), /^unknown token key id "x"$/);
    expectKeyringError(() => keyring.kek('k7'), /unknown key-encryption key id "k7"/);
  });

  const malformed: Array<[string, (file: KeysFile) => unknown, RegExp]> = [
    ['a short key', (f) => ((f.tokenKeys[0]!.key = base64Key(16)), f), /tokenKeys\[0\]\.key .*32 bytes, got 16/],
    ['a long key', (f) => ((f.keyEncryptionKeys[0]!.key = base64Key(33)), f), /keyEncryptionKeys\[0\]\.key .*got 33/],
    ['a key that is not base64', (f) => ((f.tokenKeys[0]!.key = 'not base64!'.padEnd(44, '*')), f), /base64/],
    [
      'a duplicate id',
      (f) => (f.keyEncryptionKeys.push({ ...f.keyEncryptionKeys[0]!, key: base64Key() }), f),
      /duplicate key id "k1" in "keyEncryptionKeys"/,
    ],
    ['an empty token key list', (f) => ((f.tokenKeys = []), f), /"tokenKeys" must hold at least one key/],
    ['an empty KEK list', (f) => ((f.keyEncryptionKeys = []), f), /"keyEncryptionKeys" must hold at least one key/],
    ['a missing list', (f) => ({ version: 1, tokenKeys: f.tokenKeys }), /"keyEncryptionKeys" must be an array/],
    ['a wrong version', (f) => ({ ...f, version: 2 }), /unsupported version 2/],
    ['a missing version', (f) => ({ tokenKeys: f.tokenKeys, keyEncryptionKeys: f.keyEncryptionKeys }), /version/],
    ['an unknown property', (f) => ({ ...f, extra: true }), /unknown property "extra"/],
    ['an id with a dot', (f) => ((f.tokenKeys[0]!.id = 't.1'), f), /tokenKeys\[0\]\.id/],
    ['a bad createdAt', (f) => ((f.tokenKeys[0]!.createdAt = 'yesterday'), f), /createdAt/],
    ['an array', () => [], /must be a JSON object/],
    ['null', () => null, /must be a JSON object/],
  ];
  it.each(malformed)('rejects %s', (_label, corrupt, message) => {
    const file = aKeysFile();
    const keyBytes = [...file.tokenKeys, ...file.keyEncryptionKeys].map((k) => k.key);
    const error = expectKeyringError(() => Keyring.fromJson(corrupt(file)), message);
    for (const key of keyBytes) expect(error.message).not.toContain(key);
  });
});

describe('Keyring.fromFile', () => {
  it('names the path when the file is missing', () => {
    const missing = path.join(dir, 'nope.json');
    expectKeyringError(() => Keyring.fromFile(missing), new RegExp(`not found: ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('names the path and the problem when the file is not JSON, without quoting its content', () => {
    const file = path.join(dir, 'keys.json');
    const secret = base64Key();
    fs.writeFileSync(file, `{"version":1,"tokenKeys":[{"key":"${secret}"`);
    const error = expectKeyringError(() => Keyring.fromFile(file), /is not valid JSON/);
    expect(error.message).toContain(file);
    expect(error.message).not.toContain(secret);
  });

  it('names the path when the content fails validation', () => {
    const file = path.join(dir, 'keys.json');
    const keys = aKeysFile();
    keys.tokenKeys[0]!.key = base64Key(31);
    fs.writeFileSync(file, JSON.stringify(keys));
    const error = expectKeyringError(() => Keyring.fromFile(file), /got 31/);
    expect(error.message).toContain(file);
  });
});

describe('rotateKeys', () => {
  it('appends t2/k2 as newest without touching the input', () => {
    const original = aKeysFile();
    const snapshot = structuredClone(original);
    const rotated = rotateKeys(original, { token: true, kek: true });
    expect(original).toEqual(snapshot);
    expect(rotated.tokenKeys.map((k) => k.id)).toEqual(['t1', 't2']);
    expect(rotated.keyEncryptionKeys.map((k) => k.id)).toEqual(['k1', 'k2']);
    expect(rotated.tokenKeys[0]).toEqual(original.tokenKeys[0]);
    expect(rotated.tokenKeys[1]!.key).not.toBe(original.tokenKeys[0]!.key);
    expect(() => Keyring.fromJson(rotated)).not.toThrow();
  });

  it('rotates only the requested kind and keeps counting', () => {
    const once = rotateKeys(aKeysFile(), { kek: true });
    expect(once.tokenKeys.map((k) => k.id)).toEqual(['t1']);
    const twice = rotateKeys(once, { kek: true });
    expect(twice.keyEncryptionKeys.map((k) => k.id)).toEqual(['k1', 'k2', 'k3']);
  });
});

describe('writeKeysFile', () => {
  it('creates missing parent directories and writes a 0600 file that loads back', () => {
    const file = path.join(dir, 'nested', 'deeper', 'keys.json');
    const keys = aKeysFile();
    writeKeysFile(file, keys);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(Keyring.fromFile(file).toJSON()).toEqual(keys);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['keys.json']);
  });

  it('replaces an existing file atomically and leaves no temporary file', () => {
    const file = path.join(dir, 'keys.json');
    writeKeysFile(file, aKeysFile());
    const rotated = rotateKeys(Keyring.fromFile(file).toJSON(), { token: true });
    writeKeysFile(file, rotated);
    expect(Keyring.fromFile(file).currentTokenKeyId).toBe('t2');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual(['keys.json']);
  });

  it('refuses to write an invalid file', () => {
    const file = path.join(dir, 'keys.json');
    expect(() => writeKeysFile(file, { ...aKeysFile(), tokenKeys: [] })).toThrow(KeyringError);
    expect(fs.existsSync(file)).toBe(false);
  });
});

describe('loadOrCreateDevelopmentKeys', () => {
  it('creates the file once with a loud warning, then loads the same keys silently', () => {
    const file = path.join(dir, 'data', 'keys.json');
    const warn = vi.fn<(message: string) => void>();
    const first = loadOrCreateDevelopmentKeys(file, warn);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/DEVELOPMENT KEYS/);
    expect(warn.mock.calls[0]![0]).toMatch(/DO NOT USE THEM IN PRODUCTION/);
    expect(warn.mock.calls[0]![0]).toContain(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    const second = loadOrCreateDevelopmentKeys(file, warn);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(second.toJSON()).toEqual(first.toJSON());
    expect(second.tokenKey('t1').equals(first.tokenKey('t1'))).toBe(true);
  });

  it('never overwrites an existing invalid file', () => {
    const file = path.join(dir, 'keys.json');
    fs.writeFileSync(file, '{}');
    const warn = vi.fn<(message: string) => void>();
    expect(() => loadOrCreateDevelopmentKeys(file, warn)).toThrow(KeyringError);
    expect(fs.readFileSync(file, 'utf8')).toBe('{}');
    expect(warn).not.toHaveBeenCalled();
  });
});
