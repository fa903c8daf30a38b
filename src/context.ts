import type { EntityManager } from '@mikro-orm/knex';
import type { Logger } from 'pino';
import type { PersonalDataRateLimiter } from './api/personal-data-guard';
import type { Principal } from './auth/principal';
import type { Services } from './services';

/** Per-request GraphQL context: the verified principal and a forked EntityManager. */
export interface RequestContext {
  readonly principal: Principal | null;
  readonly requestId: string;
  readonly em: EntityManager;
  readonly services: Services;
  readonly log: Logger;
  /** The per-principal budget for reveal and findSubjectByNik (one per process). */
  readonly rateLimiter: PersonalDataRateLimiter;
}
