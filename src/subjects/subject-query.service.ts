import type { EntityManager } from '@mikro-orm/knex';
import { InputError } from '../errors';
import { isUuid } from '../registration/registration.service';
import { SubjectState, type AgeBand, type Education, type EmploymentStatus, type Gender } from './subject.enums';
import { Subject } from './subject.entity';

export interface SubjectFilter {
  provinceCode?: string | null;
  regencyCode?: string | null;
  gender?: Gender | null;
  ageBand?: AgeBand | null;
  education?: Education | null;
  employmentStatus?: EmploymentStatus | null;
  state?: SubjectState | null;
  wave?: number | null;
}

export interface SubjectPage {
  subjects: Subject[];
  hasNextPage: boolean;
}

export const MAX_PAGE_SIZE = 500;

/** Cursor = base64url of the last subject id seen; opaque to clients. */
export function encodeCursor(id: string): string {
  return Buffer.from(`subject:${id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = decoded.startsWith('subject:') ? decoded.slice('subject:'.length) : '';
  if (!isUuid(id)) throw InputError.invalid('after', 'is not a cursor this API issued');
  return id;
}

/**
 * Pseudonymous reads of subjects and their applications (no vault access). Only ACTIVE subjects:
 * RESTRICTED and ERASED ones are excluded from everything but counting (design §5).
 */
export class SubjectQueryService {
  /**
   * A page of ACTIVE subjects ordered by id, with their applications loaded in the same round
   * trip (a `state` filter other than ACTIVE finds nothing). Reads only. Raises BAD_USER_INPUT for `first` outside 1…500 or a foreign cursor.
   */
  async page(em: EntityManager, filter: SubjectFilter, first: number, after: string | null): Promise<SubjectPage> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
      throw InputError.invalid('first', `must be from 1 to ${MAX_PAGE_SIZE}`);
    }
    const qb = em.createQueryBuilder(Subject, 's').select('s.*').orderBy({ id: 'asc' }).limit(first + 1);
    const where: Record<string, unknown> = {};
    if (filter.provinceCode) where.provinceCode = filter.provinceCode;
    if (filter.regencyCode) where.regencyCode = filter.regencyCode;
    if (filter.gender) where.gender = filter.gender;
    if (filter.ageBand) where.ageBand = filter.ageBand;
    if (filter.education) where.education = filter.education;
    if (filter.employmentStatus) where.employmentStatus = filter.employmentStatus;
    if (filter.state && filter.state !== SubjectState.ACTIVE) return { subjects: [], hasNextPage: false };
    where.state = SubjectState.ACTIVE;
    if (after) where.id = { $gt: decodeCursor(after) };
    qb.where(where);
    if (filter.wave !== undefined && filter.wave !== null) {
      qb.andWhere('s.id in (select a.subject_id from application a where a.wave_number = ?)', [filter.wave]);
    }
    const rows = await qb.getResultList();
    const subjects = rows.slice(0, first);
    await em.populate(subjects, ['applications']);
    return { subjects, hasNextPage: rows.length > first };
  }

  /** One ACTIVE subject with its applications, or null (also for a malformed id, a restricted or an erased subject). Reads only. */
  async byId(em: EntityManager, id: string): Promise<Subject | null> {
    if (!isUuid(id)) return null;
    return em.findOne(Subject, { id, state: SubjectState.ACTIVE }, { populate: ['applications'] });
  }
}
