import { randomBytes } from 'node:crypto';
import { Keyring, type KeysFile } from '../../../src/pseudonymization/keyring';
import type { PersonalData } from '../../../src/pseudonymization/personal-data-sealer';

/** A fresh, valid keys file (t1/k1); tests mutate copies of it to build malformed ones. */
export function aKeysFile(): KeysFile {
  return Keyring.generate();
}

export function aKeyring(): Keyring {
  return Keyring.fromJson(aKeysFile());
}

export function base64Key(bytes = 32): string {
  return randomBytes(bytes).toString('base64');
}

export function somePersonalData(overrides: Partial<PersonalData> = {}): PersonalData {
  return {
    nik: '3171014501900001',
    fullName: 'Siti Nurhaliza Putri',
    birthDate: '1990-01-05',
    email: 'siti.putri@example.id',
    phone: '+62 812-3456-7890',
    addressLine: 'Jl. Merdeka No. 17, RT 03/RW 05, Gambir',
    ...overrides,
  };
}

/** Flips one bit of a base64url segment's decoded bytes and re-encodes it. */
export function flipBit(segment: string, byteIndex = 0): string {
  const bytes = Buffer.from(segment, 'base64url');
  bytes[byteIndex % bytes.length] ^= 0x01;
  return bytes.toString('base64url');
}
