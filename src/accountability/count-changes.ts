import { applicationKeyValues, personKeyValues, type ApplicationCellKey, type PersonCellKey } from './dimensions';

/** One changed cell: its key values (stored order) and the signed change. */
export type CellChange = [values: string[], delta: number];

export interface SerializedChanges {
  /** Application cells. */
  a: CellChange[];
  /** Person cells. */
  p: CellChange[];
}

const SEPARATOR = '\u0000';

/**
 * The count changes one transaction makes, summed per cell. Built by the code that changes
 * applications (registration, outcomes, screening, bulk loads) and handed to CountStore.write in
 * the same transaction.
 */
export class CountChanges {
  private readonly applications = new Map<string, number>();
  private readonly people = new Map<string, number>();

  application(key: ApplicationCellKey, delta: number): this {
    add(this.applications, applicationKeyValues(key), delta);
    return this;
  }

  person(key: PersonCellKey, delta: number): this {
    add(this.people, personKeyValues(key), delta);
    return this;
  }

  /** Moves one application from one cell to another (an outcome recorded). */
  moveApplication(from: ApplicationCellKey, to: ApplicationCellKey): this {
    return this.application(from, -1).application(to, 1);
  }

  movePerson(from: PersonCellKey, to: PersonCellKey): this {
    return this.person(from, -1).person(to, 1);
  }

  get isEmpty(): boolean {
    for (const delta of this.applications.values()) if (delta !== 0) return false;
    for (const delta of this.people.values()) if (delta !== 0) return false;
    return true;
  }

  /** Non-zero changes only, in a stable order. */
  serialize(): SerializedChanges {
    return { a: entries(this.applications), p: entries(this.people) };
  }
}

function add(map: Map<string, number>, values: string[], delta: number): void {
  const key = values.join(SEPARATOR);
  map.set(key, (map.get(key) ?? 0) + delta);
}

function entries(map: Map<string, number>): CellChange[] {
  const out: CellChange[] = [];
  for (const [key, delta] of [...map].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
    if (delta !== 0) out.push([key.split(SEPARATOR), delta]);
  }
  return out;
}
