import { Gender } from '../../src/subjects/subject.enums';

/**
 * Builds NIKs for tests. Parts are given as their own digits (province '32', regency within the
 * province '04', district within the regency '10', serial '0001'); numbers are zero-padded.
 * Nothing is validated, so tests can build deliberately broken NIKs too.
 */
export interface NikParts {
  /** Two-digit province code, e.g. '32' (Jawa Barat). */
  province?: string | number;
  /** Two-digit regency within the province: 01–69 kabupaten, 71–99 kota. */
  regency?: string | number;
  /** Two-digit district within the regency. */
  district?: string | number;
  /** Declared birth date, YYYY-MM-DD; only its DD, MM and YY reach the NIK. */
  birthDate?: string;
  /** FEMALE adds 40 to the day digits. */
  gender?: Gender;
  /** Four-digit serial. */
  serial?: string | number;
}

export const DEFAULT_NIK_PARTS = {
  province: '32',
  regency: '04',
  district: '10',
  birthDate: '1995-07-15',
  gender: Gender.MALE,
  serial: '0001',
} as const satisfies Required<NikParts>;

function pad(value: string | number, width: number): string {
  return String(value).padStart(width, '0');
}

export function buildNik(parts: NikParts = {}): string {
  const p = { ...DEFAULT_NIK_PARTS, ...parts };
  const [year, month, day] = p.birthDate.split('-');
  const encodedDay = Number(day) + (p.gender === Gender.FEMALE ? 40 : 0);
  return (
    pad(p.province, 2) +
    pad(p.regency, 2) +
    pad(p.district, 2) +
    pad(encodedDay, 2) +
    pad(month, 2) +
    year.slice(-2) +
    pad(p.serial, 4)
  );
}

/** Replaces the characters of `nik` from `start` (0-based) with `replacement`, for mutation tests. */
export function withDigits(nik: string, start: number, replacement: string): string {
  return nik.slice(0, start) + replacement + nik.slice(start + replacement.length);
}
