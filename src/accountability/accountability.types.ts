import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { AgeBand, Education, EmploymentStatus, Gender, Outcome, RejectionReason } from '../subjects/subject.enums';
import type { CountTableResult } from './accountability.service';
import { Dimension, Measure, NO_REASON } from './dimensions';

/** The CountCell field that carries each dimension's value. */
const CELL_FIELD: Readonly<Record<Dimension, keyof CountCellType>> = {
  [Dimension.WAVE]: 'wave',
  [Dimension.PROVINCE]: 'province',
  [Dimension.GENDER]: 'gender',
  [Dimension.AGE_BAND]: 'ageBand',
  [Dimension.EDUCATION]: 'education',
  [Dimension.EMPLOYMENT]: 'employment',
  [Dimension.OUTCOME]: 'outcome',
  [Dimension.REJECTION_REASON]: 'rejectionReason',
};

@InputType('CountFilter', { description: 'Keeps only the cells whose value is listed, per dimension; an absent dimension is not filtered.' })
export class CountFilterInput {
  @Field(() => [Int], { nullable: true, description: 'Wave numbers.' })
  wave?: number[] | null;

  @Field(() => [String], { nullable: true, description: 'Domicile province codes ("31").' })
  province?: string[] | null;

  @Field(() => [Gender], { nullable: true })
  gender?: Gender[] | null;

  @Field(() => [AgeBand], { nullable: true })
  ageBand?: AgeBand[] | null;

  @Field(() => [Education], { nullable: true })
  education?: Education[] | null;

  @Field(() => [EmploymentStatus], { nullable: true })
  employment?: EmploymentStatus[] | null;

  @Field(() => [Outcome], { nullable: true })
  outcome?: Outcome[] | null;

  @Field(() => [RejectionReason], { nullable: true })
  rejectionReason?: RejectionReason[] | null;
}

// simpleResolvers: plain properties, no type-graphql wrapper per field (a table has thousands of cells).
@ObjectType('CountCell', { simpleResolvers: true, description: 'One cell of a count table. A dimension field is null when the table is not grouped by it.' })
export class CountCellType {
  @Field(() => Int, { nullable: true })
  wave!: number | null;

  @Field(() => String, { nullable: true, description: 'Domicile province code.' })
  province!: string | null;

  @Field(() => Gender, { nullable: true })
  gender!: Gender | null;

  @Field(() => AgeBand, { nullable: true })
  ageBand!: AgeBand | null;

  @Field(() => Education, { nullable: true })
  education!: Education | null;

  @Field(() => EmploymentStatus, { nullable: true })
  employment!: EmploymentStatus | null;

  @Field(() => Outcome, { nullable: true })
  outcome!: Outcome | null;

  @Field(() => RejectionReason, { nullable: true, description: 'Null also when grouped, for applications that were not rejected.' })
  rejectionReason!: RejectionReason | null;

  @Field(() => Int, { nullable: true, description: 'Null when suppressed.' })
  count!: number | null;

  @Field(() => Boolean, { description: 'True when the count is withheld by disclosure control (count is null).' })
  suppressed!: boolean;
}

const VIEWS = new WeakMap<CountTableResult, CountTableType>();

@ObjectType('CountTable', {
  simpleResolvers: true,
  description:
    'A count table. Cells with count 0 are omitted. Without exact, disclosure control applies: cells below the threshold are suppressed, and ' +
    'further cells so that no suppressed value can be recovered by subtraction from the line totals.',
})
export class CountTableType {
  @Field(() => Int, { nullable: true, description: 'The sum of all cells; null when itself below the threshold (suppressed).' })
  total!: number | null;

  @Field(() => [CountCellType])
  cells!: CountCellType[];

  @Field(() => Int, { description: 'k: the smallest count shown (SAMARAN_SUPPRESSION_K).' })
  threshold!: number;

  @Field(() => Int, { description: 'How many cells are suppressed.' })
  suppressedCells!: number;

  @Field(() => Measure)
  measure!: Measure;

  @Field(() => Boolean, { description: 'True when the counts are exact (no disclosure control: auditors only, logged).' })
  exact!: boolean;

  /**
   * The GraphQL view of a count table. Memoized per result: the service caches results per data
   * version, and execution only reads these objects, so a repeated query reuses its cells.
   */
  static from(result: CountTableResult): CountTableType {
    let view = VIEWS.get(result);
    if (!view) VIEWS.set(result, (view = CountTableType.build(result)));
    return view;
  }

  private static build(result: CountTableResult): CountTableType {
    const cells = result.cells.map((cell) => {
      const out: CountCellType = Object.assign(new CountCellType(), {
        wave: null,
        province: null,
        gender: null,
        ageBand: null,
        education: null,
        employment: null,
        outcome: null,
        rejectionReason: null,
        count: cell.count,
        suppressed: cell.suppressed,
      });
      result.groupBy.forEach((dimension, i) => {
        const value = cell.values[i]!;
        const field = CELL_FIELD[dimension];
        // Cells store every value as a string: wave numbers back to Int, "no reason" back to null.
        (out as unknown as Record<string, unknown>)[field] = dimension === Dimension.WAVE ? Number(value) : value === NO_REASON ? null : value;
      });
      return out;
    });
    return Object.assign(new CountTableType(), {
      total: result.total,
      cells,
      threshold: result.threshold,
      suppressedCells: result.suppressedCells,
      measure: result.measure,
      exact: result.exact,
    });
  }
}

/** The filter input as the service takes it: values as stored, per dimension. */
export function filterMap(filter: CountFilterInput | null | undefined): Map<Dimension, string[]> {
  const map = new Map<Dimension, string[]>();
  if (!filter) return map;
  const entries: Array<[Dimension, readonly (string | number)[] | null | undefined]> = [
    [Dimension.WAVE, filter.wave],
    [Dimension.PROVINCE, filter.province],
    [Dimension.GENDER, filter.gender],
    [Dimension.AGE_BAND, filter.ageBand],
    [Dimension.EDUCATION, filter.education],
    [Dimension.EMPLOYMENT, filter.employment],
    [Dimension.OUTCOME, filter.outcome],
    [Dimension.REJECTION_REASON, filter.rejectionReason],
  ];
  for (const [dimension, values] of entries) if (values != null) map.set(dimension, values.map(String));
  return map;
}
