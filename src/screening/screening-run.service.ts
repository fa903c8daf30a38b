import type { EntityManager } from '@mikro-orm/knex';
import { AccessAction, type AccessLogService } from '../access-log/access-log.service';
import { applicationCell, personCell } from '../accountability/cells';
import { CountChanges } from '../accountability/count-changes';
import type { CountStore } from '../accountability/count-store';
import type { Principal } from '../auth/principal';
import type { Dialect } from '../database/orm';
import { StateError } from '../errors';
import { Wave } from '../registration/wave.entity';
import { AgeBand, Education, EmploymentStatus, Gender, Outcome, RejectionReason } from '../subjects/subject.enums';
import { DataSharingAgreement } from './agreement.entity';
import { isAgreementValidAt } from './agreement.service';

export interface AgreementScreeningResult {
  agreementId: string;
  agency: string;
  rejectionReason: RejectionReason;
  rejected: number;
}

export interface ScreeningRunResult {
  wave: number;
  rejected: number;
  /** One entry per agreement in force with an active list, in precedence order (oldest agreement first). */
  agreements: AgreementScreeningResult[];
}

/** Matched applications handled per statement batch (bounded statements and memory). */
const BATCH = 50_000;

interface MatchGroup {
  agreement_id: string;
  rejection_reason: RejectionReason;
  wave_number: number | string;
  province_code: string;
  gender: Gender;
  age_band: AgeBand;
  education: Education;
  employment_status: EmploymentStatus;
  latest: number | string;
  n: number | string;
}

/**
 * Screening: PENDING applications of a wave whose subject's NIK token is on the active list of an
 * agreement in force now are rejected with that agreement's reason. Set-based: the matches are
 * found by one join per agreement into a temporary table (an application on several lists goes
 * to the oldest agreement), then rejected batch by batch with the count changes computed by a
 * GROUP BY over the same rows — no row travels to the application.
 */
export class ScreeningRunService {
  constructor(
    private readonly counts: CountStore,
    private readonly accessLog: AccessLogService,
    private readonly now: () => Date,
  ) {}

  /**
   * Runs screening for `wave` in one transaction: applications, count cells and one access-log
   * event per agreement consulted (`reference` = agreement id) commit together or not at all.
   * On PostgreSQL the matched application rows are locked before their counts are taken, so a
   * concurrent outcome cannot slip between the count and the update. Raises NOT_FOUND (no such wave).
   */
  async run(em: EntityManager, dialect: Dialect, who: { principal: Principal; requestId: string | null }, wave: number, onProgress: (done: number, total: number) => void = () => undefined): Promise<ScreeningRunResult> {
    return em.transactional(async (tx) => {
      if (!(await tx.findOne(Wave, { number: wave }))) throw StateError.notFound('Wave');
      const at = this.now();
      const inForce = (await tx.find(DataSharingAgreement, { activeListVersionId: { $ne: null } }, { orderBy: { createdAt: 'asc', id: 'asc' } })).filter((agreement) =>
        isAgreementValidAt(agreement, at),
      );
      const results = new Map<string, AgreementScreeningResult>(
        inForce.map((agreement) => [agreement.id, { agreementId: agreement.id, agency: agreement.agency, rejectionReason: agreement.rejectionReason, rejected: 0 }]),
      );
      const changes = new CountChanges();
      if (inForce.length > 0) {
        await this.createMatchTable(tx, dialect);
        for (const agreement of inForce) {
          await tx.execute(
            'insert into screening_match (application_id, agreement_id, rejection_reason) ' +
              'select a.id, ?, ? from screening_list_entry e join subject s on s.nik_token = e.nik_token join application a on a.subject_id = s.id ' +
              "where e.list_version_id = ? and a.wave_number = ? and a.outcome = 'PENDING' on conflict (application_id) do nothing",
            [agreement.id, agreement.rejectionReason, agreement.activeListVersionId, wave],
            'run',
          );
        }
        const [{ last }] = (await tx.execute('select coalesce(max(seq), 0) as last from screening_match', [], 'all')) as Array<{ last: number | string }>;
        const total = Number(last);
        const decidedAt = tx.getPlatform().processDateProperty(at);
        for (let from = 0; from < total; from += BATCH) {
          const to = Math.min(from + BATCH, total);
          if (dialect === 'postgresql') {
            await tx.execute(
              "with locked as (select a.id from application a join screening_match m on m.application_id = a.id where m.seq > ? and m.seq <= ? and a.outcome = 'PENDING' for update of a) select count(*) as n from locked",
              [from, to],
              'all',
            );
          }
          const groups = (await tx.execute(
            'select m.agreement_id, m.rejection_reason, a.wave_number, s.province_code, s.gender, s.age_band, s.education, s.employment_status, ' +
              'case when exists (select 1 from application l where l.subject_id = a.subject_id and l.wave_number > a.wave_number) then 0 else 1 end as latest, count(*) as n ' +
              'from screening_match m join application a on a.id = m.application_id join subject s on s.id = a.subject_id ' +
              "where m.seq > ? and m.seq <= ? and a.outcome = 'PENDING' " +
              'group by m.agreement_id, m.rejection_reason, a.wave_number, s.province_code, s.gender, s.age_band, s.education, s.employment_status, latest',
            [from, to],
            'all',
          )) as MatchGroup[];
          let expected = 0;
          for (const group of groups) {
            const n = Number(group.n);
            expected += n;
            const subject = { provinceCode: group.province_code, gender: group.gender, ageBand: group.age_band, education: group.education, employmentStatus: group.employment_status };
            const waveNumber = Number(group.wave_number);
            changes.application(applicationCell(subject, waveNumber, Outcome.PENDING, null), -n);
            changes.application(applicationCell(subject, waveNumber, Outcome.REJECTED, group.rejection_reason), n);
            if (Number(group.latest) === 1) {
              changes.person(personCell(subject, Outcome.PENDING, null), -n);
              changes.person(personCell(subject, Outcome.REJECTED, group.rejection_reason), n);
            }
            results.get(group.agreement_id)!.rejected += n;
          }
          const updated = await tx.execute(
            "update application set outcome = 'REJECTED', rejection_reason = m.rejection_reason, decided_at = ? " +
              "from screening_match m where m.application_id = application.id and m.seq > ? and m.seq <= ? and application.outcome = 'PENDING'",
            [decidedAt, from, to],
            'run',
          );
          const affected = Number((updated as { affectedRows?: number }).affectedRows ?? -1);
          // The counts must describe exactly the rows changed; anything else aborts the run.
          if (affected !== expected) throw new Error(`screening batch changed ${affected} applications but counted ${expected}`);
          onProgress(to, total);
        }
        if (dialect === 'sqlite') await tx.execute('drop table temp.screening_match', [], 'run');
      }
      await this.counts.write(tx, changes);
      const agreements = [...results.values()];
      for (const result of agreements) {
        await this.accessLog.append(tx, {
          principal: who.principal,
          requestId: who.requestId,
          action: AccessAction.SCREENING_RUN,
          outcome: 'ALLOWED',
          purpose: `wave ${wave}`,
          reason: `rejected ${result.rejected}`,
          reference: result.agreementId,
        });
      }
      if (agreements.length === 0) {
        await this.accessLog.append(tx, { principal: who.principal, requestId: who.requestId, action: AccessAction.SCREENING_RUN, outcome: 'ALLOWED', purpose: `wave ${wave}`, reason: 'no agreement in force' });
      }
      return { wave, rejected: agreements.reduce((sum, r) => sum + r.rejected, 0), agreements };
    });
  }

  private async createMatchTable(tx: EntityManager, dialect: Dialect): Promise<void> {
    if (dialect === 'postgresql') {
      await tx.execute(
        'create temporary table screening_match (seq bigserial primary key, application_id uuid not null unique, agreement_id uuid not null, rejection_reason varchar(40) not null) on commit drop',
        [],
        'run',
      );
    } else {
      await tx.execute('drop table if exists temp.screening_match', [], 'run');
      await tx.execute('create temporary table screening_match (seq integer primary key, application_id text not null unique, agreement_id text not null, rejection_reason text not null)', [], 'run');
    }
  }
}
