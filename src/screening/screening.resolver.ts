import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../auth/role';
import type { RequestContext } from '../context';
import type { ListSubmitter } from './screening-list.service';
import {
  AgreementScreeningResultType,
  AgreementType,
  CreateAgreementInputType,
  ScreeningListReceiptType,
  ScreeningListVersionType,
  ScreeningRunType,
  SubmitScreeningListInputType,
} from './screening.types';

function submitter({ principal, requestId }: RequestContext): ListSubmitter {
  // An AGENCY token without an `agency` claim owns nothing: '' matches no agreement.
  return { principal: principal!, agency: principal!.agency ?? '', requestId };
}

const receipt = (value: { received: number; accepted: number; invalid: number }) => Object.assign(new ScreeningListReceiptType(), value);

@Resolver()
export class ScreeningResolver {
  @Authorized(Role.OPERATOR, Role.AUDITOR, Role.AGENCY)
  @Query(() => [AgreementType], { description: 'Data-sharing agreements: OPERATOR and AUDITOR see all, AGENCY only its own (by the `agency` claim).' })
  async agreements(@Ctx() { em, services, principal }: RequestContext): Promise<AgreementType[]> {
    const now = services.now();
    return (await services.agreements.visibleTo(em, principal!)).map((agreement) => AgreementType.from(agreement, now));
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => AgreementType, { description: 'Records a data-sharing agreement. OPERATOR. Errors: BAD_USER_INPUT (extensions.field names the field).' })
  async createAgreement(@Arg('input', () => CreateAgreementInputType) input: CreateAgreementInputType, @Ctx() { em, services, principal }: RequestContext): Promise<AgreementType> {
    return AgreementType.from(await services.agreements.create(em, principal!, { ...input }), services.now());
  }

  @Authorized(Role.AGENCY)
  @Mutation(() => ScreeningListReceiptType, {
    description:
      "Submits the agency's whole list under its own agreement; it replaces the previous list for that agreement. AGENCY. " +
      'Answers counts only. Errors: NOT_FOUND, FORBIDDEN (another agency\'s agreement), AGREEMENT_EXPIRED (outside the validity window); nothing is stored then. ' +
      'For big lists use beginScreeningList / appendScreeningList / commitScreeningList.',
  })
  async submitScreeningList(@Arg('input', () => SubmitScreeningListInputType) input: SubmitScreeningListInputType, @Ctx() context: RequestContext): Promise<ScreeningListReceiptType> {
    return receipt(await context.services.screeningLists.submit(context.em, submitter(context), input.agreementId, input.niks));
  }

  @Authorized(Role.AGENCY)
  @Mutation(() => ScreeningListVersionType, { description: 'Starts a chunked list upload under the agency\'s own agreement. AGENCY. Errors as submitScreeningList.' })
  async beginScreeningList(@Arg('agreementId', () => ID) agreementId: string, @Ctx() context: RequestContext): Promise<ScreeningListVersionType> {
    return Object.assign(new ScreeningListVersionType(), await context.services.screeningLists.begin(context.em, submitter(context), agreementId));
  }

  @Authorized(Role.AGENCY)
  @Mutation(() => ScreeningListReceiptType, {
    description: 'Appends up to 10,000 NIKs to an uncommitted list version; answers counts of this chunk. AGENCY. Errors: BAD_USER_INPUT (niks), NOT_FOUND, FORBIDDEN, AGREEMENT_EXPIRED, CONFLICT (committed).',
  })
  async appendScreeningList(
    @Arg('listVersionId', () => ID) listVersionId: string,
    @Arg('niks', () => [String]) niks: string[],
    @Ctx() context: RequestContext,
  ): Promise<ScreeningListReceiptType> {
    return receipt(await context.services.screeningLists.append(context.em, submitter(context), listVersionId, niks));
  }

  @Authorized(Role.AGENCY)
  @Mutation(() => ScreeningListReceiptType, {
    description: "Makes the list version the agreement's active list, atomically replacing the previous one; answers the version's totals. AGENCY. Errors: NOT_FOUND, FORBIDDEN, AGREEMENT_EXPIRED, CONFLICT.",
  })
  async commitScreeningList(@Arg('listVersionId', () => ID) listVersionId: string, @Ctx() context: RequestContext): Promise<ScreeningListReceiptType> {
    return receipt(await context.services.screeningLists.commit(context.em, submitter(context), listVersionId));
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => ScreeningRunType, {
    description:
      "Screens a wave: PENDING applications whose subject is on the active list of an agreement in force are rejected with the agreement's reason; counts update in the same transaction. OPERATOR. Errors: NOT_FOUND (wave).",
  })
  async runScreening(@Arg('wave', () => Int) wave: number, @Ctx() { em, services, principal, requestId }: RequestContext): Promise<ScreeningRunType> {
    const result = await services.screeningRuns.run(em, services.database.dialect, { principal: principal!, requestId }, wave);
    return Object.assign(new ScreeningRunType(), {
      wave: result.wave,
      rejected: result.rejected,
      agreements: result.agreements.map((a) => Object.assign(new AgreementScreeningResultType(), a)),
    });
  }
}
