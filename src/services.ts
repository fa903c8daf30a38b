import type { Logger } from 'pino';
import { AccessLogService } from './access-log/access-log.service';
import { AccountabilityService } from './accountability/accountability.service';
import { CountStore } from './accountability/count-store';
import type { Config } from './config';
import { purgeDestroyedData, type Database } from './database/orm';
import { ErasureService } from './erasure/erasure.service';
import { LegalHoldService } from './erasure/legal-hold.service';
import { Metrics } from './observability/metrics';
import { PersonalDataSealer } from './pseudonymization/personal-data-sealer';
import type { Keyring } from './pseudonymization/keyring';
import { Tokenizer } from './pseudonymization/tokenizer';
import { loadSealedSubjects, RevealService } from './reveal/reveal.service';
import { AccessLogGroupCommit } from './access-log/group-commit';
import { RegistrationService } from './registration/registration.service';
import { WaveService } from './registration/wave.service';
import { SubjectQueryService } from './subjects/subject-query.service';
import { AgreementService } from './screening/agreement.service';
import { ScreeningListService } from './screening/screening-list.service';
import { ScreeningRunService } from './screening/screening-run.service';

/** The composition root: every service, built once per process from the config and keys. */
export interface Services {
  readonly config: Config;
  readonly database: Database;
  readonly logger: Logger;
  /** The token and vault keys (bulk ingest workers reload them from `config.keysFile`). */
  readonly keyring: Keyring;
  readonly tokenizer: Tokenizer;
  readonly sealer: PersonalDataSealer;
  readonly waves: WaveService;
  readonly registration: RegistrationService;
  readonly subjects: SubjectQueryService;
  readonly accessLog: AccessLogService;
  readonly counts: CountStore;
  readonly accountability: AccountabilityService;
  readonly reveal: RevealService;
  readonly erasure: ErasureService;
  readonly legalHolds: LegalHoldService;
  readonly agreements: AgreementService;
  readonly screeningLists: ScreeningListService;
  readonly screeningRuns: ScreeningRunService;
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
  const counts = new CountStore();
  const agreements = new AgreementService(now);
  return {
    config,
    database,
    logger,
    keyring,
    tokenizer,
    sealer,
    waves,
    registration: new RegistrationService(tokenizer, sealer, waves, counts, now),
    subjects: new SubjectQueryService(),
    accessLog,
    counts,
    accountability: new AccountabilityService(database, counts, config.suppressionK, {
      onSuppressed: (cells) => metrics.recordSuppressedCells(cells),
      onWatchError: (error) =>
        logger.warn(
          { errorName: error instanceof Error ? error.name : typeof error, pgCode: (error as { code?: unknown })?.code },
          'count version notices lost: reading the version per query until they are heard again',
        ),
    }),
    reveal: new RevealService(tokenizer, sealer, accessLog, new AccessLogGroupCommit(database, accessLog, loadSealedSubjects), now),
    erasure: new ErasureService(sealer, accessLog, config, now, () => purgeDestroyedData(database)),
    legalHolds: new LegalHoldService(accessLog, config.legalHoldDays, now),
    agreements,
    screeningLists: new ScreeningListService(tokenizer, agreements, accessLog, now),
    screeningRuns: new ScreeningRunService(counts, accessLog, now),
    metrics,
    now,
  };
}
