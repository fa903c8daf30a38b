import { Migration } from '@mikro-orm/migrations';

/** Erasure requests (with their decisions and legal basis) and legal holds on restricted subjects. */
export class Migration20261123130000Erasure extends Migration {
  override up(): void {
    this.addSql("create table `erasure_request` (`id` text not null, `subject_id` text not null, `reason` text check (`reason` in ('NOT_SELECTED', 'HARASSMENT_AFTER_LEAK', 'WITHDRAWN_CONSENT', 'INACCURATE_DATA', 'OTHER')) not null, `status` text check (`status` in ('PENDING', 'DENIED', 'GRANTED', 'RESTRICTED')) not null, `sealed_note` text null, `filed_by` text not null, `filed_at` datetime not null, `due_at` datetime not null, `decision` text check (`decision` in ('GRANT', 'DENY')) null, `decided_by_policy` integer not null default false, `decided_by` text null, `decided_at` datetime null, `decision_note` text null, `legal_basis` text null, `obligations_open_until` datetime null, primary key (`id`))");
    this.addSql("create index `erasure_request_subject_index` on `erasure_request` (`subject_id`)");
    this.addSql("create index `erasure_request_due_index` on `erasure_request` (`due_at`, `id`)");
    this.addSql("create index `erasure_request_status_due_index` on `erasure_request` (`status`, `due_at`)");
    this.addSql("create table `legal_hold` (`id` text not null, `subject_id` text not null, `purpose` text not null, `status` text check (`status` in ('PENDING', 'APPROVED')) not null, `requested_by` text not null, `requested_at` datetime not null, `approved_by` text null, `approved_at` datetime null, `expires_at` datetime null, primary key (`id`))");
    this.addSql("create index `legal_hold_subject_index` on `legal_hold` (`subject_id`)");
  }
}
