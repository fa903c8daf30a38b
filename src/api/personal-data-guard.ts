import cluster from 'node:cluster';
import { RateLimiterCluster, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { MiddlewareFn } from 'type-graphql';
import { recordRefusedAttempt } from '../auth/auth-checker';
import type { RateLimit } from '../config';
import type { RequestContext } from '../context';
import { ErrorCode, LimitError } from '../errors';
import type { PersonalDataOperation } from '../observability/metrics';

/** Root fields that reach personal data: bulk use of them is how a leak happens. */
const PERSONAL_DATA_FIELDS: ReadonlySet<string> = new Set<PersonalDataOperation>(['reveal', 'findSubjectByNik']);

/**
 * Per-principal budget for personal-data operations (`reveal` and `findSubjectByNik` share one),
 * keyed by the token's `sub`. In memory: shared by the workers of one `samaran serve`; with N
 * separate servers behind a load balancer a principal gets at most N times the budget, which
 * still bounds a bulk harvest.
 */
export class PersonalDataRateLimiter {
  private readonly limiter: RateLimiterMemory | RateLimiterCluster;

  constructor(readonly rate: RateLimit) {
    const options = { points: rate.points, duration: rate.windowSeconds, keyPrefix: 'personal-data' };
    // In a worker of `SAMARAN_WORKERS` the budget lives in the primary (RateLimiterClusterMaster),
    // so a principal's calls count once whichever worker takes them.
    this.limiter = cluster.isWorker ? new RateLimiterCluster({ ...options, timeoutMs: 5_000 }) : new RateLimiterMemory(options);
  }

  /** Takes one call from `sub`'s budget; resolves with the seconds to wait when it is spent, else 0. */
  async take(sub: string): Promise<number> {
    try {
      await this.limiter.consume(sub, 1);
      return 0;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw rejection;
    }
  }
}

/**
 * type-graphql global middleware (runs after the role check): spends the principal's budget on
 * every `reveal` / `findSubjectByNik` attempt, refuses with RATE_LIMITED when it is spent — the
 * refusal written to the access log as DENIED like a role refusal — and counts the outcome in
 * the metrics. Other fields pass through untouched.
 */
export const personalDataGuard: MiddlewareFn<RequestContext> = async (resolverData, next) => {
  const { context, info } = resolverData;
  const root = info.parentType.name === 'Query' || info.parentType.name === 'Mutation';
  if (!root || !PERSONAL_DATA_FIELDS.has(info.fieldName)) return next();
  const operation = info.fieldName as PersonalDataOperation;
  const metrics = context.services.metrics;
  const retryAfterSeconds = context.principal ? await context.rateLimiter.take(context.principal.sub) : 0;
  if (retryAfterSeconds > 0) {
    metrics.recordPersonalDataAccess(operation, 'refused');
    context.log.warn({ operation, retryAfterSeconds }, 'personal-data rate limit reached');
    await recordRefusedAttempt(resolverData, ErrorCode.RATE_LIMITED);
    throw LimitError.rateLimited(retryAfterSeconds);
  }
  try {
    const result: unknown = await next();
    metrics.recordPersonalDataAccess(operation, 'allowed');
    return result;
  } catch (error) {
    metrics.recordPersonalDataAccess(operation, 'refused');
    throw error;
  }
};
