import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { RejectionReason } from '../subjects/subject.enums';
import { ListKind } from './screening.enums';

/**
 * A data-sharing agreement with a partner agency: the legal ground for receiving its list and the
 * rejection reason a match produces. Valid from `validFrom` (inclusive) to `validTo` (exclusive).
 */
@Entity({ tableName: 'screening_agreement' })
export class DataSharingAgreement {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  /** The agency as named in AGENCY tokens' `agency` claim (e.g. "BUMN"). */
  @Index({ name: 'screening_agreement_agency_index' })
  @Property({ type: 'string', length: 64 })
  agency!: string;

  @Enum({ items: () => ListKind, type: 'string', length: 32 })
  listKind!: ListKind;

  @Property({ type: 'text' })
  purpose!: string;

  @Property({ type: 'text' })
  legalBasis!: string;

  @Property({ type: 'string', length: 256 })
  documentRef!: string;

  @Property({ type: 'datetime' })
  validFrom!: Date;

  @Property({ type: 'datetime' })
  validTo!: Date;

  @Enum({ items: () => RejectionReason, type: 'string', length: 40 })
  rejectionReason!: RejectionReason;

  /** The committed list version screening uses; null until the agency commits one. */
  @Property({ type: 'uuid', nullable: true })
  activeListVersionId: string | null = null;

  @Property({ type: 'string', length: 256 })
  createdBy!: string;

  @Property({ type: 'datetime' })
  createdAt!: Date;
}
