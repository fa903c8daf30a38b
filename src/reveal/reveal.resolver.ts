import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../auth/role';
import type { RequestContext } from '../context';
import { SubjectType } from '../subjects/subject.type';
import { PersonalField } from './personal-field';
import { PersonalDataType } from './reveal.types';

@Resolver()
export class RevealResolver {
  @Authorized(Role.OFFICER)
  @Query(() => SubjectType, {
    nullable: true,
    description:
      'The subject registered with this NIK, or null — also for an erased subject, so the answer never confirms a person once existed. ' +
      'OFFICER; a purpose is required; every call is in the access log. Errors: BAD_USER_INPUT (nik, purpose), RATE_LIMITED.',
  })
  async findSubjectByNik(
    @Arg('nik', () => String) nik: string,
    @Arg('purpose', () => String) purpose: string,
    @Ctx() { em, services, principal, requestId }: RequestContext,
  ): Promise<SubjectType | null> {
    const subject = await services.reveal.findByNik(em, { principal: principal!, requestId }, nik, purpose);
    return subject ? SubjectType.from(subject) : null;
  }

  @Authorized(Role.OFFICER)
  @Mutation(() => PersonalDataType, {
    description:
      'Decrypts the requested personal fields of one subject. OFFICER; a purpose is required; logged before data is returned (fail-closed). ' +
      'Errors: BAD_USER_INPUT (purpose, fields), NOT_FOUND, SUBJECT_ERASED, SUBJECT_RESTRICTED, RATE_LIMITED.',
  })
  async reveal(
    @Arg('subjectId', () => ID) subjectId: string,
    @Arg('fields', () => [PersonalField]) fields: PersonalField[],
    @Arg('purpose', () => String) purpose: string,
    @Ctx() { em, services, principal, requestId }: RequestContext,
  ): Promise<PersonalDataType> {
    const values = await services.reveal.reveal(em, { principal: principal!, requestId }, subjectId, fields, purpose);
    return Object.assign(new PersonalDataType(), {
      subjectId,
      nik: values.nik ?? null,
      fullName: values.fullName ?? null,
      birthDate: values.birthDate ?? null,
      email: values.email ?? null,
      phone: values.phone ?? null,
      addressLine: values.addressLine ?? null,
    });
  }
}
