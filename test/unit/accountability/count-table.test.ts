import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccountabilityService, countTable, type CountQuery } from '../../../src/accountability/accountability.service';
import { CountChanges } from '../../../src/accountability/count-changes';
import { CountCube } from '../../../src/accountability/count-cube';
import { APPLICATION_DIMENSIONS, Dimension, Measure, NO_REASON, type ApplicationCellKey } from '../../../src/accountability/dimensions';
import { AgeBand, Education, EmploymentStatus, Gender, Outcome, RejectionReason } from '../../../src/subjects/subject.enums';
import { inherentlyRecoverable, recoverableCells, unprotectedLines } from './exact-solver';

/** Small domains so that random datasets produce small cells, the interesting case. */
const cellKey: fc.Arbitrary<ApplicationCellKey> = fc
  .record({
    wave: fc.integer({ min: 1, max: 3 }),
    province: fc.constantFrom('31', '32', '33'),
    gender: fc.constantFrom(Gender.FEMALE, Gender.MALE),
    ageBand: fc.constantFrom(AgeBand.AGE_18_24, AgeBand.AGE_25_34),
    education: fc.constantFrom(Education.BACHELOR, Education.PRIMARY),
    employment: fc.constantFrom(EmploymentStatus.UNEMPLOYED, EmploymentStatus.LAID_OFF),
    outcome: fc.constantFrom(Outcome.PENDING, Outcome.ACCEPTED, Outcome.REJECTED),
    reason: fc.constantFrom(RejectionReason.NOT_SELECTED, RejectionReason.SCREENED_STUDENT),
  })
  .map(({ reason, ...key }) => ({ ...key, rejectionReason: key.outcome === Outcome.REJECTED ? reason : null }));

const dataset = fc.array(fc.tuple(cellKey, fc.integer({ min: 1, max: 30 })), { minLength: 0, maxLength: 120 });
const groupBy = (max: number) => fc.subarray([...APPLICATION_DIMENSIONS], { minLength: 0, maxLength: max });
const filterArb = fc.record(
  {
    wave: fc.subarray(['1', '2', '3'], { minLength: 1 }),
    province: fc.subarray(['31', '32', '33'], { minLength: 1 }),
    outcome: fc.subarray([Outcome.PENDING, Outcome.ACCEPTED, Outcome.REJECTED], { minLength: 1 }),
  },
  { requiredKeys: [] },
);

function cubeOf(rows: Array<[ApplicationCellKey, number]>): CountCube {
  const cube = new CountCube(0);
  const changes = new CountChanges();
  for (const [key, n] of rows) changes.application(key, n);
  cube.apply(1, changes.serialize());
  return cube;
}

function query(dims: Dimension[], filter: { wave?: string[]; province?: string[]; outcome?: string[] }, exact: boolean): CountQuery {
  const map = new Map<Dimension, string[]>();
  if (filter.wave) map.set(Dimension.WAVE, filter.wave);
  if (filter.province) map.set(Dimension.PROVINCE, filter.province);
  if (filter.outcome) map.set(Dimension.OUTCOME, filter.outcome);
  return AccountabilityService.normalize({ groupBy: dims, filter: map, measure: Measure.APPLICATIONS, exact });
}

const VALUE: Record<Dimension, (key: ApplicationCellKey) => string> = {
  [Dimension.WAVE]: (key) => String(key.wave),
  [Dimension.PROVINCE]: (key) => key.province,
  [Dimension.GENDER]: (key) => key.gender,
  [Dimension.AGE_BAND]: (key) => key.ageBand,
  [Dimension.EDUCATION]: (key) => key.education,
  [Dimension.EMPLOYMENT]: (key) => key.employment,
  [Dimension.OUTCOME]: (key) => key.outcome,
  [Dimension.REJECTION_REASON]: (key) => key.rejectionReason ?? NO_REASON,
};

/** The same table computed the obvious way, from the rows. */
function naive(rows: Array<[ApplicationCellKey, number]>, q: CountQuery): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, n] of rows) {
    if ([...q.filter].some(([d, values]) => !values.includes(VALUE[d](key)))) continue;
    const group = JSON.stringify(q.groupBy.map((d) => VALUE[d](key)));
    out.set(group, (out.get(group) ?? 0) + n);
  }
  return out;
}

describe('count tables from the in-process cube', () => {
  it('exact: every cell equals a naive recount, cells sum to the total, zero cells are omitted', () => {
    fc.assert(
      fc.property(dataset, groupBy(8), filterArb, (rows, dims, filter) => {
        const q = query(dims, filter, true);
        const table = countTable(cubeOf(rows), q, 10);
        const expected = naive(rows, q);
        expect(new Map(table.cells.map((c) => [JSON.stringify(c.values), c.count]))).toEqual(expected);
        expect(table.total).toBe([...expected.values()].reduce((a, b) => a + b, 0));
        expect(table.cells.reduce((sum, c) => sum + c.count!, 0)).toBe(table.total);
        expect(table.cells.every((c) => c.count! > 0 && !c.suppressed)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('for reporters: no visible cell below k; every line with a total ≥ k hides 0 or ≥ 2 cells summing to ≥ k (see unprotectedLines)', () => {
    fc.assert(
      fc.property(dataset, groupBy(3), filterArb, fc.integer({ min: 3, max: 12 }), (rows, dims, filter, k) => {
        const exact = countTable(cubeOf(rows), query(dims, filter, true), k);
        const table = countTable(cubeOf(rows), query(dims, filter, false), k);
        expect(table.cells.map((c) => c.values)).toEqual(exact.cells.map((c) => c.values));
        table.cells.forEach((cell, i) => {
          if (!cell.suppressed) expect(cell.count).toBeGreaterThanOrEqual(k);
          else expect(cell.count).toBeNull();
          expect(cell.suppressed || cell.count === exact.cells[i]!.count).toBe(true);
        });
        expect(table.total).toBe(exact.total! > 0 && exact.total! < k ? null : exact.total);
        expect(table.suppressedCells).toBe(table.cells.filter((c) => c.suppressed).length);
        const cells = exact.cells.map((c) => ({ key: c.values, count: c.count! }));
        expect(unprotectedLines(cells, k, table.cells.map((c) => c.suppressed))).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it('for reporters: no suppressed cell of a table of up to three dimensions can be solved from visible cells and totals, unless no pattern could hide it', () => {
    let gaveUp = 0;
    fc.assert(
      fc.property(dataset, groupBy(3).filter((dims) => dims.length > 0), filterArb, fc.integer({ min: 3, max: 12 }), (rows, dims, filter, k) => {
        const exact = countTable(cubeOf(rows), query(dims, filter, true), k);
        const table = countTable(cubeOf(rows), query(dims, filter, false), k);
        const cells = exact.cells.map((c) => ({ key: c.values, count: c.count! }));
        try {
          const recovered = recoverableCells(cells, k, table.cells.map((c) => c.suppressed), table.total === null, 300_000);
          if (recovered.length === 0) return;
          // Cells that would be recoverable with every cell hidden (e.g. two cells at k − 1 under a
          // published total of 2k − 2) cannot be protected inside the table at all.
          const inherent = inherentlyRecoverable(cells, k, table.total === null, 300_000);
          expect(recovered.filter((i) => !inherent.has(i))).toEqual([]);
        } catch (error) {
          if (!String(error).includes('search budget exceeded')) throw error;
          gaveUp++;
        }
      }),
      { numRuns: 400 },
    );
    expect(gaveUp).toBeLessThanOrEqual(4);
  }, 30_000);

  it('exact while the cube changes: rollups kept by earlier queries follow every later change, including values first seen after they were built', () => {
    // Each step applies a batch (some cells moving out again, as outcomes do) and then asks a
    // query; later batches may bring waves and provinces that no earlier cell had.
    const laterKey = cellKey.chain((key) => fc.record({ wave: fc.integer({ min: 1, max: 6 }), province: fc.constantFrom('31', '32', '33', '34', '35') }).map((more) => ({ ...key, ...more })));
    const step = fc.record({
      added: fc.array(fc.tuple(laterKey, fc.integer({ min: 1, max: 30 })), { maxLength: 30 }),
      removed: fc.array(fc.nat(), { maxLength: 10 }),
      dims: groupBy(4),
      filter: filterArb,
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 8 }), (steps) => {
        const cube = new CountCube(0);
        const rows: Array<[ApplicationCellKey, number]> = [];
        steps.forEach(({ added, removed, dims, filter }, i) => {
          const changes = new CountChanges();
          for (const [key, n] of added) {
            changes.application(key, n);
            rows.push([key, n]);
          }
          for (const pick of removed) {
            if (rows.length === 0) break;
            const row = rows[pick % rows.length]!;
            if (row[1] === 0) continue;
            changes.application(row[0], -1);
            row[1] -= 1;
          }
          cube.apply(i + 1, changes.serialize());
          const q = query(dims, filter, true);
          const table = countTable(cube, q, 10);
          const expected = new Map([...naive(rows, q)].filter(([, n]) => n !== 0));
          expect(new Map(table.cells.map((c) => [JSON.stringify(c.values), c.count]))).toEqual(expected);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic: the same query over the same data gives the same answer', () => {
    fc.assert(
      fc.property(dataset, groupBy(3), (rows, dims) => {
        const shuffled = [...rows].reverse();
        expect(countTable(cubeOf(shuffled), query(dims, {}, false), 10)).toEqual(countTable(cubeOf(rows), query(dims, {}, false), 10));
      }),
      { numRuns: 200 },
    );
  });

  it('refuses bad filters with the field named, never echoing the value', () => {
    const bad = (filter: Map<Dimension, string[]>, measure = Measure.APPLICATIONS) => {
      try {
        AccountabilityService.normalize({ groupBy: [], filter, measure, exact: false });
        return null;
      } catch (error) {
        return (error as { extensions: { field: string } }).extensions.field;
      }
    };
    expect(bad(new Map([[Dimension.PROVINCE, ['99']]]))).toBe('filter.province');
    expect(bad(new Map([[Dimension.GENDER, ['OTHER']]]))).toBe('filter.gender');
    expect(bad(new Map([[Dimension.WAVE, []]]))).toBe('filter.wave');
    expect(bad(new Map([[Dimension.WAVE, ['1', '2']]]), Measure.PEOPLE)).toBe('filter.wave');
    expect(bad(new Map([[Dimension.WAVE, ['1']]]), Measure.PEOPLE)).toBeNull();
  });
});
