import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/knex';
import type { Principal } from '../auth/principal';
import { Role } from '../auth/role';
import { AuthError, InputError, StateError } from '../errors';
import { isUuid } from '../registration/registration.service';
import { RejectionReason } from '../subjects/subject.enums';
import { DataSharingAgreement } from './agreement.entity';
import { ListKind } from './screening.enums';

export interface CreateAgreementInput {
  agency: string;
  listKind: ListKind;
  purpose: string;
  legalBasis: string;
  documentRef: string;
  validFrom: Date;
  validTo: Date;
  rejectionReason: RejectionReason;
}

/** Agency names as they appear in the `agency` claim: short, printable, no personal data. */
const AGENCY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;
const MAX_TEXT = 4000;

/** True when `at` lies in the agreement's window: validFrom inclusive, validTo exclusive. */
export function isAgreementValidAt(agreement: Pick<DataSharingAgreement, 'validFrom' | 'validTo'>, at: Date): boolean {
  return agreement.validFrom.getTime() <= at.getTime() && at.getTime() < agreement.validTo.getTime();
}

function requireText(field: string, value: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed.length === 0) throw InputError.invalid(field, 'must not be empty');
  if (trimmed.length > max) throw InputError.invalid(field, `must be at most ${max} characters`);
  return trimmed;
}

/** Data-sharing agreements: the legal ground of every screening list. */
export class AgreementService {
  constructor(private readonly now: () => Date) {}

  /**
   * Records an agreement (a window wholly in the past may be recorded, e.g. for history).
   * Writes one row. Raises BAD_USER_INPUT for an empty or over-long text, an agency name outside
   * the claim alphabet, validTo not after validFrom, or a rejection reason that is not a
   * SCREENED_* reason.
   */
  async create(em: EntityManager, principal: Principal, input: CreateAgreementInput): Promise<DataSharingAgreement> {
    const agency = input.agency.trim();
    if (!AGENCY_PATTERN.test(agency)) throw InputError.invalid('agency', 'must be one to sixty-four letters, digits, spaces, dots, dashes or underscores');
    if (!Object.values(ListKind).includes(input.listKind)) throw InputError.invalid('listKind', 'is not a known list kind');
    if (!String(input.rejectionReason).startsWith('SCREENED_') || !Object.values(RejectionReason).includes(input.rejectionReason)) {
      throw InputError.invalid('rejectionReason', 'must be one of the SCREENED_ reasons');
    }
    if (!(input.validFrom instanceof Date) || Number.isNaN(input.validFrom.getTime())) throw InputError.invalid('validFrom', 'must be a date-time');
    if (!(input.validTo instanceof Date) || Number.isNaN(input.validTo.getTime())) throw InputError.invalid('validTo', 'must be a date-time');
    if (input.validTo.getTime() <= input.validFrom.getTime()) throw InputError.invalid('validTo', 'must be after validFrom');
    const agreement = em.create(DataSharingAgreement, {
      id: randomUUID(),
      agency,
      listKind: input.listKind,
      purpose: requireText('purpose', input.purpose, MAX_TEXT),
      legalBasis: requireText('legalBasis', input.legalBasis, MAX_TEXT),
      documentRef: requireText('documentRef', input.documentRef, 256),
      validFrom: input.validFrom,
      validTo: input.validTo,
      rejectionReason: input.rejectionReason,
      activeListVersionId: null,
      createdBy: principal.sub,
      createdAt: this.now(),
    });
    await em.flush();
    return agreement;
  }

  /**
   * The agreements a principal may see: OPERATOR and AUDITOR all of them, an AGENCY principal
   * only those of its own `agency` claim (none without one). Oldest first. Reads only.
   */
  async visibleTo(em: EntityManager, principal: Principal): Promise<DataSharingAgreement[]> {
    const order = { orderBy: { createdAt: 'asc', id: 'asc' } } as const;
    if (principal.roles.includes(Role.OPERATOR) || principal.roles.includes(Role.AUDITOR)) return em.find(DataSharingAgreement, {}, order);
    if (principal.roles.includes(Role.AGENCY) && principal.agency) return em.find(DataSharingAgreement, { agency: principal.agency }, order);
    return [];
  }

  /** The agreement with this id, or NOT_FOUND. Reads only. */
  async require(em: EntityManager, agreementId: string): Promise<DataSharingAgreement> {
    const agreement = isUuid(agreementId) ? await em.findOne(DataSharingAgreement, { id: agreementId }) : null;
    if (!agreement) throw StateError.notFound('Agreement');
    return agreement;
  }

  /**
   * Checks that `agency` may submit under the agreement now: FORBIDDEN when the agency differs
   * (checked first, so a foreign agency learns nothing about the window), AGREEMENT_EXPIRED
   * outside the window. `agency` null skips the ownership check (the trusted command line).
   */
  assertSubmittable(agreement: DataSharingAgreement, agency: string | null, at: Date = this.now()): void {
    if (agency !== null && agreement.agency !== agency) throw AuthError.forbidden('the agreement belongs to another agency');
    if (!isAgreementValidAt(agreement, at)) throw StateError.agreementExpired();
  }
}
