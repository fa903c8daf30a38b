import { defaultWorkerCount, runIngest } from '../ingest/ingest-pipeline';
import { Wave } from '../registration/wave.entity';
import type { Services } from '../services';
import { Subject } from '../subjects/subject.entity';
import { syntheticRecords } from './synthetic-file';
import { demoWaves } from './synthetic-registrants';

export interface DemoLoadResult {
  registrants: number;
  applications: number;
  skipped: number;
  milliseconds: number;
}

/**
 * Loads the synthetic demo dataset when the database holds no wave and no subject; otherwise
 * does nothing. Logs the sizes and duration (never a value).
 */
export async function loadDemoIfEmpty(services: Services): Promise<DemoLoadResult | null> {
  const em = services.database.fork();
  if ((await em.count(Wave)) > 0 || (await em.count(Subject)) > 0) return null;
  const result = await loadDemo(services, { registrants: services.config.demoRegistrants, seed: 20261123 });
  services.logger.info(result, 'demo dataset loaded');
  return result;
}

/**
 * Writes the demo waves and `registrants` synthetic people through the same door as `register`
 * (validated, tokenized, sealed) and the same bulk path as `samaran ingest` (runIngest: worker
 * threads when compiled, one transaction per batch with the count cells). Writes waves, subjects,
 * vault entries, data keys, applications and the waves' acceptance counts.
 */
export async function loadDemo(services: Services, options: { registrants: number; seed: number }): Promise<DemoLoadResult> {
  const started = Date.now();
  const now = services.now();
  const waves = demoWaves(now, options.registrants);
  await services.database.fork().insertMany(
    Wave,
    waves.map((wave) => ({ ...wave, acceptedCount: 0, createdAt: now })),
  );
  const summary = await runIngest(
    services,
    syntheticRecords({ count: options.registrants, seed: options.seed, waves, now }),
    // Small loads are not worth starting threads for.
    { workers: options.registrants >= 5_000 ? defaultWorkerCount() : 0 },
  );
  return {
    registrants: summary.subjectsCreated,
    applications: summary.applicationsStored,
    skipped: summary.rejected,
    milliseconds: Date.now() - started,
  };
}
