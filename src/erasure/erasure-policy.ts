import { InputError } from '../errors';
import { looksPersonal } from '../reveal/purpose';
import { Outcome } from '../subjects/subject.enums';
import { ErasureReason, ErasureStatus } from './erasure.enums';

/** What the policy does with a request the moment it is filed (design §5). */
export type PolicyVerdict =
  /** Denied while obligations are open: restrict, re-evaluate when they close. */
  | { status: ErasureStatus.RESTRICTED; obligationsOpenUntil: Date }
  /** Denied at once: minimize and restrict. */
  | { status: ErasureStatus.DENIED }
  /** A second officer decides; the subject is restricted meanwhile. */
  | { status: ErasureStatus.PENDING };

/** The facts about one application the obligations rule needs. */
export interface ApplicationFacts {
  outcome: Outcome;
  waveClosesAt: Date;
}

export const NOTE_MAX_LENGTH = 2000;
const HOUR = 3600 * 1000;
// Tabs and line breaks are fine in a note; other control characters are not.
const NOTE_CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * When an accepted participant's obligations close, or null when none are open. Definition: an
 * ACCEPTED application to a wave whose window has not closed yet (the wave's `closesAt` is in the
 * future) is an open obligation; they close with the last such wave. Pure.
 */
export function obligationsOpenUntil(applications: readonly ApplicationFacts[], at: Date): Date | null {
  let until: Date | null = null;
  for (const application of applications) {
    if (application.outcome !== Outcome.ACCEPTED || application.waveClosesAt.getTime() <= at.getTime()) continue;
    if (!until || application.waveClosesAt.getTime() > until.getTime()) until = application.waveClosesAt;
  }
  return until;
}

/**
 * The policy at filing time. Open obligations win over every reason (the participant is held
 * until they close); NOT_SELECTED is denied at once; every other reason waits for a second
 * officer. Pure.
 */
export function policyVerdict(reason: ErasureReason, openUntil: Date | null): PolicyVerdict {
  if (openUntil) return { status: ErasureStatus.RESTRICTED, obligationsOpenUntil: openUntil };
  if (reason === ErasureReason.NOT_SELECTED) return { status: ErasureStatus.DENIED };
  return { status: ErasureStatus.PENDING };
}

/** Filing time plus the configured hours (default 72: UU PDP Art. 41's 3×24 hours). Pure. */
export function dueDate(from: Date, hours: number): Date {
  return new Date(from.getTime() + hours * HOUR);
}

/**
 * The data subject's evidence note: optional, at most 2000 characters, no control characters
 * other than tabs and line breaks. It may well be personal (it is sealed under the subject's data
 * key, never logged). Returns it trimmed, or null when empty. Raises BAD_USER_INPUT (field `note`)
 * without quoting it.
 */
export function evidenceNote(note: string | null | undefined): string | null {
  const trimmed = (note ?? '').trim();
  if (trimmed.length === 0) return null;
  if (trimmed.length > NOTE_MAX_LENGTH) throw InputError.invalid('note', `must be at most ${NOTE_MAX_LENGTH} characters`);
  if (NOTE_CONTROL_CHARACTERS.test(trimmed)) throw InputError.invalid('note', 'must not contain control characters');
  return trimmed;
}

/**
 * The deciding officer's reasoning: required (3–2000 characters) and, because it outlives a shred
 * and is shown to auditors, it must not look personal (no long digit runs, phone numbers or
 * e-mail addresses; cite a case reference instead). Returns it trimmed. Raises BAD_USER_INPUT
 * (field `note`) without quoting it.
 */
export function decisionNote(note: string | null | undefined): string {
  const trimmed = evidenceNote(note);
  if (!trimmed || trimmed.length < 3) throw InputError.invalid('note', 'a written reason of at least 3 characters is required');
  if (looksPersonal(trimmed)) {
    throw InputError.invalid('note', 'must not contain personal data (long digit runs, phone numbers or e-mail addresses); cite a case reference instead');
  }
  return trimmed;
}
