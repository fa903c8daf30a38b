import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Keyring, KeyringError, rotateKeys } from '../../../src/pseudonymization/keyring';
import { normalizeEmail, normalizePhone, Tokenizer } from '../../../src/pseudonymization/tokenizer';
import { aKeysFile } from './fixtures';

const NIK = '3171014501900001';

function macPart(token: string): string {
  return token.slice(token.indexOf('.') + 1);
}

describe('Tokenizer', () => {
  it('is deterministic for the same key and value, also across instances', () => {
    const keyring = Keyring.fromJson(aKeysFile());
    const token = new Tokenizer(keyring).nikToken(NIK);
    expect(new Tokenizer(keyring).nikToken(NIK)).toBe(token);
    expect(new Tokenizer(keyring).nikToken(NIK)).toBe(new Tokenizer(keyring).token('nik', NIK));
    expect(token).toMatch(/^t1\.[A-Za-z0-9_-]{43}$/);
  });

  it('matches the documented construction: HMAC-SHA256 under HKDF(tokenKey, "samaran", "samaran/token/<field>")', () => {
    const keyring = Keyring.fromJson(aKeysFile());
    const subkey = Buffer.from(hkdfSync('sha256', keyring.tokenKey('t1'), 'samaran', 'samaran/token/nik', 32));
    const expected = createHmac('sha256', subkey).update(NIK).digest('base64url');
    expect(new Tokenizer(keyring).nikToken(NIK)).toBe(`t1.${expected}`);
  });

  it('differs per field for the same value (domain separation)', () => {
    const tokenizer = new Tokenizer(Keyring.fromJson(aKeysFile()));
    const value = '6281234567890';
    const tokens = new Set([
      macPart(tokenizer.token('nik', value)),
      macPart(tokenizer.token('phone', value)),
      macPart(tokenizer.token('email', value)),
    ]);
    expect(tokens.size).toBe(3);
  });

  it('differs per key and per keyring', () => {
    const keyring = Keyring.fromJson(rotateKeys(aKeysFile(), { token: true }));
    const tokenizer = new Tokenizer(keyring);
    expect(macPart(tokenizer.nikToken(NIK, 't1'))).not.toBe(macPart(tokenizer.nikToken(NIK, 't2')));
    expect(macPart(new Tokenizer(Keyring.fromJson(aKeysFile())).nikToken(NIK))).not.toBe(
      macPart(new Tokenizer(Keyring.fromJson(aKeysFile())).nikToken(NIK)),
    );
  });

  it('is not a bare hash of the value', () => {
    const token = macPart(new Tokenizer(Keyring.fromJson(aKeysFile())).nikToken(NIK));
    expect(token).not.toBe(createHash('sha256').update(NIK).digest('base64url'));
    expect(token).not.toBe(createHash('sha256').update(`nik:${NIK}`).digest('base64url'));
  });

  it('after rotation uses t2 for new tokens while t1 tokens still match', () => {
    const file = aKeysFile();
    const before = new Tokenizer(Keyring.fromJson(file));
    const storedToken = before.nikToken(NIK);
    const after = new Tokenizer(Keyring.fromJson(rotateKeys(file, { token: true })));
    expect(after.nikToken(NIK)).toMatch(/^t2\./);
    expect(after.nikToken(NIK, 't1')).toBe(storedToken);
    const all = after.tokensUnderAllKeys('nik', NIK);
    expect(all).toEqual([after.nikToken(NIK), storedToken]);
    expect(all).toContain(storedToken);
  });

  it('normalizes before tokenizing', () => {
    const tokenizer = new Tokenizer(Keyring.fromJson(aKeysFile()));
    expect(tokenizer.emailToken('  Siti.Putri@Example.ID ')).toBe(tokenizer.emailToken('siti.putri@example.id'));
    expect(tokenizer.phoneToken('0812-3456-7890')).toBe(tokenizer.phoneToken('+6281234567890'));
    expect(tokenizer.nikToken(` ${NIK} `)).toBe(tokenizer.nikToken(NIK));
    expect(tokenizer.emailToken('a@example.id')).not.toBe(tokenizer.emailToken('b@example.id'));
  });

  it('refuses an unknown key id and an empty value without echoing the value', () => {
    const tokenizer = new Tokenizer(Keyring.fromJson(aKeysFile()));
    expect(() => tokenizer.nikToken(NIK, 't9')).toThrow(KeyringError);
    expect(() => tokenizer.nikToken(NIK, 't9')).toThrow('unknown token key id "t9"');
    expect(() => tokenizer.phoneToken('(--)')).toThrow(/empty phone/);
    expect(() => tokenizer.emailToken('   ')).toThrow(/empty email/);
  });
});

describe('normalizePhone', () => {
  it.each([
    '081234567890',
    '+6281234567890',
    '6281234567890',
    '62-812-3456-7890',
    '+62 812 3456 7890',
    '(0812) 3456-7890',
    '+62 (0)812 3456 7890',
    '006281234567890',
    '81234567890',
  ])('%s → 6281234567890', (input) => {
    expect(normalizePhone(input)).toBe('6281234567890');
  });

  it('keeps different numbers different and leaves other country codes alone', () => {
    expect(normalizePhone('081234567891')).not.toBe(normalizePhone('081234567890'));
    expect(normalizePhone('+65 6123 4567')).toBe('6561234567');
    expect(normalizePhone('021-555-1234')).toBe('62215551234');
  });
});

describe('normalizeEmail', () => {
  it('trims and lower-cases', () => {
    expect(normalizeEmail('  Budi.Santoso@Mail.CO.ID\n')).toBe('budi.santoso@mail.co.id');
  });
});
