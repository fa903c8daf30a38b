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

/** How a request makes its EntityManager and logger, and what it has made so far. */
interface LazyRequestParts {
  readonly forkEntityManager: () => EntityManager;
  readonly childLogger: () => Logger;
  em?: EntityManager;
  log?: Logger;
}

/**
 * The context built for each request. The EntityManager and the request's logger are made when a
 * resolver first asks for them (most requests need neither), through getters on the prototype:
 * Apollo copies a context's own properties into a fresh object for every operation
 * (`Object.assign`), which would call getters defined on the object itself and make both each time.
 * The copy shares `parts` with the original, so whatever one makes the other sees.
 */
export class LazyRequestContext implements RequestContext {
  constructor(
    readonly principal: Principal | null,
    readonly requestId: string,
    readonly services: Services,
    readonly rateLimiter: PersonalDataRateLimiter,
    private readonly parts: LazyRequestParts,
  ) {}

  get em(): EntityManager {
    return (this.parts.em ??= this.parts.forkEntityManager());
  }

  get log(): Logger {
    return (this.parts.log ??= this.parts.childLogger());
  }
}
