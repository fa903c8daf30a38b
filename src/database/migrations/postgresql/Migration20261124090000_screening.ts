import { Migration } from '@mikro-orm/migrations';

/**
 * Partner-agency screening: data-sharing agreements, list versions, and the listed NIK tokens
 * (one index, version then token).
 */
export class Migration20261124090000Screening extends Migration {
  override up(): void {
    this.addSql("create table \"screening_agreement\" (\"id\" uuid not null, \"agency\" varchar(64) not null, \"list_kind\" text check (\"list_kind\" in ('STATE_ENTERPRISE_OFFICIAL', 'CIVIL_SERVANT', 'MILITARY_POLICE', 'STUDENT', 'PESANTREN_STUDENT', 'WORKER', 'SOCIAL_AID_RECIPIENT', 'POPULATION_REGISTRY')) not null, \"purpose\" text not null, \"legal_basis\" text not null, \"document_ref\" varchar(256) not null, \"valid_from\" timestamptz not null, \"valid_to\" timestamptz not null, \"rejection_reason\" text check (\"rejection_reason\" in ('NOT_SELECTED', 'INVALID_DATA', 'DUPLICATE', 'SCREENED_CIVIL_SERVANT', 'SCREENED_MILITARY_POLICE', 'SCREENED_STATE_ENTERPRISE', 'SCREENED_STUDENT', 'SCREENED_PESANTREN_STUDENT', 'SCREENED_WORKER', 'SCREENED_SOCIAL_AID', 'SCREENED_POPULATION_REGISTRY')) not null, \"active_list_version_id\" uuid null, \"created_by\" varchar(256) not null, \"created_at\" timestamptz not null, constraint \"screening_agreement_pkey\" primary key (\"id\"))");
    this.addSql("create index \"screening_agreement_agency_index\" on \"screening_agreement\" (\"agency\")");
    this.addSql("create table \"screening_list_entry\" (\"id\" bigserial primary key, \"list_version_id\" uuid not null, \"nik_token\" varchar(64) not null)");
    this.addSql("create index \"screening_list_entry_version_token_index\" on \"screening_list_entry\" (\"list_version_id\", \"nik_token\")");
    this.addSql("create table \"screening_list_version\" (\"id\" uuid not null, \"agreement_id\" uuid not null, \"state\" text check (\"state\" in ('OPEN', 'ACTIVE', 'REPLACED')) not null, \"received\" int not null default 0, \"accepted\" int not null default 0, \"invalid\" int not null default 0, \"submitted_by\" varchar(256) not null, \"created_at\" timestamptz not null, \"committed_at\" timestamptz null, constraint \"screening_list_version_pkey\" primary key (\"id\"))");
    this.addSql("create index \"screening_list_version_agreement_index\" on \"screening_list_version\" (\"agreement_id\")");
  }
}
