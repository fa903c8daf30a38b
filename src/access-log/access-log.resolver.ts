import { Arg, Authorized, Ctx, Int, Query, Resolver } from 'type-graphql';
import { Role } from '../auth/role';
import type { RequestContext } from '../context';
import { AccessAction } from './access-log.service';
import { AccessEventConnection, AccessEventEdge, AccessLogFilterInput, AccessLogVerificationType } from './access-log.types';

@Resolver()
export class AccessLogResolver {
  @Authorized(Role.AUDITOR)
  @Query(() => AccessEventConnection, { description: 'The access log, newest first. AUDITOR; the read is itself logged. `first` is 1–500.' })
  async accessLog(
    @Arg('filter', () => AccessLogFilterInput, { nullable: true }) filter: AccessLogFilterInput | null,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() { em, services, principal, requestId }: RequestContext,
  ): Promise<AccessEventConnection> {
    const page = await em.transactional(async (tx) => {
      const result = await services.accessLog.page(tx, filter ?? {}, first, after);
      await services.accessLog.append(tx, { principal, requestId, action: AccessAction.READ_ACCESS_LOG, outcome: 'ALLOWED' });
      return result;
    });
    const edges = page.events.map(AccessEventEdge.from);
    return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.length ? edges[edges.length - 1]!.cursor : null } };
  }

  @Authorized(Role.AUDITOR)
  @Query(() => AccessLogVerificationType, { description: 'Recomputes the whole hash chain. AUDITOR. Logged after verifying.' })
  async verifyAccessLog(@Ctx() { em, services, principal, requestId, log }: RequestContext): Promise<AccessLogVerificationType> {
    const verdict = await services.accessLog.verify(services.database);
    try {
      await services.accessLog.appendAlone(em, { principal, requestId, action: AccessAction.VERIFY_ACCESS_LOG, outcome: 'ALLOWED', reference: verdict.ok ? `ok:${verdict.headHash}` : `broken:${verdict.firstBrokenSeq}` });
    } catch {
      // A tampered log may refuse even this append (e.g. a forged row already holds the next
      // sequence number). The verdict matters more than recording that it was asked for.
      log.warn({ firstBrokenSeq: verdict.firstBrokenSeq }, 'could not record the verification in a broken access log');
    }
    return Object.assign(new AccessLogVerificationType(), verdict);
  }
}
