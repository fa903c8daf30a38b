import { BigIntType, Entity, Enum, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import { AgeBand, Education, EmploymentStatus, Gender, Outcome } from '../subjects/subject.enums';

/**
 * Application counts at the finest grain of the reporting dimensions (see dimensions.ts). Changed
 * only through CountStore, in the same transaction as the registration, outcome or bulk batch that
 * causes the change. Rows whose count fell to zero stay (and are ignored).
 */
@Entity({ tableName: 'count_cell' })
export class ApplicationCountCell {
  [PrimaryKeyProp]?: ['wave', 'province', 'gender', 'ageBand', 'education', 'employment', 'outcome', 'rejectionReason'];

  @PrimaryKey({ type: 'integer', fieldName: 'wave_number' })
  wave!: number;

  @PrimaryKey({ type: 'string', length: 2, fieldName: 'province_code' })
  province!: string;

  @Enum({ items: () => Gender, type: 'string', length: 8, primary: true })
  gender!: Gender;

  @Enum({ items: () => AgeBand, type: 'string', length: 16, primary: true })
  ageBand!: AgeBand;

  @Enum({ items: () => Education, type: 'string', length: 24, primary: true })
  education!: Education;

  @Enum({ items: () => EmploymentStatus, type: 'string', length: 24, primary: true, fieldName: 'employment_status' })
  employment!: EmploymentStatus;

  @Enum({ items: () => Outcome, type: 'string', length: 16, primary: true })
  outcome!: Outcome;

  /** '' when the outcome is not REJECTED. */
  @PrimaryKey({ type: 'string', length: 40 })
  rejectionReason!: string;

  @Property({ type: new BigIntType('number') })
  count!: number;
}

/** Person (subject) counts: attributes plus the outcome of the subject's latest application. */
@Entity({ tableName: 'person_count_cell' })
export class PersonCountCell {
  [PrimaryKeyProp]?: ['province', 'gender', 'ageBand', 'education', 'employment', 'outcome', 'rejectionReason'];

  @PrimaryKey({ type: 'string', length: 2, fieldName: 'province_code' })
  province!: string;

  @Enum({ items: () => Gender, type: 'string', length: 8, primary: true })
  gender!: Gender;

  @Enum({ items: () => AgeBand, type: 'string', length: 16, primary: true })
  ageBand!: AgeBand;

  @Enum({ items: () => Education, type: 'string', length: 24, primary: true })
  education!: Education;

  @Enum({ items: () => EmploymentStatus, type: 'string', length: 24, primary: true, fieldName: 'employment_status' })
  employment!: EmploymentStatus;

  @Enum({ items: () => Outcome, type: 'string', length: 16, primary: true })
  outcome!: Outcome;

  @PrimaryKey({ type: 'string', length: 40 })
  rejectionReason!: string;

  @Property({ type: new BigIntType('number') })
  count!: number;
}

/**
 * The counts' data version (one row, id 1). Every change to the cell tables increments it first,
 * which takes a row lock: count changes commit in version order, across processes.
 */
@Entity({ tableName: 'count_version' })
export class CountVersion {
  @PrimaryKey({ type: 'integer', autoincrement: false })
  id!: number;

  @Property({ type: new BigIntType('number') })
  version!: number;
}

/**
 * The changes of each version, as JSON, so every process can bring its in-memory cube up to date
 * without rereading the cell tables. Old entries are pruned; a process that fell further behind
 * reloads the cells.
 */
@Entity({ tableName: 'count_journal' })
export class CountJournalEntry {
  [PrimaryKeyProp]?: 'version';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: false })
  version!: number;

  /** `{ a: [[values…, delta], …], p: [[values…, delta], …] }` (application and person cells). */
  @Property({ type: 'text' })
  changes!: string;
}
