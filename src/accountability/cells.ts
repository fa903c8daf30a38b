import type { Subject } from '../subjects/subject.entity';
import type { Outcome, RejectionReason } from '../subjects/subject.enums';
import type { ApplicationCellKey, PersonCellKey } from './dimensions';

type SubjectAttributes = Pick<Subject, 'provinceCode' | 'gender' | 'ageBand' | 'education' | 'employmentStatus'>;

/** The person cell a subject counts in, given the outcome of its latest application. */
export function personCell(subject: SubjectAttributes, outcome: Outcome, rejectionReason: RejectionReason | null): PersonCellKey {
  return {
    province: subject.provinceCode,
    gender: subject.gender,
    ageBand: subject.ageBand,
    education: subject.education,
    employment: subject.employmentStatus,
    outcome,
    rejectionReason,
  };
}

/** The application cell of a subject's application to a wave with this outcome. */
export function applicationCell(subject: SubjectAttributes, wave: number, outcome: Outcome, rejectionReason: RejectionReason | null): ApplicationCellKey {
  return { wave, ...personCell(subject, outcome, rejectionReason) };
}
