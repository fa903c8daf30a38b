import { Migration } from '@mikro-orm/migrations';

/**
 * Every change of the counts' version is announced on the `samaran_count_version` channel
 * (payload: the new version), delivered to listening processes when the changing transaction
 * commits. Servers keep their count cubes current from these notices instead of reading the
 * version before every query (CountVersionWatch). A trigger, so every writer announces —
 * registrations, outcomes, screening, bulk loads, `counts rebuild`, hand-written SQL.
 */
export class Migration20261202090000CountVersionNotify extends Migration {
  override up(): void {
    this.addSql(
      'create function samaran_count_version_notify() returns trigger language plpgsql as $$ begin perform pg_notify(\'samaran_count_version\', new.version::text); return null; end $$',
    );
    this.addSql('create trigger count_version_notify after insert or update on count_version for each row execute function samaran_count_version_notify()');
  }
}
