import { Authorized, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Role } from '../auth/role';
import type { Application } from './application.entity';
import type { Subject } from './subject.entity';
import { AgeBand, Education, EmploymentStatus, Gender, Outcome, RejectionReason, SubjectState } from './subject.enums';

/**
 * The pseudonymous view of a person. Mapped explicitly from the entity so that tokens and
 * vault data cannot reach the API by someone adding a field: there is no personal field here.
 */
@ObjectType('Subject', { description: 'A person, pseudonymously: an opaque id and coarse attributes. No personal field exists on this type.' })
export class SubjectType {
  @Field(() => ID, { description: 'Opaque random id.' })
  id!: string;

  @Field(() => String, { description: 'Declared domicile province code (not the NIK region).' })
  provinceCode!: string;

  @Field(() => String, { description: 'Declared domicile regency code.' })
  regencyCode!: string;

  @Field(() => Gender)
  gender!: Gender;

  @Field(() => AgeBand)
  ageBand!: AgeBand;

  @Field(() => Education)
  education!: Education;

  @Field(() => EmploymentStatus)
  employmentStatus!: EmploymentStatus;

  @Field(() => SubjectState)
  state!: SubjectState;

  @Field(() => [ApplicationType], { description: 'Applications by wave.' })
  applications!: ApplicationType[];

  static from(subject: Subject): SubjectType {
    const view = Object.assign(new SubjectType(), {
      id: subject.id,
      provinceCode: subject.provinceCode,
      regencyCode: subject.regencyCode,
      gender: subject.gender,
      ageBand: subject.ageBand,
      education: subject.education,
      employmentStatus: subject.employmentStatus,
      state: subject.state,
    });
    const applications = subject.applications.isInitialized() ? subject.applications.getItems() : [];
    view.applications = applications
      .map((application) => ApplicationType.from(application, view))
      .sort((a, b) => a.wave - b.wave);
    return view;
  }
}

@ObjectType('Application', { description: "A subject's application to one wave." })
export class ApplicationType {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  wave!: number;

  @Field(() => Outcome)
  outcome!: Outcome;

  @Field(() => RejectionReason, { nullable: true })
  rejectionReason!: RejectionReason | null;

  @Authorized(Role.ANALYST, Role.OFFICER)
  @Field(() => SubjectType, { description: 'The applicant (pseudonymous). ANALYST, OFFICER.' })
  subject!: SubjectType;

  /** `subject` is the already-mapped parent when known, to avoid mapping cycles. */
  static from(application: Application, subject?: SubjectType): ApplicationType {
    const view = Object.assign(new ApplicationType(), {
      id: application.id,
      wave: application.wave.number,
      outcome: application.outcome,
      rejectionReason: application.rejectionReason,
    });
    view.subject = subject ?? SubjectType.from(application.subject);
    return view;
  }
}

@ObjectType('PageInfo', { description: 'Relay pagination state.' })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType('SubjectEdge')
export class SubjectEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => SubjectType)
  node!: SubjectType;
}

@ObjectType('SubjectConnection', { description: 'A page of subjects (Relay connection), ordered by id.' })
export class SubjectConnection {
  @Field(() => [SubjectEdge])
  edges!: SubjectEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@InputType('SubjectFilter', { description: 'Every given field must match.' })
export class SubjectFilterInput {
  @Field(() => String, { nullable: true })
  provinceCode?: string | null;

  @Field(() => String, { nullable: true })
  regencyCode?: string | null;

  @Field(() => Gender, { nullable: true })
  gender?: Gender | null;

  @Field(() => AgeBand, { nullable: true })
  ageBand?: AgeBand | null;

  @Field(() => Education, { nullable: true })
  education?: Education | null;

  @Field(() => EmploymentStatus, { nullable: true })
  employmentStatus?: EmploymentStatus | null;

  @Field(() => SubjectState, {
    nullable: true,
    description: 'Only ACTIVE subjects are listed: RESTRICTED and ERASED ones are excluded from everything but counting, so any other value finds nothing.',
  })
  state?: SubjectState | null;

  @Field(() => Int, { nullable: true, description: 'Subjects with an application to this wave.' })
  wave?: number | null;
}
