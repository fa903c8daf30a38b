import { randomInt } from 'node:crypto';
import { Education, EmploymentStatus, Gender } from '../../src/subjects/subject.enums';
import { buildNik } from './nik';

export interface RegistrantFixture {
  nik: string;
  fullName: string;
  birthDate: string;
  gender: Gender;
  email: string;
  phone: string;
  provinceCode: string;
  regencyCode: string;
  addressLine: string;
  education: Education;
  employmentStatus: EmploymentStatus;
  wave: number;
}

let sequence = 0;

function letters(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz';
  let text = '';
  for (let i = 0; i < length; i += 1) text += alphabet[randomInt(alphabet.length)];
  return text;
}

function capitalized(word: string): string {
  return word[0]!.toUpperCase() + word.slice(1);
}

/**
 * A valid registration with values unique to this call, so tests can scan databases, logs and
 * responses for them without false hits. Override any field; the NIK follows birthDate/gender.
 */
export function buildRegistrant(overrides: Partial<RegistrantFixture> = {}): RegistrantFixture {
  sequence += 1;
  const gender = overrides.gender ?? (sequence % 2 ? Gender.FEMALE : Gender.MALE);
  const year = 1970 + randomInt(30);
  const month = String(1 + randomInt(12)).padStart(2, '0');
  const day = String(1 + randomInt(28)).padStart(2, '0');
  const birthDate = overrides.birthDate ?? `${year}-${month}-${day}`;
  const serial = String(1 + ((sequence * 37 + randomInt(9000)) % 9999)).padStart(4, '0');
  const nik = overrides.nik ?? buildNik({ province: '32', regency: '73', district: 10 + randomInt(80), birthDate, gender, serial });
  const given = capitalized(letters(7));
  const family = capitalized(letters(9));
  return {
    nik,
    fullName: `${gender === Gender.FEMALE ? 'Siti' : 'Budi'} ${given} ${family}`,
    birthDate,
    gender,
    email: `${given.toLowerCase()}.${family.toLowerCase()}${sequence}@contoh.co.id`,
    phone: `0812${String(randomInt(10_000_000, 99_999_999))}`,
    provinceCode: '31',
    regencyCode: '3171',
    addressLine: `Jl. ${capitalized(letters(8))} No. ${1 + randomInt(200)}, RT 0${1 + randomInt(9)}/RW 0${1 + randomInt(9)}`,
    education: Education.SENIOR_SECONDARY,
    employmentStatus: EmploymentStatus.UNEMPLOYED,
    wave: 1,
    ...overrides,
  };
}

export const REGISTER_MUTATION = /* GraphQL */ `
  mutation Register($input: RegisterInput!) {
    register(input: $input) { subjectId applicationId wave }
  }
`;

export const OPEN_WAVE_MUTATION = /* GraphQL */ `
  mutation OpenWave($input: OpenWaveInput!) {
    openWave(input: $input) { number opensAt closesAt quota }
  }
`;

export const RECORD_OUTCOME_MUTATION = /* GraphQL */ `
  mutation RecordOutcome($input: RecordOutcomeInput!) {
    recordOutcome(input: $input) { id wave outcome rejectionReason }
  }
`;

/** A wave window around `now` (open) or entirely in the past (closed). */
export function waveInput(number: number, now: Date, options: { open?: boolean; quota?: number } = {}) {
  const day = 24 * 3600 * 1000;
  const open = options.open ?? true;
  const opensAt = new Date(now.getTime() - (open ? 1 : 60) * day);
  const closesAt = new Date(now.getTime() + (open ? 30 : -30) * day);
  return { number, opensAt: opensAt.toISOString(), closesAt: closesAt.toISOString(), quota: options.quota ?? 1000 };
}
