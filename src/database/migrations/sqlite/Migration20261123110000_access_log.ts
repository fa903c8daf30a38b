import { Migration } from '@mikro-orm/migrations';

/**
 * The tamper-evident access log: events, their subject index, the chain head (seeded with the
 * genesis hash), and triggers that refuse UPDATE and DELETE on the log whatever the caller.
 */
export class Migration20261123110000AccessLog extends Migration {
  override up(): void {
    this.addSql("create table `access_log` (`seq` bigint not null, `at` text not null, `actor` text not null, `roles` text not null, `action` text not null, `subject_ids` text not null, `fields_requested` text not null, `fields_returned` text not null, `purpose` text null, `outcome` text not null, `reason` text null, `request_id` text null, `reference` text null, `prev_hash` text not null, `hash` text not null, primary key (`seq`))");
    this.addSql("create index `access_log_at_index` on `access_log` (`at`)");
    this.addSql("create index `access_log_actor_index` on `access_log` (`actor`)");
    this.addSql("create index `access_log_action_index` on `access_log` (`action`)");
    this.addSql("create table `access_log_subject` (`subject_id` text not null, `seq` bigint not null, primary key (`subject_id`, `seq`))");
    this.addSql("create table `access_log_head` (`id` integer not null, `seq` bigint not null, `hash` text not null, primary key (`id`))");
    this.addSql("insert into `access_log_head` (`id`, `seq`, `hash`) values (1, 0, '0000000000000000000000000000000000000000000000000000000000000000')");
    this.addSql("create trigger `access_log_no_update` before update on `access_log` begin select raise(abort, 'access_log is append-only'); end");
    this.addSql("create trigger `access_log_no_delete` before delete on `access_log` begin select raise(abort, 'access_log is append-only'); end");
    this.addSql("create trigger `access_log_subject_no_update` before update on `access_log_subject` begin select raise(abort, 'access_log_subject is append-only'); end");
    this.addSql("create trigger `access_log_subject_no_delete` before delete on `access_log_subject` begin select raise(abort, 'access_log_subject is append-only'); end");
    this.addSql("create trigger `access_log_head_no_delete` before delete on `access_log_head` begin select raise(abort, 'access_log_head cannot be deleted'); end");
  }
}
