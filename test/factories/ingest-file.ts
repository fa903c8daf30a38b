import fs from 'node:fs';
import { INGEST_COLUMNS, syntheticRecords } from '../../src/demo/synthetic-file';
import { demoWaves } from '../../src/demo/synthetic-registrants';
import type { RawRecord } from '../../src/ingest/registration-row';

export interface IngestFileFixture {
  /** Every record in file order with its line number (header = line 1). */
  records: Array<{ line: number; raw: Record<string, string> }>;
  /** The lines that must be refused, with their expected codes. */
  expectedRejects: Array<{ line: number; code: string }>;
  /** Valid applications and distinct people. */
  validApplications: number;
  validPeople: number;
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * A CSV ingest file of `registrants` synthetic people (one line per application) with bad rows
 * spliced in at known places: an impossible NIK, a NIK whose birth date disagrees with
 * birthDate, a line repeating an earlier application, a line with a missing column, and a
 * REJECTED outcome without a reason. Writes `file`; returns what an ingest must make of it.
 */
export function writeIngestFile(file: string, registrants: number, seed: number): IngestFileFixture {
  const now = new Date();
  const good = [...syntheticRecords({ count: registrants, seed, waves: demoWaves(now, registrants), now })].map(
    ({ raw }) => Object.fromEntries(INGEST_COLUMNS.map((c) => [c, String((raw as RawRecord)[c] ?? '')])) as Record<string, string>,
  );
  const bad: Array<{ raw: Record<string, string> | 'short'; code: string; at: number }> = [
    { at: 7, code: 'NIK_FORMAT', raw: { ...good[3]!, nik: '3171234x50190007', wave: '13' } },
    { at: 40, code: 'NIK_BIRTH_DATE_MISMATCH', raw: { ...good[10]!, birthDate: shiftYear(good[10]!.birthDate), wave: '13' } },
    { at: 90, code: 'DUPLICATE_IN_FILE', raw: { ...good[20]! } },
    { at: 120, code: 'MALFORMED_ROW', raw: 'short' },
    { at: 150, code: 'INVALID_REJECTION_REASON', raw: { ...good[30]!, wave: '13', outcome: 'REJECTED', rejectionReason: '' } },
  ];
  const lines: string[] = [INGEST_COLUMNS.join(',')];
  const records: IngestFileFixture['records'] = [];
  const expectedRejects: IngestFileFixture['expectedRejects'] = [];
  let g = 0;
  for (let index = 0; g < good.length || bad.some((b) => b.at >= index); index++) {
    const lineNumber = lines.length + 1;
    const spliced = bad.find((b) => b.at === index);
    if (spliced) {
      if (spliced.raw === 'short') lines.push('3171234501900001,Nama Pendek');
      else {
        lines.push(INGEST_COLUMNS.map((c) => csvField((spliced.raw as Record<string, string>)[c]!)).join(','));
        records.push({ line: lineNumber, raw: spliced.raw });
      }
      expectedRejects.push({ line: lineNumber, code: spliced.code });
      continue;
    }
    if (g >= good.length) break;
    const raw = good[g++]!;
    lines.push(INGEST_COLUMNS.map((c) => csvField(raw[c]!)).join(','));
    records.push({ line: lineNumber, raw });
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return {
    records,
    expectedRejects,
    validApplications: good.length,
    validPeople: new Set(good.map((r) => r.nik)).size,
  };
}

function shiftYear(birthDate: string): string {
  return `${Number(birthDate.slice(0, 4)) - 1}${birthDate.slice(4)}`;
}
