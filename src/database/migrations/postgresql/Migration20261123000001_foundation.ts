import { Migration } from '@mikro-orm/migrations';

/** Subjects, applications, waves and the vault (vault entries and wrapped data keys). */
export class Migration20261123000001Foundation extends Migration {
  override up(): void {
    this.addSql("create table \"data_key\" (\"subject_id\" uuid not null, \"kek_id\" varchar(32) not null, \"wrapped_key\" varchar(64) not null, constraint \"data_key_pkey\" primary key (\"subject_id\"))");
    this.addSql("create index \"data_key_kek_index\" on \"data_key\" (\"kek_id\")");
    this.addSql("create table \"subject\" (\"id\" uuid not null, \"nik_token\" varchar(64) not null, \"phone_token\" varchar(64) null, \"email_token\" varchar(64) null, \"province_code\" varchar(2) not null, \"regency_code\" varchar(4) not null, \"gender\" text check (\"gender\" in ('FEMALE', 'MALE')) not null, \"age_band\" text check (\"age_band\" in ('AGE_18_24', 'AGE_25_34', 'AGE_35_44', 'AGE_45_54', 'AGE_55_64', 'AGE_65_PLUS')) not null, \"education\" text check (\"education\" in ('NONE', 'PRIMARY', 'JUNIOR_SECONDARY', 'SENIOR_SECONDARY', 'VOCATIONAL_SECONDARY', 'DIPLOMA', 'BACHELOR', 'POSTGRADUATE')) not null, \"employment_status\" text check (\"employment_status\" in ('UNEMPLOYED', 'LAID_OFF', 'EMPLOYED', 'SELF_EMPLOYED', 'INFORMAL_WORKER')) not null, \"state\" text check (\"state\" in ('ACTIVE', 'RESTRICTED', 'ERASED')) not null default 'ACTIVE', \"registered_at\" timestamptz not null, constraint \"subject_pkey\" primary key (\"id\"))");
    this.addSql("alter table \"subject\" add constraint \"subject_nik_token_unique\" unique (\"nik_token\")");
    this.addSql("create index \"subject_phone_token_index\" on \"subject\" (\"phone_token\")");
    this.addSql("create index \"subject_email_token_index\" on \"subject\" (\"email_token\")");
    this.addSql("create table \"vault_entry\" (\"subject_id\" uuid not null, \"nik\" text not null, \"full_name\" text not null, \"birth_date\" text not null, \"email\" text null, \"phone\" text null, \"address_line\" text null, constraint \"vault_entry_pkey\" primary key (\"subject_id\"))");
    this.addSql("create table \"wave\" (\"number\" int not null, \"opens_at\" timestamptz not null, \"closes_at\" timestamptz not null, \"quota\" int not null, \"accepted_count\" int not null default 0, \"created_at\" timestamptz not null, constraint \"wave_pkey\" primary key (\"number\"))");
    this.addSql("create table \"application\" (\"id\" uuid not null, \"subject_id\" uuid not null, \"wave_number\" int not null, \"outcome\" text check (\"outcome\" in ('PENDING', 'ACCEPTED', 'REJECTED')) not null default 'PENDING', \"rejection_reason\" text check (\"rejection_reason\" in ('NOT_SELECTED', 'INVALID_DATA', 'DUPLICATE', 'SCREENED_CIVIL_SERVANT', 'SCREENED_MILITARY_POLICE', 'SCREENED_STATE_ENTERPRISE', 'SCREENED_STUDENT', 'SCREENED_PESANTREN_STUDENT', 'SCREENED_WORKER', 'SCREENED_SOCIAL_AID', 'SCREENED_POPULATION_REGISTRY')) null, \"registered_at\" timestamptz not null, \"decided_at\" timestamptz null, constraint \"application_pkey\" primary key (\"id\"))");
    this.addSql("create index \"application_wave_index\" on \"application\" (\"wave_number\")");
    this.addSql("alter table \"application\" add constraint \"application_subject_wave_unique\" unique (\"subject_id\", \"wave_number\")");
    this.addSql("alter table \"application\" add constraint \"application_subject_id_foreign\" foreign key (\"subject_id\") references \"subject\" (\"id\") on update cascade");
    this.addSql("alter table \"application\" add constraint \"application_wave_number_foreign\" foreign key (\"wave_number\") references \"wave\" (\"number\") on update cascade");
  }
}
