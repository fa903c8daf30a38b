import { base, en, Faker, id_ID } from '@faker-js/faker';
import { PROVINCES } from '../regions/provinces';
import { Education, EmploymentStatus, Gender, Outcome, RejectionReason } from '../subjects/subject.enums';

/**
 * Realistic synthetic registrants for demos, load tests and benchmarks. Nothing here is a real
 * person: names and streets come from faker's id_ID word lists, everything else from a seeded PRNG.
 *
 * Speed matters (the demo loader streams tens of millions of rows), so faker is used only to build
 * word pools once per generator; each row is then sampled with a small PRNG and assembled from
 * pre-padded digit strings. NIKs, emails and phone numbers are unique *by construction* (each
 * derives from the row index through a bijection), so no set of seen values is kept and memory
 * stays constant whatever the count.
 */

export interface SyntheticApplication {
  wave: number;
  outcome: Outcome;
  rejectionReason: RejectionReason | null;
}

export interface SyntheticRegistrant {
  nik: string;
  fullName: string;
  birthDate: string;
  gender: Gender;
  email: string;
  phone: string;
  /** Declared domicile (not the NIK's region of first registration; they differ for ~10 %). */
  provinceCode: string;
  /** Declared domicile regency, four digits. */
  regencyCode: string;
  addressLine: string;
  education: Education;
  employmentStatus: EmploymentStatus;
  applications: SyntheticApplication[];
}

export interface DemoWave {
  number: number;
  opensAt: Date;
  closesAt: Date;
  quota: number;
}

const DAY_MS = 86_400_000;
const HISTORICAL_WAVES = 12;
const WAVE_SPACING_DAYS = 45;
const WAVE_LENGTH_DAYS = 30;
/** Share of registrants eventually accepted; demo quotas leave room for about twice that per wave. */
const TARGET_ACCEPTED_SHARE = 0.13;
/** People on a partner agency's screening list (civil servants, students, ...): never accepted. */
const SCREENED_SHARE = 0.1;
/** People registered (NIK region) somewhere other than where they now live. */
const MOVED_SHARE = 0.1;

/**
 * About a year and a half of history: twelve closed waves 45 days apart, each open 30 days, the
 * last closing three weeks before `now`, plus wave 13 open now (opened a week ago, closes in about
 * three weeks). Quotas are about twice the acceptances `syntheticRegistrants` produces for
 * `expectedRegistrants` in the busiest wave, and never below 100. Pure.
 */
export function demoWaves(now: Date, expectedRegistrants: number): DemoWave[] {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const openFrom = today - 7 * DAY_MS;
  const quota = Math.max(100, Math.ceil(Math.max(0, expectedRegistrants) * 0.03));
  const waves: DemoWave[] = [];
  for (let n = 1; n <= HISTORICAL_WAVES; n++) {
    const opensAt = openFrom - (HISTORICAL_WAVES + 1 - n) * WAVE_SPACING_DAYS * DAY_MS;
    waves.push({ number: n, opensAt: new Date(opensAt), closesAt: new Date(opensAt + WAVE_LENGTH_DAYS * DAY_MS), quota });
  }
  waves.push({ number: HISTORICAL_WAVES + 1, opensAt: new Date(openFrom), closesAt: new Date(today + 24 * DAY_MS), quota });
  return waves;
}

// ---------------------------------------------------------------------------------------------
// PRNG: sfc32 — 32-bit operations only, passes PractRand, and far cheaper than faker per call.

class Sfc32 {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    // splitmix32 spreads a small integer seed over all four state words.
    let s = (seed >>> 0) ^ Math.floor(seed / 0x1_0000_0000);
    const mix = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = 1;
    for (let i = 0; i < 15; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 0x1_0000_0000;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

/** Draws from fixed weights by binary search over the cumulative distribution. */
class Weighted<T> {
  private readonly cumulative: Float64Array;

  constructor(
    private readonly items: readonly T[],
    weights: readonly number[],
  ) {
    this.cumulative = new Float64Array(weights.length);
    let total = 0;
    weights.forEach((w, i) => {
      total += w;
      this.cumulative[i] = total;
    });
    for (let i = 0; i < this.cumulative.length; i++) this.cumulative[i] /= total;
  }

  draw(rng: Sfc32): T {
    const u = rng.float();
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo];
  }
}

function weighted<T extends string | number>(table: readonly (readonly [T, number])[]): Weighted<T> {
  return new Weighted(
    table.map(([item]) => item),
    table.map(([, w]) => w),
  );
}

// ---------------------------------------------------------------------------------------------
// Fixed distributions (rough shapes of Indonesian pre-employment applicants; demo data only).

const PROVINCE_DRAW = new Weighted(
  PROVINCES.map((p) => p.code),
  PROVINCES.map((p) => p.populationMillions),
);

const EDUCATION_DRAW = weighted<Education>([
  [Education.NONE, 2],
  [Education.PRIMARY, 10],
  [Education.JUNIOR_SECONDARY, 14],
  [Education.SENIOR_SECONDARY, 33],
  [Education.VOCATIONAL_SECONDARY, 18],
  [Education.DIPLOMA, 6],
  [Education.BACHELOR, 16],
  [Education.POSTGRADUATE, 1],
]);

const EMPLOYMENT_DRAW = weighted<EmploymentStatus>([
  [EmploymentStatus.UNEMPLOYED, 45],
  [EmploymentStatus.LAID_OFF, 15],
  [EmploymentStatus.EMPLOYED, 12],
  [EmploymentStatus.SELF_EMPLOYED, 10],
  [EmploymentStatus.INFORMAL_WORKER, 18],
]);

const SCREENING_DRAW = weighted<RejectionReason>([
  [RejectionReason.SCREENED_CIVIL_SERVANT, 2],
  [RejectionReason.SCREENED_MILITARY_POLICE, 0.7],
  [RejectionReason.SCREENED_STATE_ENTERPRISE, 1],
  [RejectionReason.SCREENED_STUDENT, 1.8],
  [RejectionReason.SCREENED_PESANTREN_STUDENT, 0.6],
  [RejectionReason.SCREENED_WORKER, 2.4],
  [RejectionReason.SCREENED_SOCIAL_AID, 1],
  [RejectionReason.SCREENED_POPULATION_REGISTRY, 0.5],
]);

/** Screening lists that imply a job; those people's declared status is made consistent with it. */
const SCREENED_AS_EMPLOYED: ReadonlySet<RejectionReason> = new Set([
  RejectionReason.SCREENED_CIVIL_SERVANT,
  RejectionReason.SCREENED_MILITARY_POLICE,
  RejectionReason.SCREENED_STATE_ENTERPRISE,
  RejectionReason.SCREENED_WORKER,
]);

/** How many waves one person applies to, with shares: most apply once, some retry. */
const APPLICATION_COUNTS = [
  [1, 0.75],
  [2, 0.17],
  [3, 0.08],
] as const;
const APPLICATION_COUNT_DRAW = weighted<number>(APPLICATION_COUNTS);

/** Age bands (in years after turning 18 at the earliest wave) skewed young, like real applicants. */
const AGE_BANDS: readonly (readonly [number, number, number])[] = [
  [0, 7, 32],
  [7, 17, 36],
  [17, 27, 18],
  [27, 37, 10],
  [37, 47, 4],
];
const AGE_BAND_DRAW = new Weighted(
  AGE_BANDS.map((_, i) => i),
  AGE_BANDS.map(([, , w]) => w),
);

/** Mobile prefixes (Telkomsel, Indosat, XL, Axis, Tri, Smartfren), weighted by rough market share. */
const PHONE_PREFIX_DRAW = weighted<string>([
  ['0811', 3], ['0812', 10], ['0813', 8], ['0821', 7], ['0822', 6], ['0823', 3], ['0852', 8], ['0853', 5],
  ['0814', 1], ['0815', 2], ['0816', 1], ['0855', 1], ['0856', 5], ['0857', 5], ['0858', 2],
  ['0817', 2], ['0818', 2], ['0819', 3], ['0859', 2], ['0877', 4], ['0878', 4],
  ['0831', 1], ['0832', 1], ['0838', 2],
  ['0895', 3], ['0896', 3], ['0897', 1], ['0898', 2], ['0899', 2],
  ['0881', 1], ['0882', 1], ['0887', 1], ['0888', 1],
]);

const EMAIL_DOMAIN_DRAW = weighted<string>([
  ['gmail.com', 78],
  ['yahoo.com', 8],
  ['yahoo.co.id', 6],
  ['ymail.com', 2],
  ['outlook.com', 3],
  ['hotmail.com', 3],
]);

const EMAIL_SEPARATORS = ['.', '.', '_', ''] as const;

const PAD2: readonly string[] = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const PAD3: readonly string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

function pad4(n: number): string {
  return PAD2[Math.floor(n / 100)] + PAD2[n % 100];
}

// ---------------------------------------------------------------------------------------------
// Calendar arithmetic on day numbers (days since 1970-01-01), without allocating Dates per row.
// Howard Hinnant's civil-date algorithms, proleptic Gregorian.

function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Writes year, month, day of a day number into `out` (reused, so rows allocate nothing here). */
function civilFromDays(days: number, out: Int32Array): void {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  out[0] = yoe + era * 400 + (month <= 2 ? 1 : 0);
  out[1] = month;
  out[2] = day;
}

/** The latest birth day number at which someone is at least `years` old on `at`'s UTC date. */
function latestBirthDayForAge(at: Date, years: number): number {
  const y = at.getUTCFullYear() - years;
  const m = at.getUTCMonth() + 1;
  let d = at.getUTCDate();
  // 29 February minus N years may not exist; the 28th is the last birthday that is old enough.
  if (m === 2 && d === 29) d = daysFromCivil(y, 3, 1) - daysFromCivil(y, 2, 1) === 29 ? 29 : 28;
  return daysFromCivil(y, m, d);
}

// ---------------------------------------------------------------------------------------------
// Structural uniqueness of NIKs: digits 3–6 and 13–16 (regency, district, serial) are a bijection
// of the row index. 98 regency values × 99 districts × 9,999 serials = 97,010,298 distinct rows.

const REGENCY_VALUES = 98; // 01–69 kabupaten, 71–99 kota
const DISTRICT_VALUES = 99; // 01–99
const SERIAL_VALUES = 9999; // 0001–9999
/** Largest count one run can generate with unique NIKs. */
export const MAX_SYNTHETIC_REGISTRANTS = REGENCY_VALUES * DISTRICT_VALUES * SERIAL_VALUES;
// 2 × 7² × 3⁴ × 11² × 101: the multiplier of the affine permutation must share none of these.
const NIK_SPACE_PRIMES = [2, 3, 7, 11, 101] as const;
/** i × multiplier must stay below 2⁵³ for every i < MAX_SYNTHETIC_REGISTRANTS. */
const MAX_MULTIPLIER = Math.floor(Number.MAX_SAFE_INTEGER / MAX_SYNTHETIC_REGISTRANTS);

const PHONE_SPACE = 100_000_000; // eight subscriber digits after the four-digit prefix

function regencyDigits(value: number): number {
  return value < 69 ? value + 1 : value + 2;
}

interface Pools {
  readonly firstFemale: readonly string[];
  readonly firstMale: readonly string[];
  readonly lastFemale: readonly string[];
  readonly lastMale: readonly string[];
  // Email-safe spellings, parallel to the name pools so rows never run a regex.
  readonly firstFemaleSlug: readonly string[];
  readonly firstMaleSlug: readonly string[];
  readonly lastFemaleSlug: readonly string[];
  readonly lastMaleSlug: readonly string[];
  readonly streets: readonly string[];
}

function slug(name: string): string {
  return name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

function buildPools(seed: number): Pools {
  const faker = new Faker({ locale: [id_ID, en, base], seed });
  const names = faker.definitions.person;
  const unique = (values: readonly string[]): string[] => [...new Set(values.filter((v) => slug(v).length > 0))];
  const firstFemale = unique(names.first_name.female ?? []);
  const firstMale = unique(names.first_name.male ?? []);
  const lastFemale = unique(names.last_name.female ?? []);
  const lastMale = unique(names.last_name.male ?? []);
  // Streets are mostly named after people (national heroes, local figures): one word or two.
  const streets = unique([
    ...lastMale,
    ...faker.helpers.multiple(() => `${faker.person.firstName('male')} ${faker.person.lastName('male')}`, { count: 400 }),
  ]).map((s) => `Jl. ${s}`);
  return {
    firstFemale,
    firstMale,
    lastFemale,
    lastMale,
    firstFemaleSlug: firstFemale.map(slug),
    firstMaleSlug: firstMale.map(slug),
    lastFemaleSlug: lastFemale.map(slug),
    lastMaleSlug: lastMale.map(slug),
    streets,
  };
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** A multiplier in [lo, hi) coprime with every prime in `primes`, chosen by the seeded PRNG. */
function coprimeMultiplier(rng: Sfc32, lo: number, hi: number, primes: readonly number[]): number {
  let m = lo + rng.int(hi - lo);
  while (primes.some((p) => gcd(m, p) !== 1)) m = m + 1 >= hi ? lo : m + 1;
  return m;
}

/**
 * The share of people with at least one application to a closed wave (only they can be accepted),
 * given the application-count shares and uniform distinct picks among `eligible` opened waves.
 */
function shareWithClosedWave(eligible: number, pending: number): number {
  const choose = (n: number, k: number): number => {
    if (k < 0 || k > n) return 0;
    let r = 1;
    for (let i = 0; i < k; i++) r = (r * (n - i)) / (i + 1);
    return r;
  };
  let share = 0;
  for (const [k, w] of APPLICATION_COUNTS) {
    const kk = Math.min(k, eligible);
    share += w * (1 - choose(pending, kk) / choose(eligible, kk));
  }
  return share;
}

/**
 * Streams `count` synthetic registrants. Deterministic for a given seed, `waves` and `now`;
 * constant memory; no I/O and no global state (faker is instantiated privately).
 *
 * Every row passes `checkIdentity` at the opening of the earliest wave (and so at any later wave):
 * birth dates are drawn so that everyone is at least 18 then and at most 64 at `now`. NIK, email
 * and phone are unique within the run by construction. Applications go only to waves in `waves`
 * that have opened by `now`, at most one per wave, in wave order; waves still open at `now` get
 * PENDING outcomes; an accepted person applies to no later wave; acceptances never exceed a
 * wave's quota (the surplus becomes NOT_SELECTED).
 *
 * @throws RangeError (eagerly, on the call) when `count` is not an integer in
 *   [0, MAX_SYNTHETIC_REGISTRANTS].
 */
export function syntheticRegistrants(options: {
  count: number;
  seed: number;
  waves: readonly DemoWave[];
  now: Date;
}): Generator<SyntheticRegistrant> {
  const { count } = options;
  if (!Number.isInteger(count) || count < 0 || count > MAX_SYNTHETIC_REGISTRANTS) {
    throw new RangeError(`count must be an integer between 0 and ${MAX_SYNTHETIC_REGISTRANTS}`);
  }
  return generate(options);
}

function* generate(options: {
  count: number;
  seed: number;
  waves: readonly DemoWave[];
  now: Date;
}): Generator<SyntheticRegistrant> {
  const { count, seed, now } = options;
  const rng = new Sfc32(seed);
  const pools = buildPools(seed);

  const nowMs = now.getTime();
  const eligible = [...options.waves].filter((w) => w.opensAt.getTime() <= nowMs).sort((a, b) => a.opensAt.getTime() - b.opensAt.getTime());
  const pending = eligible.map((w) => w.closesAt.getTime() > nowMs);
  const pendingCount = pending.filter(Boolean).length;
  const acceptedPerWave = new Int32Array(eligible.length);
  const acceptChance =
    eligible.length > pendingCount
      ? Math.min(1, TARGET_ACCEPTED_SHARE / ((1 - SCREENED_SHARE) * shareWithClosedWave(eligible.length, pendingCount)))
      : 0;

  // Everyone must be 18 at the earliest wave's opening; nobody older than 64 at `now`.
  const earliest = options.waves.reduce<Date>((min, w) => (w.opensAt < min ? w.opensAt : min), now);
  const latestBirth = latestBirthDayForAge(earliest, 18);
  const oldestBirth = latestBirthDayForAge(now, 65) + 1;
  const birthSpan = Math.max(365, latestBirth - oldestBirth + 1);
  const earliestDay = Math.floor(earliest.getTime() / DAY_MS);

  const nikMultiplier = coprimeMultiplier(rng, 1_000_003, MAX_MULTIPLIER, NIK_SPACE_PRIMES);
  const nikOffset = rng.int(MAX_SYNTHETIC_REGISTRANTS);
  const phoneMultiplier = coprimeMultiplier(rng, 10_000_019, MAX_MULTIPLIER, [2, 5]);
  const phoneOffset = rng.int(PHONE_SPACE);

  const date = new Int32Array(3);
  const picks = new Int32Array(3);

  for (let i = 0; i < count; i++) {
    // --- NIK region of first registration, from the index bijection (uniqueness) ---
    let slot = (i * nikMultiplier + nikOffset) % MAX_SYNTHETIC_REGISTRANTS;
    const serial = (slot % SERIAL_VALUES) + 1;
    slot = Math.floor(slot / SERIAL_VALUES);
    const district = (slot % DISTRICT_VALUES) + 1;
    const nikRegency = regencyDigits(Math.floor(slot / DISTRICT_VALUES));
    const nikProvince = PROVINCE_DRAW.draw(rng);

    // --- Domicile: usually where they were first registered ---
    let provinceCode = nikProvince;
    let regency = nikRegency;
    if (rng.float() < MOVED_SHARE) {
      provinceCode = PROVINCE_DRAW.draw(rng);
      regency = regencyDigits(rng.int(REGENCY_VALUES));
    }

    // --- Person ---
    const female = rng.float() < 0.5;
    const gender = female ? Gender.FEMALE : Gender.MALE;
    const band = AGE_BANDS[AGE_BAND_DRAW.draw(rng)];
    const lo = Math.floor(band[0] * 365.2425);
    const hi = Math.min(birthSpan, Math.floor(band[1] * 365.2425));
    const birthDay = latestBirth - (lo < hi ? lo + rng.int(hi - lo) : rng.int(birthSpan));
    civilFromDays(birthDay, date);
    const year = date[0];
    const month = date[1];
    const day = date[2];
    const birthDate = `${year}-${PAD2[month]}-${PAD2[day]}`;
    const nik =
      nikProvince + PAD2[nikRegency] + PAD2[district] + PAD2[female ? day + 40 : day] + PAD2[month] + PAD2[year % 100] + pad4(serial);

    const firstIndex = rng.int(female ? pools.firstFemale.length : pools.firstMale.length);
    const lastIndex = rng.int(female ? pools.lastFemale.length : pools.lastMale.length);
    const first = female ? pools.firstFemale[firstIndex] : pools.firstMale[firstIndex];
    const last = female ? pools.lastFemale[lastIndex] : pools.lastMale[lastIndex];
    const firstSlug = female ? pools.firstFemaleSlug[firstIndex] : pools.firstMaleSlug[firstIndex];
    const lastSlug = female ? pools.lastFemaleSlug[lastIndex] : pools.lastMaleSlug[lastIndex];
    // The trailing number is the row index: names have no digits, so the address is unique.
    const email = `${firstSlug}${rng.pick(EMAIL_SEPARATORS)}${lastSlug}${i + 1}@${EMAIL_DOMAIN_DRAW.draw(rng)}`;
    const subscriber = (i * phoneMultiplier + phoneOffset) % PHONE_SPACE;
    const phone = PHONE_PREFIX_DRAW.draw(rng) + pad4(Math.floor(subscriber / 10_000)) + pad4(subscriber % 10_000);
    const addressLine = `${rng.pick(pools.streets)} No. ${1 + rng.int(180)}, RT ${PAD3[1 + rng.int(15)]}/RW ${PAD3[1 + rng.int(12)]}`;

    // Degrees take years: nobody is a graduate at 19.
    const ageYears = (earliestDay - birthDay) / 365.2425 + 18;
    let education = EDUCATION_DRAW.draw(rng);
    if (ageYears < 21 && (education === Education.DIPLOMA || education === Education.BACHELOR || education === Education.POSTGRADUATE)) {
      education = Education.SENIOR_SECONDARY;
    } else if (ageYears < 24 && education === Education.POSTGRADUATE) {
      education = Education.BACHELOR;
    }

    const screening = rng.float() < SCREENED_SHARE ? SCREENING_DRAW.draw(rng) : null;
    let employmentStatus = EMPLOYMENT_DRAW.draw(rng);
    if (screening !== null && SCREENED_AS_EMPLOYED.has(screening)) employmentStatus = EmploymentStatus.EMPLOYED;

    // --- Applications: k distinct waves, in order ---
    const k = Math.min(APPLICATION_COUNT_DRAW.draw(rng), eligible.length);
    for (let p = 0; p < k; p++) {
      let w: number;
      do {
        w = rng.int(eligible.length);
      } while ((p > 0 && picks[0] === w) || (p > 1 && picks[1] === w));
      // Insertion keeps picks[0..p] sorted, so applications come out in wave order.
      let q = p;
      while (q > 0 && picks[q - 1] > w) {
        picks[q] = picks[q - 1];
        q--;
      }
      picks[q] = w;
    }

    // Accepted (if at all) in their last closed wave; they then stop applying.
    let lastClosed = -1;
    for (let p = 0; p < k; p++) if (!pending[picks[p]]) lastClosed = p;
    let acceptedAt = -1;
    if (screening === null && lastClosed >= 0 && rng.float() < acceptChance) {
      const wave = picks[lastClosed];
      if (acceptedPerWave[wave] < eligible[wave].quota) {
        acceptedPerWave[wave]++;
        acceptedAt = lastClosed;
      }
    }

    const applicationCount = acceptedAt >= 0 ? acceptedAt + 1 : k;
    const applications: SyntheticApplication[] = new Array<SyntheticApplication>(applicationCount);
    for (let p = 0; p < applicationCount; p++) {
      const wave = picks[p];
      let outcome = Outcome.REJECTED;
      let rejectionReason: RejectionReason | null = null;
      if (pending[wave]) outcome = Outcome.PENDING;
      else if (p === acceptedAt) outcome = Outcome.ACCEPTED;
      else if (screening !== null) rejectionReason = screening;
      else if (acceptedAt >= 0) rejectionReason = RejectionReason.NOT_SELECTED;
      else {
        const r = rng.float();
        rejectionReason = r < 0.03 ? RejectionReason.INVALID_DATA : r < 0.05 ? RejectionReason.DUPLICATE : RejectionReason.NOT_SELECTED;
      }
      applications[p] = { wave: eligible[wave].number, outcome, rejectionReason };
    }

    yield {
      nik,
      fullName: `${first} ${last}`,
      birthDate,
      gender,
      email,
      phone,
      provinceCode,
      regencyCode: provinceCode + PAD2[regency],
      addressLine,
      education,
      employmentStatus,
      applications,
    };
  }
}
