import { Migration } from '@mikro-orm/migrations';

/**
 * The tamper-evident access log: events, their subject index, the chain head (seeded with the
 * genesis hash), and triggers that refuse UPDATE and DELETE on the log whatever the caller.
 */
export class Migration20261123110000AccessLog extends Migration {
  override up(): void {
    this.addSql("create table \"access_log\" (\"seq\" bigint not null, \"at\" varchar(32) not null, \"actor\" varchar(256) not null, \"roles\" text not null, \"action\" varchar(48) not null, \"subject_ids\" text not null, \"fields_requested\" text not null, \"fields_returned\" text not null, \"purpose\" text null, \"outcome\" varchar(8) not null, \"reason\" varchar(48) null, \"request_id\" varchar(64) null, \"reference\" varchar(128) null, \"prev_hash\" varchar(64) not null, \"hash\" varchar(64) not null, constraint \"access_log_pkey\" primary key (\"seq\"))");
    this.addSql("create index \"access_log_at_index\" on \"access_log\" (\"at\")");
    this.addSql("create index \"access_log_actor_index\" on \"access_log\" (\"actor\")");
    this.addSql("create index \"access_log_action_index\" on \"access_log\" (\"action\")");
    this.addSql("create table \"access_log_subject\" (\"subject_id\" uuid not null, \"seq\" bigint not null, constraint \"access_log_subject_pkey\" primary key (\"subject_id\", \"seq\"))");
    this.addSql("create table \"access_log_head\" (\"id\" int not null, \"seq\" bigint not null, \"hash\" varchar(64) not null, constraint \"access_log_head_pkey\" primary key (\"id\"))");
    this.addSql("insert into \"access_log_head\" (\"id\", \"seq\", \"hash\") values (1, 0, '0000000000000000000000000000000000000000000000000000000000000000')");
    this.addSql("create function access_log_refuse_change() returns trigger language plpgsql as $$ begin raise exception '% is append-only', tg_table_name using errcode = 'insufficient_privilege'; end $$");
    this.addSql("create trigger access_log_append_only before update or delete on \"access_log\" for each row execute function access_log_refuse_change()");
    this.addSql("create trigger access_log_no_truncate before truncate on \"access_log\" for each statement execute function access_log_refuse_change()");
    this.addSql("create trigger access_log_subject_append_only before update or delete on \"access_log_subject\" for each row execute function access_log_refuse_change()");
    this.addSql("create trigger access_log_subject_no_truncate before truncate on \"access_log_subject\" for each statement execute function access_log_refuse_change()");
    this.addSql("create trigger access_log_head_no_delete before delete or truncate on \"access_log_head\" for each statement execute function access_log_refuse_change()");
  }
}
