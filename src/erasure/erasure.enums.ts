import { registerEnumType } from 'type-graphql';

/** Where an erasure request stands. Names are part of the external contract. */
export enum ErasureStatus {
  /** Filed; waiting for a decision by an officer other than the one who filed it. */
  PENDING = 'PENDING',
  /** Erasure denied: personal data the counts and audits do not need destroyed, processing restricted. */
  DENIED = 'DENIED',
  /** Erasure granted: the subject was crypto-shredded. */
  GRANTED = 'GRANTED',
  /** Held (denied for now, restricted) while the participant's obligations are open; re-evaluated when they close. */
  RESTRICTED = 'RESTRICTED',
}

/** Why the data subject asks. Names are part of the external contract. */
export enum ErasureReason {
  NOT_SELECTED = 'NOT_SELECTED',
  HARASSMENT_AFTER_LEAK = 'HARASSMENT_AFTER_LEAK',
  WITHDRAWN_CONSENT = 'WITHDRAWN_CONSENT',
  INACCURATE_DATA = 'INACCURATE_DATA',
  OTHER = 'OTHER',
}

export enum ErasureDecision {
  GRANT = 'GRANT',
  DENY = 'DENY',
}

export enum LegalHoldStatus {
  PENDING = 'PENDING',
  APPROVED = 'APPROVED',
}

/** Requests that still need an officer: PENDING ones, and RESTRICTED ones once their obligations close. */
export const OPEN_ERASURE_STATUSES: readonly ErasureStatus[] = [ErasureStatus.PENDING, ErasureStatus.RESTRICTED];

registerEnumType(ErasureStatus, {
  name: 'ErasureStatus',
  description: 'Where an erasure request stands. No status change ever changes a count.',
  valuesConfig: {
    PENDING: { description: 'Filed; the subject is already restricted; waiting for a decision by a second officer.' },
    DENIED: { description: 'Denied: email, phone and address line destroyed with their tokens; the subject is RESTRICTED (counted only).' },
    GRANTED: { description: 'Granted: data key, vault entry and NIK token destroyed (crypto-shredded); the subject is ERASED (counted only).' },
    RESTRICTED: { description: 'Denied while the participant has open obligations; the subject is RESTRICTED; a second officer re-decides once they close.' },
  },
});
registerEnumType(ErasureReason, {
  name: 'ErasureReason',
  description: 'Why the data subject asks for erasure. NOT_SELECTED is decided by the policy at once; the others wait for a second officer.',
  valuesConfig: {
    NOT_SELECTED: { description: 'Was not selected / just wants out: denied by the policy at once, minimized and restricted.' },
    HARASSMENT_AFTER_LEAK: { description: 'Harassed or endangered after a leak; a second officer decides (the policy expects a grant).' },
    WITHDRAWN_CONSENT: { description: 'Withdraws consent; a second officer decides.' },
    INACCURATE_DATA: { description: 'The data held is wrong; a second officer decides.' },
    OTHER: { description: 'Anything else; a second officer decides, with a written note.' },
  },
});
registerEnumType(ErasureDecision, { name: 'ErasureDecision', description: 'GRANT crypto-shreds the subject; DENY minimizes and restricts it.' });
registerEnumType(LegalHoldStatus, {
  name: 'LegalHoldStatus',
  description: 'PENDING until a second officer approves; APPROVED holds let officers reveal a restricted subject until they expire.',
});
