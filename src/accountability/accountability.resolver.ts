import { Arg, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { AccessAction } from '../access-log/access-log.service';
import { hasAnyRole } from '../auth/principal';
import { Role } from '../auth/role';
import type { RequestContext } from '../context';
import { AuthError } from '../errors';
import { CountFilterInput, CountTableType, filterMap } from './accountability.types';
import { Dimension, Measure } from './dimensions';

@Resolver()
export class AccountabilityResolver {
  @Authorized(Role.REPORTER, Role.ANALYST, Role.OFFICER, Role.AUDITOR, Role.OPERATOR)
  @Query(() => CountTableType, {
    description:
      'Registration counts grouped by any subset of the dimensions, filtered by dimension values. Disclosure control applies to every role; ' +
      'only AUDITOR may ask exact: true, and every such request (and every refused one) is written to the access log. ' +
      'Errors: BAD_USER_INPUT (filter.*), FORBIDDEN (exact without AUDITOR).',
  })
  async accountability(
    @Arg('groupBy', () => [Dimension], { defaultValue: [], description: 'Dimensions to group by; none gives one cell, the total.' }) groupBy: Dimension[],
    @Arg('filter', () => CountFilterInput, { nullable: true }) filter: CountFilterInput | null,
    @Arg('measure', () => Measure, { defaultValue: Measure.APPLICATIONS }) measure: Measure,
    @Arg('exact', () => Boolean, { defaultValue: false, description: 'Exact counts without disclosure control: AUDITOR only; logged.' }) exact: boolean,
    @Ctx() { em, services, principal, requestId }: RequestContext,
  ): Promise<CountTableType> {
    const query = { groupBy, filter: filterMap(filter), measure, exact };
    if (exact && !hasAnyRole(principal!, [Role.AUDITOR])) {
      await services.accessLog.appendAlone(em, { principal, requestId, action: AccessAction.EXACT_COUNTS, outcome: 'DENIED', reason: 'FORBIDDEN' });
      throw AuthError.forbidden('exact counts are for auditors');
    }
    const table = await services.accountability.table(em, query);
    if (exact) {
      // Recorded before the counts leave: if the event cannot be written, the caller gets an error.
      await services.accessLog.appendAlone(em, {
        principal,
        requestId,
        action: AccessAction.EXACT_COUNTS,
        outcome: 'ALLOWED',
        reference: `${measure} by ${table.groupBy.join(',') || 'nothing'}${query.filter.size ? ` where ${[...query.filter.keys()].join(',')}` : ''}`,
      });
    }
    return CountTableType.from(table);
  }
}
