import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Piscina } from 'piscina';
import { Wave } from '../registration/wave.entity';
import type { Services } from '../services';
import { writePreparedBatch } from './bulk-writer';
import { FingerprintSet } from './fingerprint-set';
import { createPreparer, type PreparedBatch, type PrepareTask, type RejectedRow, type WaveWindow } from './prepare';
import type { SourceRecord } from './ingest-source';

export interface IngestOptions {
  /** Rows per transaction. */
  batchSize?: number;
  /** Worker threads for checking, tokenizing and sealing; 0 prepares on the main thread. */
  workers?: number;
  /** Create waves the file names but the database lacks (window = the ingest's start, quota 0). */
  createWaves?: boolean;
  /** Called with every refused row (line and code only). */
  onReject?: (rows: readonly RejectedRow[]) => void;
  /** Called after every committed batch. */
  onProgress?: (progress: IngestProgress) => void;
}

export interface IngestProgress {
  batches: number;
  /** Last line of the file whose batch has committed. */
  committedThroughLine: number;
  /** File bytes consumed through that line. */
  bytes: number;
  rows: number;
  applicationsStored: number;
  subjectsCreated: number;
  alreadyStored: number;
  rejected: number;
  elapsedMs: number;
}

export interface IngestSummary extends IngestProgress {
  rejectedByCode: Record<string, number>;
  wavesCreated: number[];
  rowsPerSecond: number;
}

export const DEFAULT_BATCH_SIZE = 5_000;

/** The compiled worker next to this file; absent when running from TypeScript sources (tests). */
function workerFile(): string | undefined {
  const candidate = path.join(__dirname, 'prepare-worker.js');
  return __filename.endsWith('.js') && fs.existsSync(candidate) ? candidate : undefined;
}

export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

/**
 * Ingests registration records (one application per record) through the registration door in
 * bulk: checks, tokenizes and seals on worker threads, then writes each batch in one transaction
 * (writePreparedBatch), in file order, with the count cells. Lines repeating an application
 * (same NIK and wave) seen earlier in the run are refused as DUPLICATE_IN_FILE; applications
 * already in the database are skipped and counted as already stored, so a rerun (after a crash
 * or not) adds exactly what is missing. Unknown waves refuse their rows (UNKNOWN_WAVE) unless
 * `createWaves`; historical rows are exempt from WAVE_CLOSED and from wave quotas.
 * Side effects: database writes; worker threads for the run's duration. Logs nothing personal.
 */
export async function runIngest(
  services: Services,
  source: AsyncIterable<SourceRecord> | Iterable<SourceRecord>,
  options: IngestOptions = {},
): Promise<IngestSummary> {
  const started = Date.now();
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const workers = options.workers ?? defaultWorkerCount();
  const waves: Record<number, WaveWindow> = {};
  for (const wave of await services.database.fork().find(Wave, {})) {
    waves[wave.number] = { opensAt: wave.opensAt.getTime(), closesAt: wave.closesAt.getTime() };
  }
  const wavesCreated: number[] = [];
  const file = workers > 0 ? workerFile() : undefined;
  const pool = file ? new Piscina({ filename: file, workerData: { keysFile: services.config.keysFile }, minThreads: workers, maxThreads: workers, idleTimeout: 60_000,
    // A batch needs a few tens of MB; a small old generation makes workers collect early instead of growing.
    resourceLimits: { maxOldGenerationSizeMb: 192 } }) : undefined;
  const inline = pool ? undefined : createPreparer(services.keyring);
  const prepare = (task: PrepareTask): Promise<PreparedBatch> =>
    pool ? (pool.run(task) as Promise<PreparedBatch>) : Promise.resolve().then(() => inline!(task));

  const seen = new FingerprintSet();
  const rejectedByCode: Record<string, number> = {};
  const progress: IngestProgress = {
    batches: 0, committedThroughLine: 0, bytes: 0, rows: 0, applicationsStored: 0, subjectsCreated: 0, alreadyStored: 0, rejected: 0, elapsedMs: 0,
  };
  const reject = (rows: RejectedRow[]) => {
    if (rows.length === 0) return;
    rows.sort((a, b) => a.line - b.line);
    for (const { code } of rows) rejectedByCode[code] = (rejectedByCode[code] ?? 0) + 1;
    progress.rejected += rows.length;
    options.onReject?.(rows);
  };

  const commit = async (batch: PreparedBatch, lastLine: number, bytes: number, rows: number) => {
    const rejects = [...batch.rejects];
    const keep = [];
    for (let i = 0; i < batch.rows.length; i++) {
      const row = batch.rows[i]!;
      if (seen.add(row.nikToken, row.wave)) {
        keep.push(row);
        continue;
      }
      rejects.push({ line: row.line, code: 'DUPLICATE_IN_FILE' });
      // The person's sealed record rides on its first row in the batch: hand it on.
      if (row.subject) {
        const next = batch.rows.slice(i + 1).find((later) => later.nikToken === row.nikToken);
        if (next && !next.subject) next.subject = row.subject;
      }
    }
    const written = keep.length > 0 ? await writePreparedBatch(services.database, services.counts, keep) : undefined;
    if (written) rejects.push(...written.rejects);
    reject(rejects);
    progress.batches += 1;
    progress.committedThroughLine = lastLine;
    progress.bytes = bytes;
    progress.rows += rows;
    progress.applicationsStored += written?.applicationsStored ?? 0;
    progress.subjectsCreated += written?.subjectsCreated ?? 0;
    progress.alreadyStored += written?.alreadyStored ?? 0;
    progress.elapsedMs = Date.now() - started;
    options.onProgress?.({ ...progress });
  };

  const ensureWaves = async (records: SourceRecord[]) => {
    if (!options.createWaves) return;
    const missing = new Set<number>();
    for (const { raw } of records) {
      const n = Number(raw?.wave);
      if (Number.isInteger(n) && n > 0 && n < 1e9 && waves[n] === undefined) missing.add(n);
    }
    if (missing.size === 0) return;
    const at = new Date(started);
    const em = services.database.fork();
    for (const number of [...missing].sort((a, b) => a - b)) {
      await em.execute(
        'insert into wave (number, opens_at, closes_at, quota, accepted_count, created_at) values (?, ?, ?, 0, 0, ?) on conflict (number) do nothing',
        services.database.dialect === 'sqlite' ? [number, at.getTime(), at.getTime(), at.getTime()] : [number, at, at, at],
        'run',
      );
      const stored = await em.fork().findOneOrFail(Wave, { number });
      waves[number] = { opensAt: stored.opensAt.getTime(), closesAt: stored.closesAt.getTime() };
      wavesCreated.push(number);
    }
  };

  // Batches are prepared ahead on the workers while earlier ones are written, one at a time and
  // in file order (the first occurrence of a duplicate must win, and resumption relies on it).
  let writing: Promise<void> = Promise.resolve();
  const inFlight: Promise<void>[] = [];
  const maxAhead = Math.max(2, workers + 1);
  let failure: unknown;
  const dispatch = async (records: SourceRecord[]) => {
    await ensureWaves(records);
    const last = records[records.length - 1]!;
    const prepared = prepare({ records: records.map(({ line, raw }) => ({ line, raw })), waves: { ...waves } });
    prepared.catch(() => undefined);
    writing = writing.then(async () => commit(await prepared, last.line, last.bytes, records.length));
    const done = writing;
    done.catch((error: unknown) => {
      failure ??= error;
    });
    inFlight.push(done);
    while (inFlight.length > maxAhead) await inFlight.shift();
  };

  try {
    let records: SourceRecord[] = [];
    for await (const record of source) {
      if (failure) throw failure;
      records.push(record);
      if (records.length >= batchSize) {
        const full = records;
        records = [];
        await dispatch(full);
      }
    }
    if (records.length > 0) await dispatch(records);
    for (const done of inFlight) await done;
  } finally {
    await Promise.allSettled(inFlight);
    await pool?.destroy();
  }
  const elapsedMs = Date.now() - started;
  return {
    ...progress,
    elapsedMs,
    rejectedByCode,
    wavesCreated,
    rowsPerSecond: Math.round((progress.rows / Math.max(1, elapsedMs)) * 1000),
  };
}
