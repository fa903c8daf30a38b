import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PageInfo } from '../subjects/subject.type';
import type { ChainedAccessEvent } from './chain';
import { listColumn, encodeSeqCursor } from './access-log.service';

export enum AccessOutcomeEnum {
  ALLOWED = 'ALLOWED',
  DENIED = 'DENIED',
}
registerEnumType(AccessOutcomeEnum, { name: 'AccessOutcome', description: 'Whether the attempt was allowed or refused.' });

@ObjectType('AccessEvent', { description: 'One event of the hash-chained access log. Never contains a personal value.' })
export class AccessEventType {
  @Field(() => Int, { description: 'Position in the chain, from 1, without gaps.' })
  seq!: number;

  @Field(() => DateTimeResolver)
  at!: Date;

  @Field(() => String, { description: "The principal's `sub`." })
  actor!: string;

  @Field(() => [String])
  roles!: string[];

  @Field(() => String, { description: 'REVEAL, FIND_BY_NIK, READ_SUBJECTS, READ_SUBJECT, EXACT_COUNTS, READ_ACCESS_LOG, VERIFY_ACCESS_LOG, ERASURE_REQUEST, ERASURE_DECISION, READ_ERASURE_REQUESTS, RESTRICT, MINIMIZE, SHRED, LEGAL_HOLD_REQUEST, LEGAL_HOLD_APPROVAL, KEY_ROTATION, KEY_REWRAP, KEY_RETOKENIZATION, …' })
  action!: string;

  @Field(() => [ID], { description: 'Subjects touched (opaque ids).' })
  subjectIds!: string[];

  @Field(() => [String], { description: 'Personal fields requested.' })
  fields!: string[];

  @Field(() => [String], { description: 'Personal fields actually returned.' })
  fieldsReturned!: string[];

  @Field(() => String, { nullable: true })
  purpose!: string | null;

  @Field(() => AccessOutcomeEnum)
  outcome!: AccessOutcomeEnum;

  @Field(() => String, { nullable: true, description: 'The error code of a refusal.' })
  reason!: string | null;

  @Field(() => String, { nullable: true })
  requestId!: string | null;

  @Field(() => String, { nullable: true, description: 'What else the action concerned (agreement, erasure request).' })
  reference!: string | null;

  @Field(() => String, { description: 'SHA-256 over the canonical event content and prevHash (hex).' })
  hash!: string;

  @Field(() => String)
  prevHash!: string;

  static from(event: ChainedAccessEvent): AccessEventType {
    return Object.assign(new AccessEventType(), {
      seq: event.seq,
      at: new Date(event.at),
      actor: event.actor,
      roles: listColumn(event.roles),
      action: event.action,
      subjectIds: listColumn(event.subjectIds),
      fields: listColumn(event.fieldsRequested),
      fieldsReturned: listColumn(event.fieldsReturned),
      purpose: event.purpose,
      outcome: event.outcome as AccessOutcomeEnum,
      reason: event.reason,
      requestId: event.requestId,
      reference: event.reference,
      hash: event.hash,
      prevHash: event.prevHash,
    });
  }
}

@ObjectType('AccessEventEdge')
export class AccessEventEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => AccessEventType)
  node!: AccessEventType;

  static from(event: ChainedAccessEvent): AccessEventEdge {
    return Object.assign(new AccessEventEdge(), { cursor: encodeSeqCursor(event.seq), node: AccessEventType.from(event) });
  }
}

@ObjectType('AccessEventConnection', { description: 'Access events, newest first (Relay connection).' })
export class AccessEventConnection {
  @Field(() => [AccessEventEdge])
  edges!: AccessEventEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@InputType('AccessLogFilter', { description: 'Every given field must match.' })
export class AccessLogFilterInput {
  @Field(() => String, { nullable: true })
  actor?: string | null;

  @Field(() => ID, { nullable: true })
  subjectId?: string | null;

  @Field(() => String, { nullable: true })
  action?: string | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'Inclusive.' })
  from?: Date | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'Exclusive.' })
  to?: Date | null;
}

@ObjectType('AccessLogVerification', { description: 'The result of recomputing the whole chain.' })
export class AccessLogVerificationType {
  @Field(() => Boolean)
  ok!: boolean;

  @Field(() => Int, { description: 'Events in the log.' })
  length!: number;

  @Field(() => String, { description: 'Hash of the last intact event; publish it to anchor the log elsewhere.' })
  headHash!: string;

  @Field(() => Int, { nullable: true, description: 'The first sequence number that is missing, altered, inserted or out of order.' })
  firstBrokenSeq!: number | null;
}
