import { Entity, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';

/**
 * A subject's personal fields, each a JWE sealed under the subject's own data key.
 * Deliberately no foreign key to `subject`: the vault is separable from the pseudonymous core
 * (another schema or database) and is deleted outright when a subject is crypto-shredded.
 */
@Entity({ tableName: 'vault_entry' })
export class VaultEntry {
  [PrimaryKeyProp]?: 'subjectId';

  @PrimaryKey({ type: 'uuid' })
  subjectId!: string;

  @Property({ type: 'text' })
  nik!: string;

  @Property({ type: 'text' })
  fullName!: string;

  @Property({ type: 'text' })
  birthDate!: string;

  /** Null when never given or destroyed by minimization. */
  @Property({ type: 'text', nullable: true })
  email: string | null = null;

  @Property({ type: 'text', nullable: true })
  phone: string | null = null;

  @Property({ type: 'text', nullable: true })
  addressLine: string | null = null;
}
