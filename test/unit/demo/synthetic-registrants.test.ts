import { beforeAll, describe, expect, it } from 'vitest';
import {
  demoWaves,
  MAX_SYNTHETIC_REGISTRANTS,
  type SyntheticRegistrant,
  syntheticRegistrants,
} from '../../../src/demo/synthetic-registrants';
import { checkIdentity } from '../../../src/registration/nik';
import { isRegencyCode, PROVINCES } from '../../../src/regions/provinces';
import { Outcome, RejectionReason } from '../../../src/subjects/subject.enums';

const NOW = new Date('2025-06-15T10:30:00Z');
const COUNT = 20_000;
const waves = demoWaves(NOW, COUNT);
const waveByNumber = new Map(waves.map((w) => [w.number, w]));

function generate(count: number, seed: number): SyntheticRegistrant[] {
  return [...syntheticRegistrants({ count, seed, waves, now: NOW })];
}

describe('demoWaves', () => {
  it('gives twelve closed waves, one to two months apart, and one wave open now', () => {
    expect(waves).toHaveLength(13);
    const open = waves.filter((w) => w.opensAt <= NOW && NOW < w.closesAt);
    expect(open.map((w) => w.number)).toEqual([13]);
    for (const w of waves.slice(0, 12)) expect(w.closesAt.getTime()).toBeLessThan(NOW.getTime());
    for (let i = 1; i < waves.length; i++) {
      expect(waves[i].number).toBe(waves[i - 1].number + 1);
      const gapDays = (waves[i].opensAt.getTime() - waves[i - 1].opensAt.getTime()) / 86_400_000;
      expect(gapDays).toBeGreaterThanOrEqual(28);
      expect(gapDays).toBeLessThanOrEqual(62);
      expect(waves[i].opensAt.getTime()).toBeGreaterThanOrEqual(waves[i - 1].closesAt.getTime());
    }
  });
});

describe('syntheticRegistrants', () => {
  let rows: SyntheticRegistrant[];
  beforeAll(() => {
    rows = generate(COUNT, 7);
  });

  it(`produces ${COUNT} registrants that all pass checkIdentity at each of their waves`, () => {
    expect(rows).toHaveLength(COUNT);
    const earliest = waves[0].opensAt;
    const failures: string[] = [];
    for (const r of rows) {
      const atEarliest = checkIdentity(r, earliest);
      if (!atEarliest.ok) failures.push(atEarliest.violation.code);
      for (const a of r.applications) {
        const atWave = checkIdentity(r, waveByNumber.get(a.wave)?.opensAt ?? earliest);
        if (!atWave.ok) failures.push(atWave.violation.code);
      }
    }
    expect(failures).toEqual([]);
  });

  it('gives adults aged 18–64 at registration, skewed young', () => {
    const ages = rows.map((r) => {
      const result = checkIdentity(r, NOW);
      return result.ok ? result.age : -1;
    });
    expect(Math.min(...ages)).toBeGreaterThanOrEqual(18);
    expect(Math.max(...ages)).toBeLessThanOrEqual(64);
    const under35 = ages.filter((a) => a < 35).length / ages.length;
    expect(under35).toBeGreaterThan(0.5);
  });

  it('gives plausible personal fields', () => {
    const bad = rows.filter(
      (r) =>
        !/^\S+( \S+)+$/.test(r.fullName) ||
        !/^[a-z]+[._]?[a-z]+\d+@[a-z.]+\.[a-z]+$/.test(r.email) ||
        !/^08\d{10}$/.test(r.phone) ||
        !r.addressLine.startsWith('Jl. ') ||
        !isRegencyCode(r.regencyCode) ||
        !r.regencyCode.startsWith(r.provinceCode),
    );
    expect(bad.slice(0, 3)).toEqual([]);
  });

  it('mostly puts domicile in the NIK region, but not always (people move)', () => {
    const moved = rows.filter((r) => r.nik.slice(0, 4) !== r.regencyCode).length / rows.length;
    expect(moved).toBeGreaterThan(0.05);
    expect(moved).toBeLessThan(0.15);
    const kota = rows.filter((r) => Number(r.regencyCode.slice(2)) >= 71).length / rows.length;
    expect(kota).toBeGreaterThan(0.1);
    expect(kota).toBeLessThan(0.5);
  });

  it('roughly follows province population weights (Jawa Barat most common)', () => {
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(r.provinceCode, (counts.get(r.provinceCode) ?? 0) + 1);
    const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]);
    expect(ranked[0][0]).toBe('32');
    const total = PROVINCES.reduce((s, p) => s + p.populationMillions, 0);
    for (const p of PROVINCES) {
      const expected = p.populationMillions / total;
      const actual = (counts.get(p.code) ?? 0) / rows.length;
      expect(Math.abs(actual - expected), p.name).toBeLessThan(0.015);
    }
  });

  it('accepts between 10 and 16 % of people, within each wave quota', () => {
    const accepted = rows.filter((r) => r.applications.some((a) => a.outcome === Outcome.ACCEPTED));
    const share = accepted.length / rows.length;
    expect(share).toBeGreaterThan(0.1);
    expect(share).toBeLessThan(0.16);
    const perWave = new Map<number, number>();
    for (const r of accepted) for (const a of r.applications) if (a.outcome === Outcome.ACCEPTED) perWave.set(a.wave, (perWave.get(a.wave) ?? 0) + 1);
    for (const [wave, n] of perWave) expect(n).toBeLessThanOrEqual(waveByNumber.get(wave)?.quota ?? 0);
  });

  // Checks collect problems and assert once: an expect per row makes 20k rows slow.
  it('applies only to existing waves, at most once each, in order; accepted people stop applying', () => {
    const problems = new Set<string>();
    let single = 0;
    for (const r of rows) {
      const numbers = r.applications.map((a) => a.wave);
      if (numbers.length === 1) single++;
      if (numbers.length === 0) problems.add('no application');
      if (numbers.some((n) => !waveByNumber.has(n))) problems.add('unknown wave');
      if (new Set(numbers).size !== numbers.length) problems.add('two applications to one wave');
      if (numbers.some((n, i) => i > 0 && n < numbers[i - 1])) problems.add('out of order');
      const acceptedAt = r.applications.findIndex((a) => a.outcome === Outcome.ACCEPTED);
      if (acceptedAt >= 0 && acceptedAt !== r.applications.length - 1) problems.add('applied again after acceptance');
    }
    expect([...problems]).toEqual([]);
    expect(single / rows.length).toBeGreaterThan(0.7);
    expect(single / rows.length).toBeLessThan(0.82);
  });

  it('leaves the open wave PENDING and decides every closed one', () => {
    const problems = new Set<string>();
    for (const r of rows) {
      for (const a of r.applications) {
        if ((a.outcome === Outcome.PENDING) !== (a.wave === 13)) problems.add(`wave ${a.wave} ${a.outcome}`);
        if ((a.rejectionReason !== null) !== (a.outcome === Outcome.REJECTED)) problems.add(`${a.outcome} with reason ${a.rejectionReason}`);
      }
    }
    expect([...problems]).toEqual([]);
  });

  it('rejects mostly as NOT_SELECTED, with a few % of each other reason', () => {
    const reasons = new Map<RejectionReason, number>();
    let rejected = 0;
    for (const r of rows) {
      for (const a of r.applications) {
        if (a.rejectionReason === null) continue;
        rejected++;
        reasons.set(a.rejectionReason, (reasons.get(a.rejectionReason) ?? 0) + 1);
      }
    }
    expect((reasons.get(RejectionReason.NOT_SELECTED) ?? 0) / rejected).toBeGreaterThan(0.7);
    for (const reason of Object.values(RejectionReason)) {
      const share = (reasons.get(reason) ?? 0) / rejected;
      expect(share, reason).toBeGreaterThan(0.002);
      if (reason !== RejectionReason.NOT_SELECTED) expect(share, reason).toBeLessThan(0.05);
    }
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const again = generate(2000, 7);
    expect(again).toEqual(rows.slice(0, 2000));
    const other = generate(2000, 8);
    const same = other.filter((r, i) => r.nik === again[i].nik || r.fullName === again[i].fullName && r.birthDate === again[i].birthDate).length;
    expect(same).toBeLessThan(20);
  });

  it('refuses an impossible count eagerly', () => {
    expect(() => syntheticRegistrants({ count: -1, seed: 1, waves, now: NOW })).toThrow(RangeError);
    expect(() => syntheticRegistrants({ count: 1.5, seed: 1, waves, now: NOW })).toThrow(RangeError);
    expect(() => syntheticRegistrants({ count: MAX_SYNTHETIC_REGISTRANTS + 1, seed: 1, waves, now: NOW })).toThrow(RangeError);
  });

  it('applies only to waves it is given, and only to waves already open', () => {
    const subset = waves.filter((w) => w.number % 2 === 0);
    const future = { number: 99, opensAt: new Date(NOW.getTime() + 86_400_000 * 30), closesAt: new Date(NOW.getTime() + 86_400_000 * 60), quota: 1000 };
    const numbers = new Set<number>();
    for (const r of syntheticRegistrants({ count: 3000, seed: 3, waves: [...subset, future], now: NOW })) {
      for (const a of r.applications) numbers.add(a.wave);
    }
    expect([...numbers].sort((a, b) => a - b)).toEqual(subset.map((w) => w.number));
  });
});

describe('uniqueness', () => {
  it('has room for fifty million unique NIKs in one run', () => {
    expect(MAX_SYNTHETIC_REGISTRANTS).toBeGreaterThanOrEqual(50_000_000);
  });

  it('gives unique NIKs, emails and phones over 200k registrants (by construction, not by a set)', () => {
    const niks = new Set<string>();
    const emails = new Set<string>();
    const phones = new Set<string>();
    let n = 0;
    for (const r of syntheticRegistrants({ count: 200_000, seed: 11, waves, now: NOW })) {
      niks.add(r.nik);
      emails.add(r.email);
      phones.add(r.phone.slice(4));
      n++;
    }
    expect(n).toBe(200_000);
    expect(niks.size).toBe(n);
    expect(emails.size).toBe(n);
    expect(phones.size).toBe(n);
  });
});
