import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Wave } from '../registration/wave.entity';
import { Subject } from './subject.entity';
import { Outcome, RejectionReason } from './subject.enums';

/** A subject's application to one wave; at most one per subject and wave. */
@Entity({ tableName: 'application' })
@Unique({ name: 'application_subject_wave_unique', properties: ['subject', 'wave'] })
export class Application {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  // No index of its own: application_subject_wave_unique leads with subject_id. (MikroORM would
  // otherwise add one on SQLite, where it indexes every foreign key.)
  @ManyToOne(() => Subject, { fieldName: 'subject_id', index: false })
  subject!: Subject;

  @Index({ name: 'application_wave_index' })
  @ManyToOne(() => Wave, { fieldName: 'wave_number', index: false })
  wave!: Wave;

  @Enum({ items: () => Outcome, type: 'string', length: 16, default: Outcome.PENDING })
  outcome: Outcome = Outcome.PENDING;

  @Enum({ items: () => RejectionReason, type: 'string', length: 40, nullable: true })
  rejectionReason: RejectionReason | null = null;

  @Property({ type: 'datetime' })
  registeredAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  decidedAt: Date | null = null;
}
