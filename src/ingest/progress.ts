import { SingleBar } from 'cli-progress';
import type { IngestProgress } from './ingest-pipeline';

export interface ProgressReporter {
  update(progress: IngestProgress): void;
  stop(): void;
}

function rate(progress: IngestProgress): number {
  return Math.round((progress.rows / Math.max(1, progress.elapsedMs)) * 1000);
}

/**
 * Progress of an ingest on `stream` (standard error): a bar with rate and ETA (by bytes of the
 * file) on a terminal; otherwise one plain line per committed batch, which scripts and tests can
 * follow ("committed batch N through line L"). Counts only, never a value.
 */
export function progressReporter(stream: NodeJS.WriteStream, totalBytes: number): ProgressReporter {
  if (stream.isTTY) {
    const bar = new SingleBar(
      {
        stream,
        format: 'ingest [{bar}] {percentage}% | {rows} rows | {stored} stored | {rejected} rejected | {rate} rows/s | ETA {eta_formatted}',
        etaBuffer: 20,
        hideCursor: true,
      },
    );
    bar.start(Math.max(1, totalBytes), 0, { rows: 0, stored: 0, rejected: 0, rate: 0 });
    return {
      update: (p) => bar.update(Math.min(p.bytes, totalBytes), { rows: p.rows, stored: p.applicationsStored, rejected: p.rejected, rate: rate(p) }),
      stop: () => bar.stop(),
    };
  }
  return {
    update: (p) => {
      const etaSeconds = p.bytes > 0 ? Math.round(((totalBytes - p.bytes) / p.bytes) * (p.elapsedMs / 1000)) : 0;
      stream.write(
        `committed batch ${p.batches} through line ${p.committedThroughLine}: ${p.rows} rows, ${p.applicationsStored} stored, ` +
          `${p.alreadyStored} already stored, ${p.rejected} rejected, ${rate(p)} rows/s, ${Math.round((p.bytes / Math.max(1, totalBytes)) * 100)}%, ETA ${etaSeconds} s\n`,
      );
    },
    stop: () => undefined,
  };
}
