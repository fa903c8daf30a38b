/**
 * How the dashboard reads count tables without ever showing more, or less, than the API says.
 * Pure: no DOM, no I/O (unit-tested in test/unit/web).
 *
 * A suppressed cell (`count: null`) is not always a small one: disclosure control also hides
 * larger "complementary" cells so that a small one cannot be worked out by subtraction. So a
 * suppressed cell is shown as "< k" only when that follows from what the API published — every
 * cell is at least 1 (empty cells are omitted), so in a line with a known total T, visible sum V
 * and h hidden cells, each hidden cell is at most T − V − (h − 1); and when the line's total is
 * itself below k, so is every cell in it. Otherwise it is shown as "suppressed". Never as 0.
 */

export interface CountCellData {
  wave?: number | null;
  province?: string | null;
  outcome?: string | null;
  rejectionReason?: string | null;
  count: number | null;
  suppressed: boolean;
}

export interface CountTableData<C extends CountCellData = CountCellData> {
  total: number | null;
  threshold: number;
  suppressedCells: number;
  cells: C[];
}

/** A value as the page may show it. */
export type Shown =
  | { kind: 'count'; value: number }
  /** Suppressed, and provably below the threshold. */
  | { kind: 'below'; threshold: number }
  /** Suppressed; may be small, or hidden to protect a small cell. */
  | { kind: 'suppressed'; threshold: number };

export const count = (value: number): Shown => ({ kind: 'count', value });

/** A table's total: null in the API means 0 < total < k. */
export function tableTotal(table: CountTableData): Shown {
  return table.total === null ? { kind: 'below', threshold: table.threshold } : count(table.total);
}

/**
 * What to show for each cell of one line (cells that share every grouped dimension but one),
 * given what is known of the line's total. Parallel to `cells`.
 */
export function readLine(cells: readonly CountCellData[], lineTotal: Shown, threshold: number): Shown[] {
  const hidden = cells.filter((cell) => cell.suppressed || cell.count === null).length;
  let provablyBelow = lineTotal.kind === 'below';
  if (lineTotal.kind === 'count' && hidden > 0) {
    const visible = cells.reduce((sum, cell) => sum + (cell.suppressed || cell.count === null ? 0 : cell.count), 0);
    const largestPossible = lineTotal.value - visible - (hidden - 1);
    provablyBelow = largestPossible < threshold;
  }
  return cells.map((cell) =>
    !cell.suppressed && cell.count !== null ? count(cell.count) : { kind: provablyBelow ? 'below' : 'suppressed', threshold },
  );
}

/** Reads a one-dimensional table: its only line is the whole table. */
export function readTable<C extends CountCellData>(table: CountTableData<C>): Array<{ cell: C; shown: Shown }> {
  const shown = readLine(table.cells, tableTotal(table), table.threshold);
  return table.cells.map((cell, index) => ({ cell, shown: shown[index]! }));
}

/** The text for a value: "12,345", "< 10", or "suppressed". */
export function formatShown(shown: Shown): string {
  switch (shown.kind) {
    case 'count':
      return shown.value.toLocaleString('en-US');
    case 'below':
      return `< ${shown.threshold}`;
    case 'suppressed':
      return 'suppressed';
  }
}

/** The number a chart may draw, or null (no bar) when the value is not published. */
export function chartValue(shown: Shown): number | null {
  return shown.kind === 'count' ? shown.value : null;
}

/** Share of `part` in `whole` as a percentage text, or "—" when either is not published. */
export function formatShare(part: Shown, whole: Shown): string {
  if (part.kind !== 'count' || whole.kind !== 'count' || whole.value === 0) return '—';
  return `${((part.value / whole.value) * 100).toFixed(1)}%`;
}

/**
 * Sorts for a bar chart: published counts largest first, then suppressed ones (each at least 1),
 * then true zeros; ties by label.
 */
export function compareForBars(a: { shown: Shown; label: string }, b: { shown: Shown; label: string }): number {
  const rank = (shown: Shown): number => (shown.kind !== 'count' ? 1 : shown.value > 0 ? 0 : 2);
  return (
    rank(a.shown) - rank(b.shown) ||
    (a.shown.kind === 'count' && b.shown.kind === 'count' ? b.shown.value - a.shown.value : 0) ||
    a.label.localeCompare(b.label)
  );
}

const REJECTION_LABELS: Record<string, string> = {
  DUPLICATE: 'Duplicate application',
  INVALID_DATA: 'Invalid data',
  NOT_SELECTED: 'Not selected',
  SCREENED_CIVIL_SERVANT: 'Screened: civil servant',
  SCREENED_MILITARY_POLICE: 'Screened: military or police',
  SCREENED_PESANTREN_STUDENT: 'Screened: pesantren student',
  SCREENED_POPULATION_REGISTRY: 'Screened: population registry',
  SCREENED_SOCIAL_AID: 'Screened: social aid recipient',
  SCREENED_STATE_ENTERPRISE: 'Screened: state-enterprise director',
  SCREENED_STUDENT: 'Screened: student',
  SCREENED_WORKER: 'Screened: worker',
};

/** A readable name for a rejection reason (unknown future values pass through, tidied). */
export function rejectionReasonLabel(reason: string | null | undefined): string {
  if (!reason) return 'No reason recorded';
  return REJECTION_LABELS[reason] ?? reason.charAt(0) + reason.slice(1).toLowerCase().replace(/_/g, ' ');
}
