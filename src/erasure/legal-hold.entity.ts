import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { LegalHoldStatus } from './erasure.enums';

/**
 * Permission to reveal a RESTRICTED subject for a stated legal purpose (a court order, an
 * investigation), requested by one officer and approved by another (four-eyes), until it expires.
 */
@Entity({ tableName: 'legal_hold' })
export class LegalHold {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Index({ name: 'legal_hold_subject_index' })
  @Property({ type: 'uuid' })
  subjectId!: string;

  /** Checked like a reveal purpose: a case reference, nothing that looks personal. */
  @Property({ type: 'text' })
  purpose!: string;

  @Enum({ items: () => LegalHoldStatus, type: 'string', length: 16 })
  status!: LegalHoldStatus;

  @Property({ type: 'string', length: 255 })
  requestedBy!: string;

  @Property({ type: 'datetime' })
  requestedAt!: Date;

  @Property({ type: 'string', length: 255, nullable: true })
  approvedBy: string | null = null;

  @Property({ type: 'datetime', nullable: true })
  approvedAt: Date | null = null;

  @Property({ type: 'datetime', nullable: true })
  expiresAt: Date | null = null;
}
