import type { EntityManager } from '@mikro-orm/knex';
import type { Logger } from 'pino';
import type { Principal } from './auth/principal';
import type { Services } from './services';

/** Per-request GraphQL context: the verified principal and a forked EntityManager. */
export interface RequestContext {
  readonly principal: Principal | null;
  readonly requestId: string;
  readonly em: EntityManager;
  readonly services: Services;
  readonly log: Logger;
}
