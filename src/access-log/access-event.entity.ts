import { BigIntType, Entity, Index, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';

/**
 * One append-only, hash-chained access event (table `access_log`, which operators back up and
 * replicate on its own). No code path updates or deletes a row; triggers refuse it on both
 * dialects. List columns hold JSON arrays.
 */
@Entity({ tableName: 'access_log' })
export class AccessEvent {
  [PrimaryKeyProp]?: 'seq';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: false })
  seq!: number;

  @Index({ name: 'access_log_at_index' })
  @Property({ type: 'string', length: 32 })
  at!: string;

  @Index({ name: 'access_log_actor_index' })
  @Property({ type: 'string', length: 256 })
  actor!: string;

  @Property({ type: 'text' })
  roles!: string;

  @Index({ name: 'access_log_action_index' })
  @Property({ type: 'string', length: 48 })
  action!: string;

  @Property({ type: 'text' })
  subjectIds!: string;

  @Property({ type: 'text' })
  fieldsRequested!: string;

  @Property({ type: 'text' })
  fieldsReturned!: string;

  @Property({ type: 'text', nullable: true })
  purpose!: string | null;

  @Property({ type: 'string', length: 8 })
  outcome!: string;

  @Property({ type: 'string', length: 48, nullable: true })
  reason!: string | null;

  @Property({ type: 'string', length: 64, nullable: true })
  requestId!: string | null;

  @Property({ type: 'string', length: 128, nullable: true })
  reference!: string | null;

  @Property({ type: 'string', length: 64 })
  prevHash!: string;

  @Property({ type: 'string', length: 64 })
  hash!: string;
}

/** Which events touched which subject: answers "who looked at this person?" without scanning the log. */
@Entity({ tableName: 'access_log_subject' })
export class AccessEventSubject {
  [PrimaryKeyProp]?: ['subjectId', 'seq'];

  @PrimaryKey({ type: 'uuid' })
  subjectId!: string;

  @PrimaryKey({ type: new BigIntType('number') })
  seq!: number;
}

/**
 * The chain's head (one row): the last sequence number and hash. Appends lock it, which keeps the
 * chain linear across concurrent requests and across server processes sharing one PostgreSQL.
 */
@Entity({ tableName: 'access_log_head' })
export class AccessLogHead {
  [PrimaryKeyProp]?: 'id';

  @PrimaryKey({ type: 'integer', autoincrement: false })
  id!: number;

  @Property({ type: new BigIntType('number') })
  seq!: number;

  @Property({ type: 'string', length: 64 })
  hash!: string;
}
