import { DateTimeResolver } from 'graphql-scalars';
import { Authorized, Field, ID, InputType, ObjectType } from 'type-graphql';
import { Role } from '../auth/role';
import { PageInfo } from '../subjects/subject.type';
import type { ErasureRequestView } from './erasure.service';
import { ErasureDecision, ErasureReason, ErasureStatus, LegalHoldStatus } from './erasure.enums';
import type { LegalHold } from './legal-hold.entity';

/**
 * An erasure request as the API shows it. Mapped explicitly from the entity: the sealed note
 * (a JWE) never reaches the API, only the opened note for officers.
 */
@ObjectType('ErasureRequest', {
  description:
    'A data subject\'s erasure request (filed by an officer) and its decision, with the legal basis it cites. ' +
    'Notes: `note` is the subject\'s evidence, treated as personal data — sealed under the subject\'s own data key, never logged, ' +
    'shown to officers only (reading it is logged) and destroyed with the subject on a grant; `decisionNote` is the deciding ' +
    'officer\'s reasoning, refused if it looks personal, and kept for auditors after a shred.',
})
export class ErasureRequestType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { description: "The subject's opaque id (kept after a shred; it links to nothing personal then)." })
  subjectId!: string;

  @Field(() => ErasureReason)
  reason!: ErasureReason;

  @Field(() => ErasureStatus)
  status!: ErasureStatus;

  @Field(() => String, { description: 'The filing officer (`sub`); four-eyes: this officer may not decide.' })
  filedBy!: string;

  @Field(() => DateTimeResolver)
  filedAt!: Date;

  @Field(() => DateTimeResolver, {
    description: 'Filing + SAMARAN_ERASURE_DUE_HOURS (default 72). For RESTRICTED requests: when the obligations close + the same period.',
  })
  dueAt!: Date;

  @Field(() => Boolean, { description: 'PENDING or RESTRICTED and past its due date (judged when asked).' })
  overdue!: boolean;

  @Authorized(Role.OFFICER)
  @Field(() => String, { nullable: true, description: 'The evidence note. OFFICER only; null when none was given or it was destroyed by a shred.' })
  note!: string | null;

  @Field(() => ErasureDecision, { nullable: true })
  decision!: ErasureDecision | null;

  @Field(() => Boolean, { description: 'Decided by the policy (NOT_SELECTED, open obligations) rather than an officer.' })
  decidedByPolicy!: boolean;

  @Field(() => String, { nullable: true, description: 'The deciding officer (`sub`), or "policy".' })
  decidedBy!: string | null;

  @Field(() => DateTimeResolver, { nullable: true })
  decidedAt!: Date | null;

  @Field(() => String, { nullable: true, description: "The deciding officer's written reasoning." })
  decisionNote!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'The legal basis the decision cites, as configured when it was made: by default UU PDP Art. 8 for a grant, ' +
      'Art. 15(1)(c) and (e) for a denial, Art. 15(1)(c) with Art. 11 restriction while obligations are open.',
  })
  legalBasis!: string | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'RESTRICTED requests: when the participant\'s obligations close (the last accepted wave\'s closesAt).' })
  obligationsOpenUntil!: Date | null;

  static from(view: ErasureRequestView): ErasureRequestType {
    const { request } = view;
    return Object.assign(new ErasureRequestType(), {
      id: request.id,
      subjectId: request.subjectId,
      reason: request.reason,
      status: request.status,
      filedBy: request.filedBy,
      filedAt: request.filedAt,
      dueAt: request.dueAt,
      overdue: view.overdue,
      note: view.note,
      decision: request.decision,
      decidedByPolicy: request.decidedByPolicy,
      decidedBy: request.decidedBy,
      decidedAt: request.decidedAt,
      decisionNote: request.decisionNote,
      legalBasis: request.legalBasis,
      obligationsOpenUntil: request.obligationsOpenUntil,
    });
  }
}

@ObjectType('ErasureRequestEdge')
export class ErasureRequestEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => ErasureRequestType)
  node!: ErasureRequestType;
}

@ObjectType('ErasureRequestConnection', { description: 'Erasure requests (Relay connection): overdue first, then by due date.' })
export class ErasureRequestConnection {
  @Field(() => [ErasureRequestEdge])
  edges!: ErasureRequestEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@InputType('RequestErasureInput')
export class RequestErasureInputType {
  @Field(() => ID)
  subjectId!: string;

  @Field(() => ErasureReason)
  reason!: ErasureReason;

  @Field(() => String, {
    nullable: true,
    description: "The subject's evidence, up to 2000 characters. Sealed under the subject's data key; never logged; destroyed by a grant.",
  })
  note?: string | null;
}

@InputType('DecideErasureInput')
export class DecideErasureInputType {
  @Field(() => ID)
  requestId!: string;

  @Field(() => ErasureDecision)
  decision!: ErasureDecision;

  @Field(() => String, {
    description: 'Required reasoning, 3–2000 characters; kept for auditors after a shred, so nothing that looks like a NIK, phone or e-mail (cite a case reference).',
  })
  note!: string;
}

@ObjectType('LegalHold', {
  description: 'Permission to reveal a RESTRICTED subject for a stated purpose, approved by a second officer, until it expires.',
})
export class LegalHoldType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  subjectId!: string;

  @Field(() => String)
  purpose!: string;

  @Field(() => LegalHoldStatus)
  status!: LegalHoldStatus;

  @Field(() => String)
  requestedBy!: string;

  @Field(() => DateTimeResolver)
  requestedAt!: Date;

  @Field(() => String, { nullable: true })
  approvedBy!: string | null;

  @Field(() => DateTimeResolver, { nullable: true })
  approvedAt!: Date | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'Approval + SAMARAN_LEGAL_HOLD_DAYS (default 30).' })
  expiresAt!: Date | null;

  static from(hold: LegalHold): LegalHoldType {
    return Object.assign(new LegalHoldType(), {
      id: hold.id,
      subjectId: hold.subjectId,
      purpose: hold.purpose,
      status: hold.status,
      requestedBy: hold.requestedBy,
      requestedAt: hold.requestedAt,
      approvedBy: hold.approvedBy,
      approvedAt: hold.approvedAt,
      expiresAt: hold.expiresAt,
    });
  }
}

@InputType('RequestLegalHoldInput')
export class RequestLegalHoldInputType {
  @Field(() => ID)
  subjectId!: string;

  @Field(() => String, { description: 'Why (3–500 characters; a case reference, nothing personal).' })
  purpose!: string;
}

@InputType('ApproveLegalHoldInput')
export class ApproveLegalHoldInputType {
  @Field(() => ID)
  legalHoldId!: string;
}
