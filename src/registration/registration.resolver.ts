import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { Role } from '../auth/role';
import type { RequestContext } from '../context';
import { ApplicationType } from '../subjects/subject.type';
import { RecordOutcomeInputType, RegisterInputType, RegistrationReceiptType } from './registration.types';

@Resolver()
export class RegistrationResolver {
  @Authorized(Role.OPERATOR)
  @Mutation(() => RegistrationReceiptType, {
    description:
      'Registers an application. OPERATOR. Creates the subject on its first application. ' +
      'Errors: BAD_USER_INPUT (extensions.field names the field), WAVE_CLOSED, CONFLICT (already applied to this wave), SUBJECT_RESTRICTED.',
  })
  async register(@Arg('input', () => RegisterInputType) input: RegisterInputType, @Ctx() { em, services }: RequestContext): Promise<RegistrationReceiptType> {
    return Object.assign(new RegistrationReceiptType(), await services.registration.register(em, { ...input }));
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => ApplicationType, {
    description: 'Records the outcome of a PENDING application. OPERATOR. Errors: BAD_USER_INPUT, NOT_FOUND, CONFLICT (already decided, or quota exhausted).',
  })
  async recordOutcome(@Arg('input', () => RecordOutcomeInputType) input: RecordOutcomeInputType, @Ctx() { em, services }: RequestContext): Promise<ApplicationType> {
    const application = await services.registration.recordOutcome(em, {
      applicationId: input.applicationId,
      outcome: input.outcome,
      rejectionReason: input.rejectionReason ?? null,
    });
    return ApplicationType.from(application);
  }
}
