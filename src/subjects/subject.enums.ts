import { registerEnumType } from 'type-graphql';

/**
 * The coarse attributes kept on a subject and the dimensions of every count. Values are
 * SCREAMING_CASE because clients see them as GraphQL enums; the database stores the same strings.
 */

export enum Gender {
  FEMALE = 'FEMALE',
  MALE = 'MALE',
}

export enum AgeBand {
  AGE_18_24 = 'AGE_18_24',
  AGE_25_34 = 'AGE_25_34',
  AGE_35_44 = 'AGE_35_44',
  AGE_45_54 = 'AGE_45_54',
  AGE_55_64 = 'AGE_55_64',
  AGE_65_PLUS = 'AGE_65_PLUS',
}

export enum Education {
  NONE = 'NONE',
  PRIMARY = 'PRIMARY',
  JUNIOR_SECONDARY = 'JUNIOR_SECONDARY',
  SENIOR_SECONDARY = 'SENIOR_SECONDARY',
  VOCATIONAL_SECONDARY = 'VOCATIONAL_SECONDARY',
  DIPLOMA = 'DIPLOMA',
  BACHELOR = 'BACHELOR',
  POSTGRADUATE = 'POSTGRADUATE',
}

export enum EmploymentStatus {
  UNEMPLOYED = 'UNEMPLOYED',
  LAID_OFF = 'LAID_OFF',
  EMPLOYED = 'EMPLOYED',
  SELF_EMPLOYED = 'SELF_EMPLOYED',
  INFORMAL_WORKER = 'INFORMAL_WORKER',
}

export enum Outcome {
  PENDING = 'PENDING',
  ACCEPTED = 'ACCEPTED',
  REJECTED = 'REJECTED',
}

export enum RejectionReason {
  NOT_SELECTED = 'NOT_SELECTED',
  INVALID_DATA = 'INVALID_DATA',
  DUPLICATE = 'DUPLICATE',
  SCREENED_CIVIL_SERVANT = 'SCREENED_CIVIL_SERVANT',
  SCREENED_MILITARY_POLICE = 'SCREENED_MILITARY_POLICE',
  SCREENED_STATE_ENTERPRISE = 'SCREENED_STATE_ENTERPRISE',
  SCREENED_STUDENT = 'SCREENED_STUDENT',
  SCREENED_PESANTREN_STUDENT = 'SCREENED_PESANTREN_STUDENT',
  SCREENED_WORKER = 'SCREENED_WORKER',
  SCREENED_SOCIAL_AID = 'SCREENED_SOCIAL_AID',
  SCREENED_POPULATION_REGISTRY = 'SCREENED_POPULATION_REGISTRY',
}

export enum SubjectState {
  ACTIVE = 'ACTIVE',
  RESTRICTED = 'RESTRICTED',
  ERASED = 'ERASED',
}

registerEnumType(Gender, { name: 'Gender', description: 'Gender as declared at registration (and encoded in the NIK).' });
registerEnumType(AgeBand, { name: 'AgeBand', description: "Age band at the subject's first registration." });
registerEnumType(Education, { name: 'Education', description: 'Highest completed education as declared.' });
registerEnumType(EmploymentStatus, { name: 'EmploymentStatus', description: 'Employment status as declared at registration.' });
registerEnumType(Outcome, { name: 'Outcome', description: 'Selection outcome of one application. Applications start PENDING.' });
registerEnumType(RejectionReason, {
  name: 'RejectionReason',
  description: 'Why an application was rejected: not selected, invalid or duplicate data, or a partner-agency screening list.',
});
registerEnumType(SubjectState, {
  name: 'SubjectState',
  description: 'ACTIVE; RESTRICTED (erasure denied: minimized, counted only); ERASED (crypto-shredded, counted only).',
});

/** Age band for an age in whole years; callers have already refused ages under 18. */
export function ageBandFor(age: number): AgeBand {
  if (age < 25) return AgeBand.AGE_18_24;
  if (age < 35) return AgeBand.AGE_25_34;
  if (age < 45) return AgeBand.AGE_35_44;
  if (age < 55) return AgeBand.AGE_45_54;
  if (age < 65) return AgeBand.AGE_55_64;
  return AgeBand.AGE_65_PLUS;
}
