import { Entity, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';

/** An intake wave (gelombang). `acceptedCount` enforces the quota with one conditional UPDATE. */
@Entity({ tableName: 'wave' })
export class Wave {
  [PrimaryKeyProp]?: 'number';

  @PrimaryKey({ type: 'integer', autoincrement: false })
  number!: number;

  @Property({ type: 'datetime' })
  opensAt!: Date;

  @Property({ type: 'datetime' })
  closesAt!: Date;

  @Property({ type: 'integer' })
  quota!: number;

  @Property({ type: 'integer', default: 0 })
  acceptedCount: number = 0;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
