import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Education, EmploymentStatus, Gender, Outcome, RejectionReason } from '../subjects/subject.enums';

@InputType('RegisterInput', {
  description: 'One application. Personal fields are tokenized and sealed at once; none is stored, logged or echoed in plaintext.',
})
export class RegisterInputType {
  @Field(() => String, { description: '16-digit NIK; checked against birthDate and gender.' })
  nik!: string;

  @Field(() => String)
  fullName!: string;

  @Field(() => String, { description: 'YYYY-MM-DD; the applicant must be at least 18.' })
  birthDate!: string;

  @Field(() => Gender)
  gender!: Gender;

  @Field(() => String)
  email!: string;

  @Field(() => String, { description: 'Indonesian mobile number: 08…, +628… or 628….' })
  phone!: string;

  @Field(() => String, { description: 'Declared domicile province (Kemendagri code, e.g. "31").' })
  provinceCode!: string;

  @Field(() => String, { description: 'Declared domicile regency within the province (e.g. "3171").' })
  regencyCode!: string;

  @Field(() => String)
  addressLine!: string;

  @Field(() => Education)
  education!: Education;

  @Field(() => EmploymentStatus)
  employmentStatus!: EmploymentStatus;

  @Field(() => Int, { description: 'The wave number; it must be open now.' })
  wave!: number;
}

@ObjectType('RegistrationReceipt')
export class RegistrationReceiptType {
  @Field(() => ID, { description: "The subject's opaque id (random; not derived from the NIK)." })
  subjectId!: string;

  @Field(() => ID)
  applicationId!: string;

  @Field(() => Int)
  wave!: number;
}

@InputType('RecordOutcomeInput')
export class RecordOutcomeInputType {
  @Field(() => ID)
  applicationId!: string;

  @Field(() => Outcome, { description: 'ACCEPTED or REJECTED.' })
  outcome!: Outcome;

  @Field(() => RejectionReason, { nullable: true, description: 'Required with REJECTED, empty with ACCEPTED.' })
  rejectionReason?: RejectionReason | null;
}
