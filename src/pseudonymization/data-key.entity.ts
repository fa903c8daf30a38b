import { Entity, Index, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';

/** A subject's data key, wrapped (AES-KW) by the key-encryption key `kekId`. Deleting it shreds the vault entry. */
@Entity({ tableName: 'data_key' })
export class DataKey {
  [PrimaryKeyProp]?: 'subjectId';

  @PrimaryKey({ type: 'uuid' })
  subjectId!: string;

  /** Which key-encryption key wrapped it; `keys rewrap` moves rows to the newest one. */
  @Index({ name: 'data_key_kek_index' })
  @Property({ type: 'string', length: 32 })
  kekId!: string;

  @Property({ type: 'string', length: 64 })
  wrappedKey!: string;
}
