import { describe, expect, it } from 'vitest';
import { compareForBars, count, formatShare, formatShown, readLine, readTable, rejectionReasonLabel, tableTotal } from '../../../src/web/client/counts';

const shown = (value: number | null) => ({ count: value, suppressed: value === null });

describe('what the dashboard shows for suppressed cells', () => {
  it('shows "< k" when the line total proves every hidden cell is below k', () => {
    // total 120, visible 100, two hidden cells summing to 20: each is at most 19 — not provably < 10.
    expect(readLine([shown(100), shown(null), shown(null)], count(120), 10).map(formatShown)).toEqual(['100', 'suppressed', 'suppressed']);
    // total 110: the two hidden sum to 10, so each is at most 9.
    expect(readLine([shown(100), shown(null), shown(null)], count(110), 10).map(formatShown)).toEqual(['100', '< 10', '< 10']);
    // three hidden summing to 12: each at most 10, which is not below 10.
    expect(readLine([shown(50), shown(null), shown(null), shown(null)], count(62), 10).map(formatShown)).toEqual(['50', 'suppressed', 'suppressed', 'suppressed']);
  });

  it('shows every cell of a line whose total is below k as "< k"', () => {
    expect(readLine([shown(null), shown(null)], { kind: 'below', threshold: 10 }, 10).map(formatShown)).toEqual(['< 10', '< 10']);
  });

  it('shows "suppressed" when the line total is itself unknown', () => {
    expect(readLine([shown(null), shown(40)], { kind: 'suppressed', threshold: 10 }, 10).map(formatShown)).toEqual(['suppressed', '40']);
  });

  it('reads a table total of null as below k (the API withholds only totals below k)', () => {
    expect(formatShown(tableTotal({ total: null, threshold: 5, suppressedCells: 1, cells: [shown(null)] }))).toBe('< 5');
    const rows = readTable({ total: null, threshold: 5, suppressedCells: 2, cells: [shown(null), shown(null)] });
    expect(rows.map((row) => formatShown(row.shown))).toEqual(['< 5', '< 5']);
  });

  it('never turns a suppressed cell into a number, a zero or a share', () => {
    const hidden = readLine([shown(null), shown(null)], count(500), 10);
    expect(hidden.every((value) => value.kind !== 'count')).toBe(true);
    expect(formatShare(hidden[0]!, count(500))).toBe('—');
    expect(formatShare(count(50), count(200))).toBe('25.0%');
  });
});

describe('bar order and labels', () => {
  it('sorts published counts largest first, then suppressed ones, then zeros, ties by label', () => {
    const rows = [
      { label: 'B', shown: { kind: 'suppressed' as const, threshold: 10 } },
      { label: 'C', shown: count(5) },
      { label: 'A', shown: { kind: 'below' as const, threshold: 10 } },
      { label: 'D', shown: count(50) },
      { label: 'E', shown: count(0) },
    ];
    expect([...rows].sort(compareForBars).map((row) => row.label)).toEqual(['D', 'C', 'A', 'B', 'E']);
  });

  it('names rejection reasons, including ones added later', () => {
    expect(rejectionReasonLabel('SCREENED_CIVIL_SERVANT')).toBe('Screened: civil servant');
    expect(rejectionReasonLabel('SOMETHING_NEW')).toBe('Something new');
    expect(rejectionReasonLabel(null)).toBe('No reason recorded');
  });
});
