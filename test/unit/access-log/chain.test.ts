import { describe, expect, it } from 'vitest';
import { canonicalContent, canonicalHash, ChainVerifier, eventHash, GENESIS_HASH, storedRowHash, type AccessEventContent, type ChainedAccessEvent } from '../../../src/access-log/chain';

function buildChain(length: number): ChainedAccessEvent[] {
  const events: ChainedAccessEvent[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq += 1) {
    const content: AccessEventContent = {
      seq, at: new Date(Date.UTC(2026, 10, 23, 10, 0, seq)).toISOString(), actor: `officer-${seq % 3}`, roles: '["OFFICER"]',
      action: 'REVEAL', subjectIds: `["00000000-0000-4000-8000-${String(seq).padStart(12, '0')}"]`, fieldsRequested: '["NIK"]',
      fieldsReturned: '["NIK"]', purpose: `case ${seq}`, outcome: 'ALLOWED', reason: null, requestId: `r${seq}`, reference: null,
    };
    const hash = eventHash(content, prevHash);
    events.push({ ...content, prevHash, hash });
    prevHash = hash;
  }
  return events;
}

function verify(events: ChainedAccessEvent[], head: { seq: number; hash: string } | null) {
  const verifier = new ChainVerifier();
  for (const event of events) if (!verifier.push(event)) break;
  return verifier.finish(head, events.length);
}

const headOf = (events: ChainedAccessEvent[]) => ({ seq: events.length, hash: events[events.length - 1]!.hash });

describe('access-log hash chain', () => {
  it('verifies an intact chain and reports its head', () => {
    const events = buildChain(20);
    expect(verify(events, headOf(events))).toEqual({ ok: true, length: 20, headHash: events[19]!.hash, firstBrokenSeq: null });
    expect(verify([], { seq: 0, hash: GENESIS_HASH })).toEqual({ ok: true, length: 0, headHash: GENESIS_HASH, firstBrokenSeq: null });
  });

  it('hashes every field: changing any one changes the hash', () => {
    const [event] = buildChain(1);
    const fields: Array<keyof AccessEventContent> = ['seq', 'at', 'actor', 'roles', 'action', 'subjectIds', 'fieldsRequested', 'fieldsReturned', 'purpose', 'outcome', 'reason', 'requestId', 'reference'];
    for (const field of fields) {
      const changed = { ...event!, [field]: field === 'seq' ? 2 : `${String(event![field])}x` };
      expect(eventHash(changed, event!.prevHash), field).not.toBe(event!.hash);
    }
    expect(eventHash(event!, 'f'.repeat(64))).not.toBe(event!.hash);
  });

  it('finds an edited event at its own seq', () => {
    const events = buildChain(10);
    const head = headOf(events);
    events[4] = { ...events[4]!, purpose: 'something else' };
    expect(verify(events, head)).toMatchObject({ ok: false, firstBrokenSeq: 5 });
  });

  it('finds a deleted event at the missing seq', () => {
    const events = buildChain(10);
    const head = headOf(events);
    events.splice(6, 1);
    expect(verify(events, head)).toMatchObject({ ok: false, firstBrokenSeq: 7 });
  });

  it('finds events removed from, or appended at, the end through the head', () => {
    const events = buildChain(10);
    expect(verify(events.slice(0, 8), headOf(events))).toMatchObject({ ok: false, firstBrokenSeq: 9 });
    expect(verify(events, headOf(events.slice(0, 7)))).toMatchObject({ ok: false, firstBrokenSeq: 8 });
  });

  it('finds two swapped events at the first of them', () => {
    const events = buildChain(10);
    const head = headOf(events);
    [events[2], events[3]] = [{ ...events[3]!, seq: 3 }, { ...events[2]!, seq: 4 }];
    expect(verify(events, head)).toMatchObject({ ok: false, firstBrokenSeq: 3 });
  });

  it('hashes a stored row (columns in order, seq as the database returns it) exactly as the event it holds', () => {
    for (const event of buildChain(5)) {
      const row = [String(event.seq), event.at, event.actor, event.roles, event.action, event.subjectIds, event.fieldsRequested, event.fieldsReturned, event.purpose, event.outcome, event.reason, event.requestId, event.reference, event.prevHash];
      expect(storedRowHash(row)).toBe(event.hash);
      expect(canonicalHash(canonicalContent(event, event.prevHash))).toBe(event.hash);
    }
  });

  it('links stored rows like events: a recomputed hash that differs from the stored one breaks the chain there', () => {
    const events = buildChain(4);
    const verifier = new ChainVerifier();
    expect(verifier.link(1, GENESIS_HASH, events[0]!.hash, events[0]!.hash)).toBe(true);
    expect(verifier.link(2, events[0]!.hash, 'f'.repeat(64), events[1]!.hash)).toBe(false);
    expect(verifier.finish(headOf(events), 4)).toMatchObject({ ok: false, firstBrokenSeq: 2 });
  });
});
