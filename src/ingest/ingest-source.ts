import fs from 'node:fs';
import readline from 'node:readline';
import { parse } from 'csv-parse';
import type { RawRecord } from './registration-row';

export type IngestFormat = 'csv' | 'ndjson';

/** One record of the file: its 1-based line number (the CSV header is line 1), and null when unreadable. */
export interface SourceRecord {
  line: number;
  raw: RawRecord | null;
  /** Bytes of the file consumed through this record (for progress and ETA). */
  bytes: number;
}

/** The format from the file name: `.ndjson`/`.jsonl` are NDJSON, everything else CSV. */
export function formatOf(file: string): IngestFormat {
  return /\.(nd)?jsonl?$/i.test(file) || /\.ndjson$/i.test(file) ? 'ndjson' : 'csv';
}

/**
 * Streams the records of an ingest file in constant memory. CSV: a header row naming the
 * columns, RFC 4180 quoting, optional BOM; a record with the wrong number of fields is yielded as
 * unreadable (null) rather than stopping the run. NDJSON: one JSON object per line; blank lines
 * are skipped; a line that is not a JSON object is yielded as unreadable. Parser messages are
 * never surfaced (they can quote the offending text).
 */
export async function* readRecords(file: string, format: IngestFormat = formatOf(file)): AsyncGenerator<SourceRecord> {
  if (format === 'ndjson') {
    const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
    let line = 0;
    let bytes = 0;
    for await (const text of lines) {
      line += 1;
      bytes += Buffer.byteLength(text) + 1;
      if (text.trim() === '') continue;
      let raw: RawRecord | null = null;
      try {
        const parsed: unknown = JSON.parse(text);
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) raw = parsed as RawRecord;
      } catch {
        raw = null;
      }
      yield { line, raw, bytes };
    }
    return;
  }
  const parser = fs.createReadStream(file).pipe(
    parse({ columns: true, bom: true, skip_empty_lines: true, relax_column_count: true, info: true, trim: false }),
  );
  let invalidSoFar = 0;
  for await (const item of parser as AsyncIterable<{ record: RawRecord; info: { lines: number; bytes: number; invalid_field_length: number } }>) {
    const { record, info } = item;
    // A running total: it grows on exactly the records whose field count differs from the header's.
    const wrongLength = info.invalid_field_length > invalidSoFar;
    invalidSoFar = info.invalid_field_length;
    yield { line: info.lines, raw: wrongLength ? null : record, bytes: info.bytes };
  }
}
