import type { AuthChecker, ResolverData } from 'type-graphql';
import { AccessAction } from '../access-log/access-log.service';
import type { RequestContext } from '../context';
import { AuthError, ErrorCode } from '../errors';
import { isUuid } from '../registration/registration.service';
import { hasAnyRole } from './principal';
import type { Role } from './role';

/** Operations whose refused attempts are recorded in the access log, by root field name. */
const AUDITED_FIELDS: Readonly<Record<string, AccessAction>> = {
  reveal: AccessAction.REVEAL,
  findSubjectByNik: AccessAction.FIND_BY_NIK,
  subjects: AccessAction.READ_SUBJECTS,
  subject: AccessAction.READ_SUBJECT,
  accessLog: AccessAction.READ_ACCESS_LOG,
  verifyAccessLog: AccessAction.VERIFY_ACCESS_LOG,
  submitScreeningList: AccessAction.SCREENING_LIST_SUBMITTED,
  beginScreeningList: AccessAction.SCREENING_LIST_SUBMITTED,
  appendScreeningList: AccessAction.SCREENING_LIST_SUBMITTED,
  commitScreeningList: AccessAction.SCREENING_LIST_SUBMITTED,
  runScreening: AccessAction.SCREENING_RUN,
};

/**
 * Writes a refused attempt at an audited root operation to the access log as DENIED, with the
 * refusal's code as the reason (own transaction: nothing else commits with a refusal). Never
 * records the arguments' values, only a subject id when one was named. Does nothing for fields
 * that are not audited. Used for role refusals here and for rate-limit refusals (api/rate-limit).
 */
export async function recordRefusedAttempt(
  { context, info, args }: Pick<ResolverData<RequestContext>, 'context' | 'info' | 'args'>,
  reason: string,
): Promise<void> {
  const action = info.parentType.name === 'Query' || info.parentType.name === 'Mutation' ? AUDITED_FIELDS[info.fieldName] : undefined;
  if (!action) return;
  const named = typeof args.subjectId === 'string' ? args.subjectId : typeof args.id === 'string' ? args.id : undefined;
  await context.services.accessLog.appendAlone(context.em, {
    principal: context.principal,
    requestId: context.requestId,
    action,
    subjectIds: named && isUuid(named) ? [named] : [],
    outcome: 'DENIED',
    reason,
  });
}

/**
 * type-graphql's `@Authorized(...roles)` check. `@Authorized()` with no roles admits any
 * authenticated principal. Raises our own errors so the codes are the contract's
 * (UNAUTHENTICATED / FORBIDDEN) rather than type-graphql's. A refused attempt at an audited
 * operation is written to the access log as DENIED first.
 */
export const roleAuthChecker: AuthChecker<RequestContext, Role> = async (resolverData, roles) => {
  const { context } = resolverData;
  if (!context.principal) throw AuthError.unauthenticated();
  if (roles.length === 0 || hasAnyRole(context.principal, roles)) return true;
  await recordRefusedAttempt(resolverData, ErrorCode.FORBIDDEN);
  throw AuthError.forbidden();
};
