import { Migration } from '@mikro-orm/migrations';

/**
 * Partner-agency screening: data-sharing agreements, list versions, and the listed NIK tokens
 * (one index, version then token).
 */
export class Migration20261124090000Screening extends Migration {
  override up(): void {
    this.addSql("create table `screening_agreement` (`id` text not null, `agency` text not null, `list_kind` text check (`list_kind` in ('STATE_ENTERPRISE_OFFICIAL', 'CIVIL_SERVANT', 'MILITARY_POLICE', 'STUDENT', 'PESANTREN_STUDENT', 'WORKER', 'SOCIAL_AID_RECIPIENT', 'POPULATION_REGISTRY')) not null, `purpose` text not null, `legal_basis` text not null, `document_ref` text not null, `valid_from` datetime not null, `valid_to` datetime not null, `rejection_reason` text check (`rejection_reason` in ('NOT_SELECTED', 'INVALID_DATA', 'DUPLICATE', 'SCREENED_CIVIL_SERVANT', 'SCREENED_MILITARY_POLICE', 'SCREENED_STATE_ENTERPRISE', 'SCREENED_STUDENT', 'SCREENED_PESANTREN_STUDENT', 'SCREENED_WORKER', 'SCREENED_SOCIAL_AID', 'SCREENED_POPULATION_REGISTRY')) not null, `active_list_version_id` text null, `created_by` text not null, `created_at` datetime not null, primary key (`id`))");
    this.addSql("create index `screening_agreement_agency_index` on `screening_agreement` (`agency`)");
    this.addSql("create table `screening_list_entry` (`id` integer not null primary key autoincrement, `list_version_id` text not null, `nik_token` text not null)");
    this.addSql("create index `screening_list_entry_version_token_index` on `screening_list_entry` (`list_version_id`, `nik_token`)");
    this.addSql("create table `screening_list_version` (`id` text not null, `agreement_id` text not null, `state` text check (`state` in ('OPEN', 'ACTIVE', 'REPLACED')) not null, `received` integer not null default 0, `accepted` integer not null default 0, `invalid` integer not null default 0, `submitted_by` text not null, `created_at` datetime not null, `committed_at` datetime null, primary key (`id`))");
    this.addSql("create index `screening_list_version_agreement_index` on `screening_list_version` (`agreement_id`)");
  }
}
