import { Migration } from '@mikro-orm/migrations';

/** Subjects, applications, waves and the vault (vault entries and wrapped data keys). */
export class Migration20261123000001Foundation extends Migration {
  override up(): void {
    this.addSql("create table `data_key` (`subject_id` text not null, `kek_id` text not null, `wrapped_key` text not null, primary key (`subject_id`))");
    this.addSql("create index `data_key_kek_index` on `data_key` (`kek_id`)");
    this.addSql("create table `subject` (`id` text not null, `nik_token` text not null, `phone_token` text null, `email_token` text null, `province_code` text not null, `regency_code` text not null, `gender` text check (`gender` in ('FEMALE', 'MALE')) not null, `age_band` text check (`age_band` in ('AGE_18_24', 'AGE_25_34', 'AGE_35_44', 'AGE_45_54', 'AGE_55_64', 'AGE_65_PLUS')) not null, `education` text check (`education` in ('NONE', 'PRIMARY', 'JUNIOR_SECONDARY', 'SENIOR_SECONDARY', 'VOCATIONAL_SECONDARY', 'DIPLOMA', 'BACHELOR', 'POSTGRADUATE')) not null, `employment_status` text check (`employment_status` in ('UNEMPLOYED', 'LAID_OFF', 'EMPLOYED', 'SELF_EMPLOYED', 'INFORMAL_WORKER')) not null, `state` text check (`state` in ('ACTIVE', 'RESTRICTED', 'ERASED')) not null default 'ACTIVE', `registered_at` datetime not null, primary key (`id`))");
    this.addSql("create unique index `subject_nik_token_unique` on `subject` (`nik_token`)");
    this.addSql("create index `subject_phone_token_index` on `subject` (`phone_token`)");
    this.addSql("create index `subject_email_token_index` on `subject` (`email_token`)");
    this.addSql("create table `vault_entry` (`subject_id` text not null, `nik` text not null, `full_name` text not null, `birth_date` text not null, `email` text null, `phone` text null, `address_line` text null, primary key (`subject_id`))");
    this.addSql("create table `wave` (`number` integer not null, `opens_at` datetime not null, `closes_at` datetime not null, `quota` integer not null, `accepted_count` integer not null default 0, `created_at` datetime not null, primary key (`number`))");
    this.addSql("create table `application` (`id` text not null, `subject_id` text not null, `wave_number` integer not null, `outcome` text check (`outcome` in ('PENDING', 'ACCEPTED', 'REJECTED')) not null default 'PENDING', `rejection_reason` text check (`rejection_reason` in ('NOT_SELECTED', 'INVALID_DATA', 'DUPLICATE', 'SCREENED_CIVIL_SERVANT', 'SCREENED_MILITARY_POLICE', 'SCREENED_STATE_ENTERPRISE', 'SCREENED_STUDENT', 'SCREENED_PESANTREN_STUDENT', 'SCREENED_WORKER', 'SCREENED_SOCIAL_AID', 'SCREENED_POPULATION_REGISTRY')) null, `registered_at` datetime not null, `decided_at` datetime null, constraint `application_subject_id_foreign` foreign key(`subject_id`) references `subject`(`id`) on update cascade, constraint `application_wave_number_foreign` foreign key(`wave_number`) references `wave`(`number`) on update cascade, primary key (`id`))");
    this.addSql("create index `application_subject_id_index` on `application` (`subject_id`)");
    this.addSql("create index `application_wave_number_index` on `application` (`wave_number`)");
    this.addSql("create index `application_wave_index` on `application` (`wave_number`)");
    this.addSql("create unique index `application_subject_wave_unique` on `application` (`subject_id`, `wave_number`)");
  }
}
