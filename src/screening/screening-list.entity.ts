import { BigIntType, Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { ListVersionState } from './screening.enums';

/**
 * One submission of an agency's list under an agreement. Chunks append to an OPEN version;
 * committing makes it the agreement's active list and the previous one REPLACED (its entries are
 * deleted: Samaran keeps only the list in force). Counts only — no NIK, no match count.
 */
@Entity({ tableName: 'screening_list_version' })
export class ScreeningListVersion {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Index({ name: 'screening_list_version_agreement_index' })
  @Property({ type: 'uuid' })
  agreementId!: string;

  @Enum({ items: () => ListVersionState, type: 'string', length: 16 })
  state!: ListVersionState;

  @Property({ type: 'integer', default: 0 })
  received: number = 0;

  @Property({ type: 'integer', default: 0 })
  accepted: number = 0;

  @Property({ type: 'integer', default: 0 })
  invalid: number = 0;

  @Property({ type: 'string', length: 256 })
  submittedBy!: string;

  @Property({ type: 'datetime' })
  createdAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  committedAt: Date | null = null;
}

/**
 * One listed NIK, as its keyed token only (under every token key during a key rotation, so one
 * NIK may have several rows). Written in bulk with raw SQL / COPY, never through the unit of work.
 * The one index, (version, token), serves every lookup screening makes (a token within a list in
 * force) and the deletion of a replaced list; the sequential id keeps the table itself an append.
 * Duplicates within a list are harmless (screening joins with EXISTS semantics).
 */
@Entity({ tableName: 'screening_list_entry' })
@Index({ name: 'screening_list_entry_version_token_index', properties: ['listVersionId', 'nikToken'] })
export class ScreeningListEntry {
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: 'uuid' })
  listVersionId!: string;

  @Property({ type: 'string', length: 64 })
  nikToken!: string;
}
