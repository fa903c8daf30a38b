import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors';
import {
  ageAt,
  assertValidIdentity,
  checkIdentity,
  IDENTITY_VIOLATIONS,
  type IdentityViolationCode,
  parseIsoDate,
  parseNik,
} from '../../../src/registration/nik';
import { Gender } from '../../../src/subjects/subject.enums';
import { buildNik, withDigits } from '../../factories/nik';

const AT = new Date('2025-06-01T03:00:00Z');
const BASE = { birthDate: '1995-07-15', gender: Gender.MALE };
const BASE_NIK = buildNik({ province: '32', regency: '04', district: '10', ...BASE, serial: '0123' });

function violationCode(input: { nik: string; birthDate: string; gender: Gender }, at = AT): IdentityViolationCode | 'OK' {
  const r = checkIdentity(input, at);
  return r.ok ? 'OK' : r.violation.code;
}

describe('parseNik', () => {
  it('reads every part of a valid NIK', () => {
    expect(BASE_NIK).toBe('3204101507950123');
    const r = parseNik(BASE_NIK);
    expect(r).toEqual({
      ok: true,
      facts: {
        provinceCode: '32',
        regencyCode: '3204',
        districtCode: '320410',
        gender: Gender.MALE,
        day: 15,
        month: 7,
        yearTwoDigits: 95,
        serial: '0123',
      },
    });
  });

  it('reads a woman from the day digits with 40 added', () => {
    const nik = buildNik({ birthDate: '1995-07-15', gender: Gender.FEMALE });
    expect(nik.slice(6, 8)).toBe('55');
    const r = parseNik(nik);
    expect(r.ok && r.facts).toMatchObject({ gender: Gender.FEMALE, day: 15, month: 7 });
  });

  it('accepts kota regencies 71–99 and kabupaten 01–69', () => {
    for (const regency of ['01', '69', '71', '99']) {
      expect(parseNik(withDigits(BASE_NIK, 2, regency)).ok, regency).toBe(true);
    }
  });

  // One mutation of the valid base per rule.
  it.each<[string, string, IdentityViolationCode]>([
    ['15 digits', BASE_NIK.slice(0, 15), 'NIK_FORMAT'],
    ['17 digits', BASE_NIK + '1', 'NIK_FORMAT'],
    ['a letter', withDigits(BASE_NIK, 9, 'A'), 'NIK_FORMAT'],
    ['a space', withDigits(BASE_NIK, 0, ' '), 'NIK_FORMAT'],
    ['full-width digit', withDigits(BASE_NIK, 3, '４'), 'NIK_FORMAT'],
    ['unknown province 20', withDigits(BASE_NIK, 0, '20'), 'NIK_PROVINCE'],
    ['unknown province 37', withDigits(BASE_NIK, 0, '37'), 'NIK_PROVINCE'],
    ['province 00', withDigits(BASE_NIK, 0, '00'), 'NIK_PROVINCE'],
    ['regency 00', withDigits(BASE_NIK, 2, '00'), 'NIK_REGENCY'],
    ['regency 70', withDigits(BASE_NIK, 2, '70'), 'NIK_REGENCY'],
    ['district 00', withDigits(BASE_NIK, 4, '00'), 'NIK_DISTRICT'],
    ['day 00', withDigits(BASE_NIK, 6, '00'), 'NIK_BIRTH_DATE'],
    ['day 32', withDigits(BASE_NIK, 6, '32'), 'NIK_BIRTH_DATE'],
    ['day 40 (female day 0)', withDigits(BASE_NIK, 6, '40'), 'NIK_BIRTH_DATE'],
    ['day 72 (female day 32)', withDigits(BASE_NIK, 6, '72'), 'NIK_BIRTH_DATE'],
    ['month 00', withDigits(BASE_NIK, 8, '00'), 'NIK_BIRTH_DATE'],
    ['month 13', withDigits(BASE_NIK, 8, '13'), 'NIK_BIRTH_DATE'],
    ['31 April', withDigits(BASE_NIK, 6, '3104'), 'NIK_BIRTH_DATE'],
    ['30 February', withDigits(BASE_NIK, 6, '3002'), 'NIK_BIRTH_DATE'],
    ['29 February of a year never leap', withDigits(BASE_NIK, 6, '290295'), 'NIK_BIRTH_DATE'],
    ['serial 0000', withDigits(BASE_NIK, 12, '0000'), 'NIK_SERIAL'],
  ])('refuses %s', (_label, nik, code) => {
    const r = parseNik(nik);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.violation).toMatchObject({ field: 'nik', code });
  });

  it('accepts 29 February when the two-digit year can be a leap year (including 00 for 2000)', () => {
    expect(parseNik(withDigits(BASE_NIK, 6, '290296')).ok).toBe(true);
    expect(parseNik(withDigits(BASE_NIK, 6, '690200')).ok).toBe(true);
  });
});

describe('parseIsoDate', () => {
  it('parses a real date', () => {
    expect(parseIsoDate('2000-02-29')).toEqual({ year: 2000, month: 2, day: 29 });
    expect(parseIsoDate('1996-12-31')).toEqual({ year: 1996, month: 12, day: 31 });
  });

  it.each(['1900-02-29', '2001-02-29', '1995-04-31', '1995-13-01', '1995-00-10', '1995-01-00', '1995-7-15', '1995/07/15',
    '1995-07-15T00:00:00Z', ' 1995-07-15', '0000-01-01', '', '19950715', '1995-07-1a'])('refuses %j', (value) => {
    expect(parseIsoDate(value)).toBeNull();
  });
});

describe('ageAt', () => {
  it('counts whole years in UTC', () => {
    const birth = { year: 2000, month: 6, day: 1 };
    expect(ageAt(birth, new Date('2018-05-31T23:59:59Z'))).toBe(17);
    expect(ageAt(birth, new Date('2018-06-01T00:00:00Z'))).toBe(18);
    expect(ageAt(birth, new Date('1999-01-01T00:00:00Z'))).toBe(-2);
  });

  it('lets a 29 February birthday complete its year on 1 March in common years', () => {
    const birth = { year: 2004, month: 2, day: 29 };
    expect(ageAt(birth, new Date('2022-02-28T12:00:00Z'))).toBe(17);
    expect(ageAt(birth, new Date('2022-03-01T00:00:00Z'))).toBe(18);
    expect(ageAt(birth, new Date('2024-02-29T00:00:00Z'))).toBe(20);
  });
});

describe('checkIdentity', () => {
  it('accepts a consistent adult and returns facts and age', () => {
    const r = checkIdentity({ nik: BASE_NIK, ...BASE }, AT);
    expect(r.ok).toBe(true);
    expect(r.ok && r.age).toBe(29);
    expect(r.ok && r.facts.regencyCode).toBe('3204');
  });

  it('accepts a woman whose NIK day has 40 added', () => {
    const input = { nik: buildNik({ birthDate: '1990-03-09', gender: Gender.FEMALE }), birthDate: '1990-03-09', gender: Gender.FEMALE };
    expect(violationCode(input)).toBe('OK');
  });

  it('refuses a malformed birthDate on the birthDate field', () => {
    const r = checkIdentity({ nik: BASE_NIK, birthDate: '15-07-1995', gender: Gender.MALE }, AT);
    expect(!r.ok && r.violation).toMatchObject({ field: 'birthDate', code: 'BIRTH_DATE_FORMAT' });
  });

  it.each([
    ['day', '1995-07-16'],
    ['month', '1995-08-15'],
    ['year', '1985-07-15'],
  ])('refuses a NIK whose %s disagrees with birthDate, on the nik field', (_part, birthDate) => {
    const r = checkIdentity({ nik: BASE_NIK, birthDate, gender: Gender.MALE }, AT);
    expect(!r.ok && r.violation).toMatchObject({ field: 'nik', code: 'NIK_BIRTH_DATE_MISMATCH' });
  });

  it('cannot tell centuries apart from the NIK: a date a century earlier matches DD/MM/YY', () => {
    expect(violationCode({ nik: BASE_NIK, birthDate: '1895-07-15', gender: Gender.MALE })).toBe('OK');
  });

  it('refuses a gender that disagrees with the NIK, both ways', () => {
    expect(violationCode({ nik: BASE_NIK, birthDate: BASE.birthDate, gender: Gender.FEMALE })).toBe('NIK_GENDER_MISMATCH');
    const femaleNik = buildNik({ ...BASE, gender: Gender.FEMALE });
    const r = checkIdentity({ nik: femaleNik, birthDate: BASE.birthDate, gender: Gender.MALE }, AT);
    expect(!r.ok && r.violation).toMatchObject({ field: 'nik', code: 'NIK_GENDER_MISMATCH' });
  });

  it('handles 29 February: valid in a leap year, refused in a common one', () => {
    const leap = { birthDate: '2000-02-29', gender: Gender.FEMALE };
    expect(violationCode({ nik: buildNik(leap), ...leap })).toBe('OK');
    // 1900 was not a leap year: the declared date is not a real date.
    expect(violationCode({ nik: buildNik(leap), birthDate: '1900-02-29', gender: Gender.FEMALE })).toBe('BIRTH_DATE_FORMAT');
    // 2001 was not: the impossible declared date is blamed on birthDate, which is checked first…
    const common = { birthDate: '2001-02-29', gender: Gender.MALE };
    expect(violationCode({ nik: buildNik(common), ...common })).toBe('BIRTH_DATE_FORMAT');
    // …and an impossible date inside the NIK alone is blamed on the NIK.
    expect(violationCode({ nik: buildNik(common), birthDate: '2001-03-01', gender: Gender.MALE })).toBe('NIK_BIRTH_DATE');
  });

  it('puts the eighteen-year boundary exactly on the birthday (UTC)', () => {
    const person = { birthDate: '2007-06-01', gender: Gender.MALE };
    const nik = buildNik(person);
    expect(violationCode({ nik, ...person }, new Date('2025-06-01T00:00:00Z'))).toBe('OK');
    expect(violationCode({ nik, ...person }, new Date('2025-05-31T23:59:59.999Z'))).toBe('UNDER_AGE');
    const r = checkIdentity({ nik, ...person }, new Date('2025-05-31T12:00:00Z'));
    expect(!r.ok && r.violation.field).toBe('birthDate');
    const today = checkIdentity({ nik, ...person }, new Date('2025-06-01T12:00:00Z'));
    expect(today.ok && today.age).toBe(18);
  });

  it('treats a birth date after the registration instant as under age', () => {
    const person = { birthDate: '2030-01-01', gender: Gender.MALE };
    expect(violationCode({ nik: buildNik(person), ...person })).toBe('UNDER_AGE');
  });

  it('returns shared frozen refusals (no allocation on the reject path)', () => {
    const a = checkIdentity({ nik: 'x', ...BASE }, AT);
    const b = checkIdentity({ nik: 'y', ...BASE }, AT);
    expect(a).toBe(b);
    expect(Object.isFrozen(!a.ok && a.violation)).toBe(true);
  });
});

describe('violation messages never quote the value', () => {
  const nik = BASE_NIK;
  const inputs: { nik: string; birthDate: string; gender: Gender }[] = [
    { nik: nik.slice(1), ...BASE },
    { nik: withDigits(nik, 0, '20'), ...BASE },
    { nik: withDigits(nik, 2, '70'), ...BASE },
    { nik: withDigits(nik, 4, '00'), ...BASE },
    { nik: withDigits(nik, 6, '3202'), ...BASE },
    { nik: withDigits(nik, 12, '0000'), ...BASE },
    { nik, birthDate: '1995-7-15', gender: Gender.MALE },
    { nik, birthDate: '1995-07-16', gender: Gender.MALE },
    { nik, birthDate: BASE.birthDate, gender: Gender.FEMALE },
    { nik: buildNik({ birthDate: '2010-01-01' }), birthDate: '2010-01-01', gender: Gender.MALE },
  ];

  it('covers every violation code', () => {
    const codes = new Set(inputs.map((i) => violationCode(i)));
    expect([...codes].sort()).toEqual(Object.keys(IDENTITY_VIOLATIONS).sort());
  });

  it.each(inputs)('no digit run of the NIK or birth date appears in the problem (%#)', (input) => {
    const r = checkIdentity(input, AT);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const runs = [...`${input.nik} ${input.birthDate}`.matchAll(/\d+/g)].map((m) => m[0]);
    for (const run of runs) expect(r.violation.problem).not.toContain(run);
    // Stronger: the catalogue spells numbers out, so no digit at all can leak.
    expect(r.violation.problem).not.toMatch(/\d/);
    expect(r.violation.problem).not.toContain(input.birthDate);
  });
});

describe('assertValidIdentity', () => {
  it('returns facts and age when valid', () => {
    expect(assertValidIdentity({ nik: BASE_NIK, ...BASE }, AT).age).toBe(29);
  });

  it('throws BAD_USER_INPUT naming the field, without the value', () => {
    let thrown: unknown;
    try {
      assertValidIdentity({ nik: BASE_NIK, birthDate: '1995-07-16', gender: Gender.MALE }, AT);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(InputError);
    const error = thrown as InputError;
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'nik' });
    expect(error.message).not.toMatch(/\d/);
  });

  it('throws on the birthDate field when under age', () => {
    const person = { birthDate: '2010-01-01', gender: Gender.MALE };
    expect(() => assertValidIdentity({ nik: buildNik(person), ...person }, AT)).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ field: 'birthDate' }) }),
    );
  });
});
