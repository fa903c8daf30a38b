import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261123000001Foundation as PostgresqlFoundation } from './postgresql/Migration20261123000001_foundation';
import { Migration20261123000001Foundation as SqliteFoundation } from './sqlite/Migration20261123000001_foundation';
import { Migration20261123110000AccessLog as PostgresqlAccessLog } from './postgresql/Migration20261123110000_access_log';
import { Migration20261123110000AccessLog as SqliteAccessLog } from './sqlite/Migration20261123110000_access_log';
import { Migration20261123120000Counts as PostgresqlCounts } from './postgresql/Migration20261123120000_counts';
import { Migration20261123120000Counts as SqliteCounts } from './sqlite/Migration20261123120000_counts';
import { Migration20261123130000Erasure as PostgresqlErasure } from './postgresql/Migration20261123130000_erasure';
import { Migration20261123130000Erasure as SqliteErasure } from './sqlite/Migration20261123130000_erasure';
import { Migration20261124090000Screening as PostgresqlScreening } from './postgresql/Migration20261124090000_screening';
import { Migration20261124090000Screening as SqliteScreening } from './sqlite/Migration20261124090000_screening';
import { Migration20261125090000ApplicationIndexes as SqliteApplicationIndexes } from './sqlite/Migration20261125090000_application_indexes';
import { Migration20261202090000CountVersionNotify as PostgresqlCountVersionNotify } from './postgresql/Migration20261202090000_count_version_notify';

/**
 * One migration list per dialect: MikroORM has no single migration set for SQLite and
 * PostgreSQL. Both lists must describe the same entities; the schema-drift test checks each
 * against the entity metadata.
 */
export const SQLITE_MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261123000001_foundation', class: SqliteFoundation },
  { name: 'Migration20261123110000_access_log', class: SqliteAccessLog },
  { name: 'Migration20261123120000_counts', class: SqliteCounts },
  { name: 'Migration20261123130000_erasure', class: SqliteErasure },
  { name: 'Migration20261124090000_screening', class: SqliteScreening },
  { name: 'Migration20261125090000_application_indexes', class: SqliteApplicationIndexes },
];
export const POSTGRESQL_MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261123000001_foundation', class: PostgresqlFoundation },
  { name: 'Migration20261123110000_access_log', class: PostgresqlAccessLog },
  { name: 'Migration20261123120000_counts', class: PostgresqlCounts },
  { name: 'Migration20261123130000_erasure', class: PostgresqlErasure },
  { name: 'Migration20261124090000_screening', class: PostgresqlScreening },
  { name: 'Migration20261202090000_count_version_notify', class: PostgresqlCountVersionNotify },
];
