import { Field, ObjectType } from 'type-graphql';
import { Role } from './role';

@ObjectType('Principal', { description: 'The caller as the server sees it after verifying its bearer token.' })
export class PrincipalType {
  @Field(() => String, { description: 'The token subject (`sub`).' })
  sub!: string;

  @Field(() => [Role], { description: 'Roles from the `roles` claim; unknown names are ignored.' })
  roles!: Role[];

  @Field(() => String, { nullable: true, description: 'The partner agency (`agency` claim), for AGENCY principals.' })
  agency!: string | null;
}
