import fc from 'fast-check';
import { compactDecrypt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { generateDataKey, VaultIntegrityError } from '../../../src/pseudonymization/data-keys';
import { openField, PERSONAL_FIELD_NAMES, sealField } from '../../../src/pseudonymization/sealed-field';
import { flipBit } from './fixtures';

const SUBJECT = 'subj_7QmX2kP9';
const OTHER_SUBJECT = 'subj_Bv4nR8tW';
const NAME = 'Siti Nurhaliza Putri';

function parts(jwe: string): string[] {
  return jwe.split('.');
}

function expectIntegrityError(run: () => unknown, check: RegExp, field: string, plaintext = NAME): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(VaultIntegrityError);
  const message = (caught as Error).message;
  expect(message).toContain(`"${field}"`);
  expect(message).toMatch(check);
  expect(message).not.toContain(plaintext);
}

describe('sealField', () => {
  it('produces a JWE that jose.compactDecrypt opens, with sub and fld in the protected header', async () => {
    const dataKey = generateDataKey();
    const jwe = sealField(dataKey, SUBJECT, 'fullName', NAME);
    const { plaintext, protectedHeader } = await compactDecrypt(jwe, dataKey);
    expect(new TextDecoder().decode(plaintext)).toBe(NAME);
    expect(protectedHeader).toEqual({ alg: 'dir', enc: 'A256GCM', sub: SUBJECT, fld: 'fullName' });
  });

  it('is compact form header..iv.ciphertext.tag with a 96-bit IV and 128-bit tag, and hides the plaintext', () => {
    const jwe = sealField(generateDataKey(), SUBJECT, 'nik', '3171014501900001');
    const [header, encryptedKey, iv, ciphertext, tag] = parts(jwe);
    expect(parts(jwe)).toHaveLength(5);
    expect(encryptedKey).toBe('');
    expect(decodeProtectedHeader(jwe)).toEqual({ alg: 'dir', enc: 'A256GCM', sub: SUBJECT, fld: 'nik' });
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString('utf8'))).toMatchObject({ sub: SUBJECT });
    expect(Buffer.from(iv!, 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag!, 'base64url')).toHaveLength(16);
    expect(Buffer.from(ciphertext!, 'base64url')).toHaveLength(16);
    expect(jwe).not.toContain('3171014501900001');
  });

  it('uses a fresh IV every time', () => {
    const dataKey = generateDataKey();
    const ivs = new Set(Array.from({ length: 100 }, () => parts(sealField(dataKey, SUBJECT, 'email', 'a@b.id'))[2]));
    expect(ivs.size).toBe(100);
  });

  it('round-trips any UTF-8 text through openField and jose, for every field', async () => {
    const dataKey = generateDataKey();
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme' }), fc.constantFrom(...PERSONAL_FIELD_NAMES), async (text, field) => {
        const jwe = sealField(dataKey, SUBJECT, field, text);
        expect(openField(dataKey, SUBJECT, field, jwe)).toBe(text);
        expect(new TextDecoder().decode((await compactDecrypt(jwe, dataKey)).plaintext)).toBe(text);
      }),
      { numRuns: 60 },
    );
  });
});

describe('openField', () => {
  it('opens what sealField wrote', () => {
    const dataKey = generateDataKey();
    expect(openField(dataKey, SUBJECT, 'fullName', sealField(dataKey, SUBJECT, 'fullName', NAME))).toBe(NAME);
  });

  it('refuses a JWE moved to another subject id', () => {
    const dataKey = generateDataKey();
    const jwe = sealField(dataKey, SUBJECT, 'fullName', NAME);
    expectIntegrityError(() => openField(dataKey, OTHER_SUBJECT, 'fullName', jwe), /sub does not match/, 'fullName');
  });

  it('refuses a JWE moved into another field', () => {
    const dataKey = generateDataKey();
    const jwe = sealField(dataKey, SUBJECT, 'fullName', NAME);
    expectIntegrityError(() => openField(dataKey, SUBJECT, 'addressLine', jwe), /fld does not match/, 'addressLine');
  });

  it("refuses a JWE opened under another subject's data key", () => {
    const jwe = sealField(generateDataKey(), SUBJECT, 'fullName', NAME);
    expectIntegrityError(() => openField(generateDataKey(), SUBJECT, 'fullName', jwe), /authentication failed/, 'fullName');
  });

  it('refuses a header rewritten to name the other subject (the tag covers the header)', () => {
    const dataKey = generateDataKey();
    const [, ...rest] = parts(sealField(dataKey, SUBJECT, 'fullName', NAME));
    const forgedHeader = Buffer.from(
      JSON.stringify({ alg: 'dir', enc: 'A256GCM', sub: OTHER_SUBJECT, fld: 'fullName' }),
    ).toString('base64url');
    const forged = [forgedHeader, ...rest].join('.');
    expectIntegrityError(() => openField(dataKey, OTHER_SUBJECT, 'fullName', forged), /authentication failed/, 'fullName');
  });

  it.each([
    ['header', 0, /protected header|authentication failed|alg\/enc|sub|fld/],
    ['iv', 2, /authentication failed/],
    ['ciphertext', 3, /authentication failed/],
    ['tag', 4, /authentication failed/],
  ])('refuses a tampered %s', (_label, index, check) => {
    const dataKey = generateDataKey();
    const segments = parts(sealField(dataKey, SUBJECT, 'fullName', NAME));
    for (const byte of [0, 5, 11]) {
      const tampered = [...segments];
      tampered[index] = flipBit(tampered[index]!, byte);
      expectIntegrityError(() => openField(dataKey, SUBJECT, 'fullName', tampered.join('.')), check, 'fullName');
    }
  });

  it.each([
    ['a non-JWE string', () => 'not-a-jwe', /5 parts/],
    ['a non-empty encrypted key', (jwe: string) => jwe.replace('..', '.AAAA.'), /encrypted key/],
    ['a header that is not JSON', (jwe: string) => `${Buffer.from('nope').toString('base64url')}${jwe.slice(jwe.indexOf('.'))}`, /not base64url-encoded JSON/],
    ['a header that is not base64url', (jwe: string) => `e*${jwe.slice(jwe.indexOf('.'))}`, /not base64url-encoded JSON/],
    ['a short IV', (jwe: string) => withPart(jwe, 2, 'AAAA'), /IV must be 12 bytes/],
    ['a truncated tag', (jwe: string) => withPart(jwe, 4, parts(jwe)[4]!.slice(0, 16)), /tag must be 16 bytes/],
  ])('refuses %s', (_label, mangle, check) => {
    const dataKey = generateDataKey();
    const jwe = sealField(dataKey, SUBJECT, 'email', 'siti@example.id');
    expectIntegrityError(() => openField(dataKey, SUBJECT, 'email', mangle(jwe)), check, 'email', 'siti@example.id');
  });

  it.each([
    ['alg', { alg: 'A256KW', enc: 'A256GCM' }, /alg\/enc/],
    ['enc', { alg: 'dir', enc: 'A128GCM' }, /alg\/enc/],
    ['zip', { alg: 'dir', enc: 'A256GCM', zip: 'DEF' }, /zip/],
  ])('refuses a header with the wrong %s before decrypting', (_label, overrides, check) => {
    const dataKey = generateDataKey();
    const header = Buffer.from(JSON.stringify({ sub: SUBJECT, fld: 'fullName', ...overrides })).toString('base64url');
    const jwe = withPart(sealField(dataKey, SUBJECT, 'fullName', NAME), 0, header);
    expectIntegrityError(() => openField(dataKey, SUBJECT, 'fullName', jwe), check, 'fullName');
  });
});

function withPart(jwe: string, index: number, value: string): string {
  const segments = parts(jwe);
  segments[index] = value;
  return segments.join('.');
}
