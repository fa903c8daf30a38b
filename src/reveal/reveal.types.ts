import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType('PersonalData', {
  description: 'Personal fields revealed to an OFFICER, each null when not requested or destroyed. Every reveal is in the access log.',
})
export class PersonalDataType {
  @Field(() => ID)
  subjectId!: string;

  @Field(() => String, { nullable: true })
  nik!: string | null;

  @Field(() => String, { nullable: true })
  fullName!: string | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD.' })
  birthDate!: string | null;

  @Field(() => String, { nullable: true })
  email!: string | null;

  @Field(() => String, { nullable: true })
  phone!: string | null;

  @Field(() => String, { nullable: true })
  addressLine!: string | null;
}
