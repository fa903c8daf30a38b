import { Collection, Entity, Enum, Index, OneToMany, PrimaryKey, Property } from '@mikro-orm/core';
import { Application } from './application.entity';
import { AgeBand, Education, EmploymentStatus, Gender, SubjectState } from './subject.enums';

/**
 * One person, pseudonymously: a random id, keyed tokens and the coarse attributes counts need.
 * Never exposed through GraphQL directly (see subject.type.ts): it holds tokens.
 * Attributes are those declared at the subject's first registration.
 */
@Entity({ tableName: 'subject' })
export class Subject {
  /** Random (UUID v4), never derived from the NIK. */
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  /** HMAC token of the NIK under a versioned key (`t1.…`); a random tombstone once erased. */
  @Property({ type: 'string', length: 64, unique: true })
  nikToken!: string;

  @Index()
  @Property({ type: 'string', length: 64, nullable: true })
  phoneToken: string | null = null;

  @Index()
  @Property({ type: 'string', length: 64, nullable: true })
  emailToken: string | null = null;

  /** Declared domicile, not the NIK's region digits. */
  @Property({ type: 'string', length: 2 })
  provinceCode!: string;

  @Property({ type: 'string', length: 4 })
  regencyCode!: string;

  @Enum({ items: () => Gender, type: 'string', length: 8 })
  gender!: Gender;

  @Enum({ items: () => AgeBand, type: 'string', length: 16 })
  ageBand!: AgeBand;

  @Enum({ items: () => Education, type: 'string', length: 24 })
  education!: Education;

  @Enum({ items: () => EmploymentStatus, type: 'string', length: 24 })
  employmentStatus!: EmploymentStatus;

  @Enum({ items: () => SubjectState, type: 'string', length: 16, default: SubjectState.ACTIVE })
  state: SubjectState = SubjectState.ACTIVE;

  @Property({ type: 'datetime' })
  registeredAt!: Date;

  @OneToMany(() => Application, (application) => application.subject)
  applications = new Collection<Application>(this);
}
