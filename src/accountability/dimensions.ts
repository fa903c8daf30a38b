import { registerEnumType } from 'type-graphql';
import { AgeBand, Education, EmploymentStatus, Gender, Outcome, RejectionReason } from '../subjects/subject.enums';

/** The reporting dimensions: every count can be grouped and filtered by any subset of them. */
export enum Dimension {
  WAVE = 'WAVE',
  PROVINCE = 'PROVINCE',
  GENDER = 'GENDER',
  AGE_BAND = 'AGE_BAND',
  EDUCATION = 'EDUCATION',
  EMPLOYMENT = 'EMPLOYMENT',
  OUTCOME = 'OUTCOME',
  REJECTION_REASON = 'REJECTION_REASON',
}

/** What a count counts. */
export enum Measure {
  APPLICATIONS = 'APPLICATIONS',
  PEOPLE = 'PEOPLE',
}

registerEnumType(Dimension, {
  name: 'Dimension',
  description: 'A reporting dimension. PROVINCE is the declared domicile province (Kemendagri code), never the region encoded in the NIK.',
});
registerEnumType(Measure, {
  name: 'Measure',
  description:
    'APPLICATIONS: one per subject and wave. PEOPLE: subjects, each classified by its coarse attributes and by the outcome of its latest ' +
    'application (highest wave); grouped or filtered by one WAVE it equals APPLICATIONS, since a person applies to a wave at most once. ' +
    'An erased subject who registers again counts as a new person.',
});

/**
 * The finest grain of every count: one application cell per combination of these values. `rejectionReason`
 * is null unless the outcome is REJECTED.
 */
export interface ApplicationCellKey {
  wave: number;
  province: string;
  gender: Gender;
  ageBand: AgeBand;
  education: Education;
  employment: EmploymentStatus;
  outcome: Outcome;
  rejectionReason: RejectionReason | null;
}

/** A person cell: the subject's attributes and the outcome of its latest application. */
export type PersonCellKey = Omit<ApplicationCellKey, 'wave'>;

/** Column order of a cell key, as stored and as encoded in the in-process cube. */
export const APPLICATION_DIMENSIONS: readonly Dimension[] = [
  Dimension.WAVE,
  Dimension.PROVINCE,
  Dimension.GENDER,
  Dimension.AGE_BAND,
  Dimension.EDUCATION,
  Dimension.EMPLOYMENT,
  Dimension.OUTCOME,
  Dimension.REJECTION_REASON,
];
export const PERSON_DIMENSIONS: readonly Dimension[] = APPLICATION_DIMENSIONS.filter((d) => d !== Dimension.WAVE);

/** The database column of each dimension in the cell tables (and in subject/application). */
export const DIMENSION_COLUMN: Readonly<Record<Dimension, string>> = {
  [Dimension.WAVE]: 'wave_number',
  [Dimension.PROVINCE]: 'province_code',
  [Dimension.GENDER]: 'gender',
  [Dimension.AGE_BAND]: 'age_band',
  [Dimension.EDUCATION]: 'education',
  [Dimension.EMPLOYMENT]: 'employment_status',
  [Dimension.OUTCOME]: 'outcome',
  [Dimension.REJECTION_REASON]: 'rejection_reason',
};

/** Stored in place of a null rejection reason: key columns are never null. */
export const NO_REASON = '';

/** The key's values in APPLICATION_DIMENSIONS order, as stored (strings, NO_REASON for null). */
export function applicationKeyValues(key: ApplicationCellKey): string[] {
  return [String(key.wave), ...personKeyValues(key)];
}

export function personKeyValues(key: PersonCellKey): string[] {
  return [key.province, key.gender, key.ageBand, key.education, key.employment, key.outcome, key.rejectionReason ?? NO_REASON];
}

/** Values each enum dimension may take; WAVE and PROVINCE are open. */
export const ENUM_VALUES: Partial<Record<Dimension, readonly string[]>> = {
  [Dimension.GENDER]: Object.values(Gender),
  [Dimension.AGE_BAND]: Object.values(AgeBand),
  [Dimension.EDUCATION]: Object.values(Education),
  [Dimension.EMPLOYMENT]: Object.values(EmploymentStatus),
  [Dimension.OUTCOME]: Object.values(Outcome),
  [Dimension.REJECTION_REASON]: Object.values(RejectionReason),
};
