import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { RejectionReason } from '../subjects/subject.enums';
import type { DataSharingAgreement } from './agreement.entity';
import { isAgreementValidAt } from './agreement.service';
import { ListKind } from './screening.enums';

@InputType('CreateAgreementInput', { description: 'A data-sharing agreement with a partner agency.' })
export class CreateAgreementInputType {
  @Field(() => String, { description: 'The agency as named in its tokens\' `agency` claim, e.g. "BUMN".' })
  agency!: string;

  @Field(() => ListKind)
  listKind!: ListKind;

  @Field(() => String, { description: 'Why the list is shared (purpose limitation).' })
  purpose!: string;

  @Field(() => String, { description: 'The legal basis cited (statute, regulation, article).' })
  legalBasis!: string;

  @Field(() => String, { description: 'Reference of the signed agreement document.' })
  documentRef!: string;

  @Field(() => DateTimeResolver, { description: 'Valid from (inclusive). A window wholly in the past may be recorded.' })
  validFrom!: Date;

  @Field(() => DateTimeResolver, { description: 'Valid until (exclusive); after it the list stops taking effect.' })
  validTo!: Date;

  @Field(() => RejectionReason, { description: 'The reason a match produces; one of the SCREENED_ reasons.' })
  rejectionReason!: RejectionReason;
}

@ObjectType('DataSharingAgreement', { description: 'A data-sharing agreement: the legal ground for receiving a partner agency\'s screening list.' })
export class AgreementType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  agency!: string;

  @Field(() => ListKind)
  listKind!: ListKind;

  @Field(() => String)
  purpose!: string;

  @Field(() => String)
  legalBasis!: string;

  @Field(() => String)
  documentRef!: string;

  @Field(() => DateTimeResolver)
  validFrom!: Date;

  @Field(() => DateTimeResolver)
  validTo!: Date;

  @Field(() => RejectionReason)
  rejectionReason!: RejectionReason;

  @Field(() => Boolean, { description: 'Whether the agreement is in force now (validFrom ≤ now < validTo).' })
  inForce!: boolean;

  @Field(() => Boolean, { description: 'Whether a committed list is in place under this agreement.' })
  hasActiveList!: boolean;

  @Field(() => DateTimeResolver)
  createdAt!: Date;

  static from(agreement: DataSharingAgreement, now: Date): AgreementType {
    return Object.assign(new AgreementType(), {
      id: agreement.id,
      agency: agreement.agency,
      listKind: agreement.listKind,
      purpose: agreement.purpose,
      legalBasis: agreement.legalBasis,
      documentRef: agreement.documentRef,
      validFrom: agreement.validFrom,
      validTo: agreement.validTo,
      rejectionReason: agreement.rejectionReason,
      inForce: isAgreementValidAt(agreement, now),
      hasActiveList: agreement.activeListVersionId !== null,
      createdAt: agreement.createdAt,
    });
  }
}

@InputType('SubmitScreeningListInput')
export class SubmitScreeningListInputType {
  @Field(() => ID)
  agreementId!: string;

  @Field(() => [String], { description: 'NIKs, sixteen digits each. Tokenized at the door; never stored, logged or echoed.' })
  niks!: string[];
}

@ObjectType('ScreeningListReceipt', {
  description: 'Counts of what was submitted — never a NIK, a subject id, or how many matched registrants.',
})
export class ScreeningListReceiptType {
  @Field(() => Int, { description: 'NIKs received.' })
  received!: number;

  @Field(() => Int, { description: 'NIKs with a valid structure, stored as tokens.' })
  accepted!: number;

  @Field(() => Int, { description: 'NIKs refused as structurally invalid (not stored).' })
  invalid!: number;
}

@ObjectType('ScreeningListVersion', { description: 'A list version being uploaded in chunks; commit makes it the agreement\'s active list.' })
export class ScreeningListVersionType {
  @Field(() => ID)
  listVersionId!: string;
}

@ObjectType('AgreementScreeningResult', { description: 'How many applications one agreement\'s list rejected in a screening run.' })
export class AgreementScreeningResultType {
  @Field(() => ID)
  agreementId!: string;

  @Field(() => String)
  agency!: string;

  @Field(() => RejectionReason)
  rejectionReason!: RejectionReason;

  @Field(() => Int)
  rejected!: number;
}

@ObjectType('ScreeningRun', { description: 'The result of screening one wave against the lists of the agreements in force.' })
export class ScreeningRunType {
  @Field(() => Int)
  wave!: number;

  @Field(() => Int, { description: 'Applications rejected in this run.' })
  rejected!: number;

  @Field(() => [AgreementScreeningResultType], { description: 'Per agreement in force with an active list, oldest first (an application on several lists goes to the oldest).' })
  agreements!: AgreementScreeningResultType[];
}
