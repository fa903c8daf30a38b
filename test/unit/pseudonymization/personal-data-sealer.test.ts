import { compactDecrypt } from 'jose';
import { describe, expect, it } from 'vitest';
import { unwrapDataKey, VaultIntegrityError } from '../../../src/pseudonymization/data-keys';
import { Keyring, KeyringError, rotateKeys } from '../../../src/pseudonymization/keyring';
import { PersonalDataSealer } from '../../../src/pseudonymization/personal-data-sealer';
import { PERSONAL_FIELD_NAMES } from '../../../src/pseudonymization/sealed-field';
import { aKeysFile, somePersonalData } from './fixtures';

const SUBJECT = 'subj_7QmX2kP9';

describe('PersonalDataSealer', () => {
  it('seals every present field and opens them all back', () => {
    const sealer = new PersonalDataSealer(Keyring.fromJson(aKeysFile()));
    const data = somePersonalData();
    const sealed = sealer.seal(SUBJECT, data);
    expect(sealed.dataKey.kekId).toBe('k1');
    expect(Object.keys(sealed.fields).sort()).toEqual([...PERSONAL_FIELD_NAMES].sort());
    const serialized = JSON.stringify(sealed);
    for (const value of Object.values(data)) expect(serialized).not.toContain(value as string);
    expect(sealer.open(SUBJECT, sealed, PERSONAL_FIELD_NAMES)).toEqual(data);
  });

  it('writes fields that jose decrypts with the unwrapped data key', async () => {
    const keyring = Keyring.fromJson(aKeysFile());
    const sealed = new PersonalDataSealer(keyring).seal(SUBJECT, somePersonalData());
    const { plaintext, protectedHeader } = await compactDecrypt(sealed.fields.nik!, unwrapDataKey(keyring, sealed.dataKey));
    expect(new TextDecoder().decode(plaintext)).toBe(somePersonalData().nik);
    expect(protectedHeader).toMatchObject({ sub: SUBJECT, fld: 'nik' });
  });

  it('keeps absent fields null and opens only the requested fields', () => {
    const sealer = new PersonalDataSealer(Keyring.fromJson(aKeysFile()));
    const sealed = sealer.seal(SUBJECT, somePersonalData({ email: null, addressLine: null }));
    expect(sealed.fields.email).toBeNull();
    expect(sealed.fields.addressLine).toBeNull();
    expect(sealer.open(SUBJECT, sealed, ['fullName', 'email'])).toEqual({
      fullName: somePersonalData().fullName,
      email: null,
    });
  });

  it('uses a different data key per subject', () => {
    const sealer = new PersonalDataSealer(Keyring.fromJson(aKeysFile()));
    const a = sealer.seal(SUBJECT, somePersonalData());
    const b = sealer.seal(SUBJECT, somePersonalData());
    expect(a.dataKey.wrappedKey).not.toBe(b.dataKey.wrappedKey);
  });

  it("refuses fields moved to another subject's record", () => {
    const sealer = new PersonalDataSealer(Keyring.fromJson(aKeysFile()));
    const victim = sealer.seal(SUBJECT, somePersonalData());
    const attacker = sealer.seal('subj_other', somePersonalData({ fullName: 'Someone Else' }));
    // Row swap keeping the victim's key: the header names the wrong subject.
    expect(() => sealer.open('subj_other', { ...attacker, dataKey: victim.dataKey, fields: victim.fields }, ['fullName'])).toThrow(
      VaultIntegrityError,
    );
    // Field pasted into another record: wrong subject and wrong data key.
    expect(() =>
      sealer.open('subj_other', { ...attacker, fields: { ...attacker.fields, fullName: victim.fields.fullName } }, ['fullName']),
    ).toThrow(VaultIntegrityError);
  });

  it('refuses a record whose requested field is missing', () => {
    const sealer = new PersonalDataSealer(Keyring.fromJson(aKeysFile()));
    const sealed = sealer.seal(SUBJECT, somePersonalData());
    const { phone: _phone, ...fields } = sealed.fields;
    const broken = { ...sealed, fields: fields as typeof sealed.fields };
    expect(() => sealer.open(SUBJECT, broken, ['phone'])).toThrow(/"phone": missing/);
    expect(sealer.open(SUBJECT, broken, ['nik'])).toEqual({ nik: somePersonalData().nik });
  });

  it('after a KEK rotation seals under k2, still opens k1 records, and rewraps without re-encrypting', () => {
    const file = aKeysFile();
    const oldSealed = new PersonalDataSealer(Keyring.fromJson(file)).seal(SUBJECT, somePersonalData());
    const rotated = new PersonalDataSealer(Keyring.fromJson(rotateKeys(file, { kek: true })));

    expect(rotated.seal(SUBJECT, somePersonalData()).dataKey.kekId).toBe('k2');
    expect(rotated.open(SUBJECT, oldSealed, ['nik'])).toEqual({ nik: somePersonalData().nik });

    const rewrapped = rotated.rewrap(oldSealed.dataKey);
    expect(rewrapped.kekId).toBe('k2');
    expect(rewrapped.wrappedKey).not.toBe(oldSealed.dataKey.wrappedKey);
    expect(rotated.open(SUBJECT, { ...oldSealed, dataKey: rewrapped }, PERSONAL_FIELD_NAMES)).toEqual(somePersonalData());
  });

  it('refuses to open or rewrap under a KEK the keyring does not have', () => {
    const sealed = new PersonalDataSealer(Keyring.fromJson(rotateKeys(aKeysFile(), { kek: true }))).seal(
      SUBJECT,
      somePersonalData(),
    );
    const withoutK2 = new PersonalDataSealer(Keyring.fromJson(aKeysFile()));
    expect(() => withoutK2.open(SUBJECT, sealed, ['nik'])).toThrow(KeyringError);
    expect(() => withoutK2.rewrap(sealed.dataKey)).toThrow('unknown key-encryption key id "k2"');
  });
});
