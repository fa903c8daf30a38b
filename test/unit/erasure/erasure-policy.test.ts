import { describe, expect, it } from 'vitest';
import { decisionNote, dueDate, evidenceNote, obligationsOpenUntil, policyVerdict } from '../../../src/erasure/erasure-policy';
import { ErasureReason, ErasureStatus } from '../../../src/erasure/erasure.enums';
import { isOverdue, nikTombstone } from '../../../src/erasure/erasure.service';
import { Outcome } from '../../../src/subjects/subject.enums';

const NOW = new Date('2026-11-23T10:00:00Z');
const later = (days: number) => new Date(NOW.getTime() + days * 24 * 3600 * 1000);

describe('erasure policy', () => {
  it('denies NOT_SELECTED at once and leaves every other reason to a second officer', () => {
    expect(policyVerdict(ErasureReason.NOT_SELECTED, null)).toEqual({ status: ErasureStatus.DENIED });
    for (const reason of [ErasureReason.HARASSMENT_AFTER_LEAK, ErasureReason.WITHDRAWN_CONSENT, ErasureReason.INACCURATE_DATA, ErasureReason.OTHER]) {
      expect(policyVerdict(reason, null)).toEqual({ status: ErasureStatus.PENDING });
    }
  });

  it('restricts every reason while obligations are open', () => {
    for (const reason of Object.values(ErasureReason)) {
      expect(policyVerdict(reason, later(3))).toEqual({ status: ErasureStatus.RESTRICTED, obligationsOpenUntil: later(3) });
    }
  });

  it('counts only ACCEPTED applications to waves not yet closed as open obligations, until the last closes', () => {
    expect(obligationsOpenUntil([], NOW)).toBeNull();
    expect(obligationsOpenUntil([{ outcome: Outcome.REJECTED, waveClosesAt: later(5) }, { outcome: Outcome.PENDING, waveClosesAt: later(5) }], NOW)).toBeNull();
    expect(obligationsOpenUntil([{ outcome: Outcome.ACCEPTED, waveClosesAt: later(-1) }], NOW)).toBeNull();
    expect(obligationsOpenUntil([{ outcome: Outcome.ACCEPTED, waveClosesAt: NOW }], NOW)).toBeNull();
    expect(obligationsOpenUntil([{ outcome: Outcome.ACCEPTED, waveClosesAt: later(2) }, { outcome: Outcome.ACCEPTED, waveClosesAt: later(9) }], NOW)).toEqual(later(9));
  });

  it('sets the due date from the configured hours and judges overdue only for open requests', () => {
    expect(dueDate(NOW, 72)).toEqual(later(3));
    expect(isOverdue({ status: ErasureStatus.PENDING, dueAt: later(-1) }, NOW)).toBe(true);
    expect(isOverdue({ status: ErasureStatus.RESTRICTED, dueAt: later(-1) }, NOW)).toBe(true);
    expect(isOverdue({ status: ErasureStatus.PENDING, dueAt: later(1) }, NOW)).toBe(false);
    expect(isOverdue({ status: ErasureStatus.DENIED, dueAt: later(-1) }, NOW)).toBe(false);
    expect(isOverdue({ status: ErasureStatus.GRANTED, dueAt: later(-1) }, NOW)).toBe(false);
  });

  it('bounds notes, and refuses decision notes that look personal without quoting them', () => {
    expect(evidenceNote('  ')).toBeNull();
    expect(evidenceNote(' called at 0812 3456 7890 by a debt collector ')).toBe('called at 0812 3456 7890 by a debt collector');
    expect(() => evidenceNote('x'.repeat(2001))).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'note' }) }));
    expect(() => evidenceNote('bell\u0007')).toThrow(/control characters/);
    expect(decisionNote('Reviewed, ticket DPO-2026-31')).toBe('Reviewed, ticket DPO-2026-31');
    for (const personal of ['NIK 3273176101983969', 'reach her at siti@contoh.co.id', 'call +62 812-3456-7890']) {
      let message = '';
      try {
        decisionNote(personal);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain('must not contain personal data');
      expect(message).not.toContain(personal.split(' ').pop()!);
    }
    expect(() => decisionNote('')).toThrow(/at least 3 characters/);
  });

  it('makes tombstones shaped like tokens but random', () => {
    const a = nikTombstone();
    expect(a).toMatch(/^x1\.[A-Za-z0-9_-]{43}$/);
    expect(nikTombstone()).not.toBe(a);
  });
});
