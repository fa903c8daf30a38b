import type { EntityManager } from '@mikro-orm/knex';
import { AccessAction, type AccessLogService } from '../access-log/access-log.service';
import type { Principal } from '../auth/principal';
import { Subject } from '../subjects/subject.entity';
import { SubjectState } from '../subjects/subject.enums';
import { DataKey } from './data-key.entity';
import { VaultIntegrityError } from './data-keys';
import { KeyringError, type Keyring } from './keyring';
import type { PersonalDataSealer } from './personal-data-sealer';
import type { Tokenizer } from './tokenizer';
import { VaultEntry } from './vault-entry.entity';

export interface BatchProgress {
  /** Rows handled so far in this run (done + failed). */
  handled: number;
  /** Rows that needed the work when the run started. */
  total: number;
  batch: number;
}

export interface BatchRunOptions {
  batchSize: number;
  /** Stop after this many batches (spread the work over maintenance windows); default: until done. */
  maxBatches?: number;
  onBatch?: (progress: BatchProgress) => void;
}

export interface BatchRunResult {
  /** Rows moved to the newest key in this run. */
  done: number;
  /** Rows that could not be opened (tampered, unknown key); left as they are and reported. */
  failed: number;
  /** Rows still under an older key after this run (including failures). */
  remaining: number;
  batches: number;
}

/**
 * Moves stored secrets to the newest keys after `keys rotate`: `rewrap` re-wraps data keys under
 * the newest key-encryption key (no field is re-encrypted), `retokenize` recomputes NIK, phone and
 * email tokens under the newest token key from the vault. Both work in batches, one transaction
 * each, selecting only rows not yet under the newest key — so an interrupted run loses at most
 * its current batch and a rerun continues where it stopped. Every batch is one access-log event
 * in its own transaction. Processes serving requests must already hold the new keys file
 * (restart them after `keys rotate`, before `rewrap`), or they cannot open re-wrapped keys.
 */
export class KeyLifecycleService {
  constructor(
    private readonly keyring: Keyring,
    private readonly sealer: PersonalDataSealer,
    private readonly tokenizer: Tokenizer,
    private readonly accessLog: AccessLogService,
  ) {}

  /** How many data keys are not under the newest KEK. Reads only. */
  async dataKeysToRewrap(em: EntityManager): Promise<number> {
    return em.count(DataKey, { kekId: { $ne: this.keyring.currentKekId } });
  }

  /**
   * Re-wraps every data key not under the newest KEK, oldest subject id first, `batchSize` per
   * transaction, each batch logged as KEY_REWRAP (reference `kek <from…> -> <to>: <n> data keys`).
   * Writes data_key rows and access events; never a plaintext key.
   */
  async rewrap(em: EntityManager, principal: Principal, options: BatchRunOptions): Promise<BatchRunResult> {
    const target = this.keyring.currentKekId;
    const total = await this.dataKeysToRewrap(em.fork());
    return this.inBatches(em, options, total, async (tx, after) => {
      const rows = await tx.find(
        DataKey,
        { kekId: { $ne: target }, ...(after ? { subjectId: { $gt: after } } : {}) },
        { orderBy: { subjectId: 'asc' }, limit: options.batchSize },
      );
      let done = 0;
      let failed = 0;
      const from = new Set<string>();
      for (const row of rows) {
        try {
          const rewrapped = this.sealer.rewrap({ kekId: row.kekId, wrappedKey: row.wrappedKey });
          from.add(row.kekId);
          row.kekId = rewrapped.kekId;
          row.wrappedKey = rewrapped.wrappedKey;
          done += 1;
        } catch (error) {
          if (!(error instanceof VaultIntegrityError || error instanceof KeyringError)) throw error;
          failed += 1;
        }
      }
      await tx.flush();
      if (rows.length > 0) {
        await this.accessLog.append(tx, {
          principal,
          action: AccessAction.KEY_REWRAP,
          outcome: 'ALLOWED',
          reference: `kek ${[...from].sort().join(',') || '-'} -> ${target}: ${done} data keys${failed ? `, ${failed} failed` : ''}`,
        });
      }
      return { last: rows.at(-1)?.subjectId ?? null, done, failed };
    }, async (fresh) => this.dataKeysToRewrap(fresh));
  }

  /** How many non-erased subjects hold a NIK token not under the newest token key. Reads only. */
  async subjectsToRetokenize(em: EntityManager): Promise<number> {
    const prefix = `${this.keyring.currentTokenKeyId}.`;
    const [row] = (await em.execute(
      'select count(*) as n from subject where state <> ? and substr(nik_token, 1, ?) <> ?',
      [SubjectState.ERASED, prefix.length, prefix],
      'all',
    )) as Array<{ n: number | string }>;
    return Number(row?.n ?? 0);
  }

  /**
   * Recomputes the NIK, phone and email tokens of every non-erased subject whose NIK token is not
   * under the newest token key, by opening those three vault fields (erased subjects keep their
   * tombstone; minimized ones have no phone or email left). Each batch is one KEY_RETOKENIZATION
   * event naming no subject (its reference gives the key and the count). Writes subject rows.
   */
  async retokenize(em: EntityManager, principal: Principal, options: BatchRunOptions): Promise<BatchRunResult> {
    const keyId = this.keyring.currentTokenKeyId;
    const prefix = `${keyId}.`;
    const total = await this.subjectsToRetokenize(em.fork());
    return this.inBatches(em, options, total, async (tx, after) => {
      const qb = tx
        .createQueryBuilder(Subject, 's')
        .select('s.*')
        .where({ state: { $ne: SubjectState.ERASED } })
        .andWhere('substr(s.nik_token, 1, ?) <> ?', [prefix.length, prefix])
        .orderBy({ id: 'asc' })
        .limit(options.batchSize);
      if (after) qb.andWhere({ id: { $gt: after } });
      const subjects = await qb.getResultList();
      const ids = subjects.map((subject) => subject.id);
      const [vaults, keys] = ids.length
        ? await Promise.all([tx.find(VaultEntry, { subjectId: { $in: ids } }), tx.find(DataKey, { subjectId: { $in: ids } })])
        : [[], []];
      const vaultOf = new Map(vaults.map((vault) => [vault.subjectId, vault]));
      const keyOf = new Map(keys.map((key) => [key.subjectId, key]));
      let done = 0;
      let failed = 0;
      for (const subject of subjects) {
        const vault = vaultOf.get(subject.id);
        const key = keyOf.get(subject.id);
        if (!vault || !key) {
          failed += 1;
          continue;
        }
        try {
          const opened = this.sealer.open(
            subject.id,
            { dataKey: { kekId: key.kekId, wrappedKey: key.wrappedKey }, fields: { nik: vault.nik, fullName: null, birthDate: null, email: vault.email, phone: vault.phone, addressLine: null } },
            ['nik', 'phone', 'email'],
          );
          subject.nikToken = this.tokenizer.nikToken(opened.nik!, keyId);
          subject.phoneToken = opened.phone ? this.tokenizer.phoneToken(opened.phone, keyId) : null;
          subject.emailToken = opened.email ? this.tokenizer.emailToken(opened.email, keyId) : null;
          done += 1;
        } catch (error) {
          if (!(error instanceof VaultIntegrityError || error instanceof KeyringError)) throw error;
          failed += 1;
        }
      }
      await tx.flush();
      if (subjects.length > 0) {
        await this.accessLog.append(tx, {
          principal,
          action: AccessAction.KEY_RETOKENIZATION,
          fieldsRequested: ['NIK', 'PHONE', 'EMAIL'],
          outcome: 'ALLOWED',
          reference: `token key ${keyId}: ${done} subjects${failed ? `, ${failed} failed` : ''}`,
        });
      }
      return { last: subjects.at(-1)?.id ?? null, done, failed };
    }, async (fresh) => this.subjectsToRetokenize(fresh));
  }

  private async inBatches(
    em: EntityManager,
    options: BatchRunOptions,
    total: number,
    batch: (tx: EntityManager, after: string | null) => Promise<{ last: string | null; done: number; failed: number }>,
    remaining: (em: EntityManager) => Promise<number>,
  ): Promise<BatchRunResult> {
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new RangeError('batchSize must be a positive whole number');
    let after: string | null = null;
    let done = 0;
    let failed = 0;
    let batches = 0;
    while (options.maxBatches === undefined || batches < options.maxBatches) {
      const result = await em.fork().transactional((tx) => batch(tx, after));
      if (result.last === null) break;
      batches += 1;
      after = result.last;
      done += result.done;
      failed += result.failed;
      options.onBatch?.({ handled: done + failed, total, batch: batches });
    }
    return { done, failed, remaining: await remaining(em.fork()), batches };
  }
}
