import { Migration } from '@mikro-orm/migrations';

/**
 * Drops two indexes every application insert paid for and no query needed: the one on
 * subject_id (application_subject_wave_unique leads with it) and a second copy of the one on
 * wave_number (MikroORM indexes SQLite foreign keys on its own). PostgreSQL never had them.
 */
export class Migration20261125090000ApplicationIndexes extends Migration {
  override up(): void {
    this.addSql('drop index if exists `application_subject_id_index`');
    this.addSql('drop index if exists `application_wave_number_index`');
  }
}
