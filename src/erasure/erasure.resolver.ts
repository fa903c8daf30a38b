import { Arg, Authorized, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { hasAnyRole } from '../auth/principal';
import { Role } from '../auth/role';
import type { RequestContext } from '../context';
import { ErasureStatus } from './erasure.enums';
import {
  ApproveLegalHoldInputType,
  DecideErasureInputType,
  ErasureRequestConnection,
  ErasureRequestType,
  LegalHoldType,
  RequestErasureInputType,
  RequestLegalHoldInputType,
} from './erasure.types';

@Resolver()
export class ErasureResolver {
  @Authorized(Role.OFFICER)
  @Mutation(() => ErasureRequestType, {
    description:
      'Files an erasure request on the data subject\'s behalf and applies the policy at once: the subject is RESTRICTED immediately; ' +
      'NOT_SELECTED is DENIED (minimized); an accepted participant with open obligations is RESTRICTED until they close; other reasons stay PENDING. ' +
      'OFFICER; logged. Counts never change. Errors: BAD_USER_INPUT (note), NOT_FOUND, SUBJECT_ERASED, CONFLICT (an open request exists).',
  })
  async requestErasure(@Arg('input', () => RequestErasureInputType) input: RequestErasureInputType, @Ctx() { em, services, principal, requestId }: RequestContext): Promise<ErasureRequestType> {
    return ErasureRequestType.from(await services.erasure.request(em, { principal: principal!, requestId }, input));
  }

  @Authorized(Role.OFFICER)
  @Mutation(() => ErasureRequestType, {
    description:
      'Decides a PENDING request (or a RESTRICTED one whose obligations have closed): GRANT crypto-shreds the subject (ERASED), DENY minimizes it (RESTRICTED). ' +
      'OFFICER other than the filing one (four-eyes); logged. Counts never change. ' +
      'Errors: BAD_USER_INPUT (note), NOT_FOUND, FORBIDDEN (the filing officer), CONFLICT (already decided, obligations still open).',
  })
  async decideErasure(@Arg('input', () => DecideErasureInputType) input: DecideErasureInputType, @Ctx() { em, services, principal, requestId }: RequestContext): Promise<ErasureRequestType> {
    return ErasureRequestType.from(await services.erasure.decide(em, { principal: principal!, requestId }, input));
  }

  @Authorized(Role.OFFICER, Role.AUDITOR)
  @Query(() => ErasureRequestConnection, {
    description: 'Erasure requests, overdue first, then by due date. OFFICER, AUDITOR (evidence notes for officers only); the read is logged. `first` is 1–500.',
  })
  async erasureRequests(
    @Arg('status', () => ErasureStatus, { nullable: true }) status: ErasureStatus | null,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() { em, services, principal, requestId }: RequestContext,
  ): Promise<ErasureRequestConnection> {
    const page = await services.erasure.page(em, { principal: principal!, requestId }, { status, first, after, withNotes: hasAnyRole(principal!, [Role.OFFICER]) });
    const edges = page.items.map((item) => ({ cursor: item.cursor, node: ErasureRequestType.from(item) }));
    return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.length ? edges[edges.length - 1]!.cursor : null } };
  }

  @Authorized(Role.OFFICER)
  @Mutation(() => LegalHoldType, {
    description: 'Asks for a legal hold on a RESTRICTED subject (PENDING until a second officer approves). OFFICER; logged. Errors: BAD_USER_INPUT (purpose), NOT_FOUND, SUBJECT_ERASED, CONFLICT (not restricted).',
  })
  async requestLegalHold(@Arg('input', () => RequestLegalHoldInputType) input: RequestLegalHoldInputType, @Ctx() { em, services, principal, requestId }: RequestContext): Promise<LegalHoldType> {
    return LegalHoldType.from(await services.legalHolds.request(em, { principal: principal!, requestId }, input));
  }

  @Authorized(Role.OFFICER)
  @Mutation(() => LegalHoldType, {
    description:
      'Approves a PENDING legal hold: officers may then reveal (and find by NIK) the restricted subject until it expires. ' +
      'OFFICER other than the requesting one (four-eyes); logged. Errors: NOT_FOUND, FORBIDDEN, CONFLICT, SUBJECT_ERASED.',
  })
  async approveLegalHold(@Arg('input', () => ApproveLegalHoldInputType) input: ApproveLegalHoldInputType, @Ctx() { em, services, principal, requestId }: RequestContext): Promise<LegalHoldType> {
    return LegalHoldType.from(await services.legalHolds.approve(em, { principal: principal!, requestId }, input.legalHoldId));
  }
}
