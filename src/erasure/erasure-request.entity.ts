import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { ErasureDecision, ErasureReason, ErasureStatus } from './erasure.enums';

/**
 * One erasure request and its decision. Outlives the subject's personal data: after a shred the
 * request still says who asked (by opaque subject id), why (category), who decided, when and on
 * which legal basis — but the evidence note is gone with the data key it was sealed under.
 */
@Entity({ tableName: 'erasure_request' })
@Index({ name: 'erasure_request_status_due_index', properties: ['status', 'dueAt'] })
@Index({ name: 'erasure_request_due_index', properties: ['dueAt', 'id'] })
export class ErasureRequest {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Index({ name: 'erasure_request_subject_index' })
  @Property({ type: 'uuid' })
  subjectId!: string;

  @Enum({ items: () => ErasureReason, type: 'string', length: 32 })
  reason!: ErasureReason;

  @Enum({ items: () => ErasureStatus, type: 'string', length: 16 })
  status!: ErasureStatus;

  /**
   * The evidence note as a JWE sealed under the subject's own data key (field `erasureNote`):
   * personal by nature, never logged, destroyed (set null) by a shred.
   */
  @Property({ type: 'text', nullable: true })
  sealedNote: string | null = null;

  /** The filing officer's `sub`; four-eyes: this officer may not decide. */
  @Property({ type: 'string', length: 255 })
  filedBy!: string;

  @Property({ type: 'datetime' })
  filedAt!: Date;

  @Property({ type: 'datetime' })
  dueAt!: Date;

  @Enum({ items: () => ErasureDecision, type: 'string', length: 8, nullable: true })
  decision: ErasureDecision | null = null;

  /** True when the policy decided (NOT_SELECTED, open obligations) rather than an officer. */
  @Property({ type: 'boolean' })
  decidedByPolicy: boolean = false;

  @Property({ type: 'string', length: 255, nullable: true })
  decidedBy: string | null = null;

  @Property({ type: 'datetime', nullable: true })
  decidedAt: Date | null = null;

  /** The deciding officer's reasoning, checked to contain nothing that looks personal; outlives a shred. */
  @Property({ type: 'text', nullable: true })
  decisionNote: string | null = null;

  /** The legal basis the decision cites (configuration, copied at decision time). */
  @Property({ type: 'text', nullable: true })
  legalBasis: string | null = null;

  /** For RESTRICTED requests: when the participant's obligations close. */
  @Property({ type: 'datetime', nullable: true })
  obligationsOpenUntil: Date | null = null;
}
