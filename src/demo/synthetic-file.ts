import { once } from 'node:events';
import fs from 'node:fs';
import { OPTIONAL_COLUMNS, REQUIRED_COLUMNS, type RawRecord } from '../ingest/registration-row';
import type { IngestFormat, SourceRecord } from '../ingest/ingest-source';
import { syntheticRegistrants, type DemoWave } from './synthetic-registrants';

/** The ingest file's columns, in the order `samaran demo --out` writes them. */
export const INGEST_COLUMNS: readonly string[] = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS];

/**
 * The synthetic people as ingest records: one record per application (a person who applied to
 * three waves gives three records with the same NIK), numbered like the lines of a CSV file
 * with a header (first record = line 2). Streams; constant memory.
 */
export function* syntheticRecords(options: { count: number; seed: number; waves: readonly DemoWave[]; now: Date }): Generator<SourceRecord> {
  let line = 1;
  for (const person of syntheticRegistrants(options)) {
    for (const application of person.applications) {
      line += 1;
      const raw: RawRecord = {
        nik: person.nik,
        fullName: person.fullName,
        birthDate: person.birthDate,
        gender: person.gender,
        email: person.email,
        phone: person.phone,
        provinceCode: person.provinceCode,
        regencyCode: person.regencyCode,
        addressLine: person.addressLine,
        education: person.education,
        employmentStatus: person.employmentStatus,
        wave: application.wave,
        outcome: application.outcome,
        rejectionReason: application.rejectionReason ?? '',
      };
      yield { line, raw, bytes: 0 };
    }
  }
}

function csvField(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Writes `count` synthetic registrants to `file` as CSV (with a header) or NDJSON, streaming in
 * constant memory (waits for the file stream to drain). Returns the number of records (applications).
 */
export async function writeSyntheticFile(
  file: string,
  format: IngestFormat,
  options: { count: number; seed: number; waves: readonly DemoWave[]; now: Date },
): Promise<number> {
  const out = fs.createWriteStream(file);
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => undefined);
  let chunk = format === 'csv' ? `${INGEST_COLUMNS.join(',')}\n` : '';
  let records = 0;
  for (const { raw } of syntheticRecords(options)) {
    records += 1;
    chunk += format === 'csv' ? `${INGEST_COLUMNS.map((c) => csvField(raw![c])).join(',')}\n` : `${JSON.stringify(raw)}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed]);
      chunk = '';
    }
  }
  out.end(chunk);
  await Promise.race([once(out, 'finish'), failed]);
  return records;
}
