/**
 * The 38 provinces by Kemendagri code, with a rough population share (millions, 2020 census
 * order of magnitude) used only to weight synthetic data. Region codes in counts are the
 * *declared domicile*; the NIK's own region digits record the place of first registration and are
 * never used as domicile.
 */
export interface Province {
  readonly code: string;
  readonly name: string;
  readonly populationMillions: number;
}

export const PROVINCES: readonly Province[] = Object.freeze([
  { code: '11', name: 'Aceh', populationMillions: 5.3 },
  { code: '12', name: 'Sumatera Utara', populationMillions: 14.8 },
  { code: '13', name: 'Sumatera Barat', populationMillions: 5.5 },
  { code: '14', name: 'Riau', populationMillions: 6.4 },
  { code: '15', name: 'Jambi', populationMillions: 3.5 },
  { code: '16', name: 'Sumatera Selatan', populationMillions: 8.5 },
  { code: '17', name: 'Bengkulu', populationMillions: 2.0 },
  { code: '18', name: 'Lampung', populationMillions: 9.0 },
  { code: '19', name: 'Kepulauan Bangka Belitung', populationMillions: 1.5 },
  { code: '21', name: 'Kepulauan Riau', populationMillions: 2.1 },
  { code: '31', name: 'DKI Jakarta', populationMillions: 10.6 },
  { code: '32', name: 'Jawa Barat', populationMillions: 48.3 },
  { code: '33', name: 'Jawa Tengah', populationMillions: 36.5 },
  { code: '34', name: 'DI Yogyakarta', populationMillions: 3.7 },
  { code: '35', name: 'Jawa Timur', populationMillions: 40.7 },
  { code: '36', name: 'Banten', populationMillions: 11.9 },
  { code: '51', name: 'Bali', populationMillions: 4.3 },
  { code: '52', name: 'Nusa Tenggara Barat', populationMillions: 5.3 },
  { code: '53', name: 'Nusa Tenggara Timur', populationMillions: 5.3 },
  { code: '61', name: 'Kalimantan Barat', populationMillions: 5.4 },
  { code: '62', name: 'Kalimantan Tengah', populationMillions: 2.7 },
  { code: '63', name: 'Kalimantan Selatan', populationMillions: 4.1 },
  { code: '64', name: 'Kalimantan Timur', populationMillions: 3.8 },
  { code: '65', name: 'Kalimantan Utara', populationMillions: 0.7 },
  { code: '71', name: 'Sulawesi Utara', populationMillions: 2.6 },
  { code: '72', name: 'Sulawesi Tengah', populationMillions: 3.0 },
  { code: '73', name: 'Sulawesi Selatan', populationMillions: 9.1 },
  { code: '74', name: 'Sulawesi Tenggara', populationMillions: 2.6 },
  { code: '75', name: 'Gorontalo', populationMillions: 1.2 },
  { code: '76', name: 'Sulawesi Barat', populationMillions: 1.4 },
  { code: '81', name: 'Maluku', populationMillions: 1.8 },
  { code: '82', name: 'Maluku Utara', populationMillions: 1.3 },
  { code: '91', name: 'Papua Barat', populationMillions: 0.6 },
  { code: '92', name: 'Papua Barat Daya', populationMillions: 0.6 },
  { code: '93', name: 'Papua Selatan', populationMillions: 0.5 },
  { code: '94', name: 'Papua Tengah', populationMillions: 1.4 },
  { code: '95', name: 'Papua Pegunungan', populationMillions: 1.4 },
  { code: '96', name: 'Papua', populationMillions: 1.0 },
]);

export const PROVINCE_CODES: ReadonlySet<string> = new Set(PROVINCES.map((p) => p.code));

export function isProvinceCode(code: string): boolean {
  return PROVINCE_CODES.has(code);
}

/**
 * A regency (kabupaten 01–69, kota 71–99) code is four digits: the province code and two more.
 */
export function isRegencyCode(code: string): boolean {
  if (!/^\d{4}$/.test(code) || !isProvinceCode(code.slice(0, 2))) return false;
  const regency = Number(code.slice(2));
  return (regency >= 1 && regency <= 69) || (regency >= 71 && regency <= 99);
}
