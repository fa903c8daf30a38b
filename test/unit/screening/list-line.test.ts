import { describe, expect, it } from 'vitest';
import { isStructurallyValidNik, parseNik } from '../../../src/registration/nik';
import { listLineValue } from '../../../src/screening/screening-list.service';
import { buildNik, withDigits } from '../../factories/nik';
import { Gender } from '../../../src/subjects/subject.enums';

describe('isStructurallyValidNik', () => {
  it('agrees with parseNik on valid and broken NIKs', () => {
    const valid = buildNik({ gender: Gender.FEMALE, birthDate: '1992-02-29' });
    const cases = [valid, withDigits(valid, 0, '20'), withDigits(valid, 2, '70'), withDigits(valid, 4, '00'), withDigits(valid, 8, '13'), withDigits(valid, 12, '0000'), '123', `${valid} `, 'x'.repeat(16)];
    for (const nik of cases) expect(isStructurallyValidNik(nik), nik).toBe(parseNik(nik).ok);
    expect(isStructurallyValidNik(valid)).toBe(true);
  });
});

describe('listLineValue', () => {
  it('takes the first column of plain, CSV and quoted lines, trimmed; null for blank lines', () => {
    expect(listLineValue('3204105507950001')).toBe('3204105507950001');
    expect(listLineValue('  3204105507950001 \r')).toBe('3204105507950001');
    expect(listLineValue('3204105507950001,Kodam Jaya')).toBe('3204105507950001');
    expect(listLineValue('"3204105507950001","x"')).toBe('3204105507950001');
    expect(listLineValue('\ufeff3204105507950001')).toBe('3204105507950001');
    expect(listLineValue('   ')).toBeNull();
  });
});
