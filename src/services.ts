import type { Logger } from 'pino';
import { AccessLogService } from './access-log/access-log.service';
import type { Config } from './config';
import type { Database } from './database/orm';
import { Metrics } from './observability/metrics';
import { PersonalDataSealer } from './pseudonymization/personal-data-sealer';
import type { Keyring } from './pseudonymization/keyring';
import { Tokenizer } from './pseudonymization/tokenizer';
import { RevealService } from './reveal/reveal.service';
import { RegistrationService } from './registration/registration.service';
import { WaveService } from './registration/wave.service';
import { SubjectQueryService } from './subjects/subject-query.service';

/** The composition root: every service, built once per process from the config and keys. */
export interface Services {
  readonly config: Config;
  readonly database: Database;
  readonly logger: Logger;
  readonly tokenizer: Tokenizer;
  readonly sealer: PersonalDataSealer;
  readonly waves: WaveService;
  readonly registration: RegistrationService;
  readonly subjects: SubjectQueryService;
  readonly accessLog: AccessLogService;
  readonly reveal: RevealService;
  /** Prometheus metrics; `metrics.recordSuppressedCells(n)` for disclosure control. */
  readonly metrics: Metrics;
  /** The service clock; tests move it to open or close waves. */
  readonly now: () => Date;
}

export function createServices(
  config: Config,
  database: Database,
  keyring: Keyring,
  logger: Logger,
  now: () => Date = () => new Date(),
  metrics: Metrics = new Metrics({ defaultMetrics: false }),
): Services {
  const tokenizer = new Tokenizer(keyring);
  const sealer = new PersonalDataSealer(keyring);
  const waves = new WaveService(now);
  const accessLog = new AccessLogService(now, metrics.observeAccessLogAppend);
  return {
    config,
    database,
    logger,
    tokenizer,
    sealer,
    waves,
    registration: new RegistrationService(tokenizer, sealer, waves, now),
    subjects: new SubjectQueryService(),
    accessLog,
    reveal: new RevealService(tokenizer, sealer, accessLog),
    metrics,
    now,
  };
}
