import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/knex';
import type { AccessLogService } from '../access-log/access-log.service';
import { AccessAction } from '../access-log/access-log.service';
import type { Principal } from '../auth/principal';
import type { Database } from '../database/orm';
import { InputError, SamaranError, StateError } from '../errors';
import type { Tokenizer } from '../pseudonymization/tokenizer';
import { isStructurallyValidNik } from '../registration/nik';
import { isUuid } from '../registration/registration.service';
import type { DataSharingAgreement } from './agreement.entity';
import type { AgreementService } from './agreement.service';
import { insertEntries, openBulkEntryWriter } from './list-entry-writer';
import { ScreeningListVersion } from './screening-list.entity';
import { ListVersionState } from './screening.enums';

/** What an agency learns about a submission: counts of what it sent, nothing about registrants. */
export interface ListReceipt {
  received: number;
  accepted: number;
  invalid: number;
}

/** Who submits: an AGENCY principal (its `agency` claim must own the agreement), or the trusted command line (`agency: null`). */
export interface ListSubmitter {
  principal: Principal;
  /** The agency that must own the agreement; null skips the ownership check (command line only). */
  agency: string | null;
  requestId: string | null;
}

export interface ListImportReport extends ListReceipt {
  listVersionId: string;
  /** 1-based line numbers of invalid lines (never their content), at most `MAX_REPORTED_INVALID_LINES`. */
  invalidLines: number[];
}

/** NIKs per chunk on the chunked GraphQL path. */
export const MAX_CHUNK_NIKS = 10_000;
export const MAX_REPORTED_INVALID_LINES = 10_000;

/** The first column of a list line (plain, or CSV with optional quotes), trimmed; null for a blank line. */
export function listLineValue(line: string): string | null {
  let text = line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
  text = text.trim();
  if (text.length === 0) return null;
  if (text.startsWith('"')) {
    const close = text.indexOf('"', 1);
    return (close < 0 ? text.slice(1) : text.slice(1, close)).trim();
  }
  const comma = text.indexOf(',');
  return (comma < 0 ? text : text.slice(0, comma)).trim();
}

function hasDigit(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

/**
 * Partner-agency screening lists. NIKs are checked (structure only: no birth date or gender
 * comes with a list) and turned into keyed tokens — under every token key, so a list matches
 * registrants whether or not they were re-tokenized in a rotation — before anything is written.
 * No NIK is stored, logged or returned; answers carry counts only, never a match count.
 */
export class ScreeningListService {
  constructor(
    private readonly tokenizer: Tokenizer,
    private readonly agreements: AgreementService,
    private readonly accessLog: AccessLogService,
    private readonly now: () => Date,
  ) {}

  /** Tokens of the valid NIKs among `niks`, and the receipt. Pure apart from HMAC. */
  private tokenize(niks: readonly string[]): { tokens: string[]; receipt: ListReceipt } {
    const keyIds = this.tokenizer.tokenKeyIds();
    const tokens: string[] = [];
    let accepted = 0;
    for (const raw of niks) {
      const nik = typeof raw === 'string' ? raw.trim() : '';
      if (!isStructurallyValidNik(nik)) continue;
      accepted += 1;
      for (const keyId of keyIds) tokens.push(this.tokenizer.nikToken(nik, keyId));
    }
    return { tokens, receipt: { received: niks.length, accepted, invalid: niks.length - accepted } };
  }

  /** Logs a refused submission (own transaction), then rethrows. */
  private async refused(em: EntityManager, who: ListSubmitter, agreementId: string | null, error: unknown, stage: string): Promise<never> {
    if (error instanceof SamaranError) {
      await this.accessLog.appendAlone(em, {
        principal: who.principal,
        requestId: who.requestId,
        action: AccessAction.SCREENING_LIST_SUBMITTED,
        outcome: 'DENIED',
        reason: error.code,
        purpose: stage,
        reference: agreementId && isUuid(agreementId) ? agreementId : null,
      });
    }
    throw error;
  }

  private async logged(tx: EntityManager, who: ListSubmitter, agreement: DataSharingAgreement, stage: string): Promise<void> {
    await this.accessLog.append(tx, {
      principal: who.principal,
      requestId: who.requestId,
      action: AccessAction.SCREENING_LIST_SUBMITTED,
      outcome: 'ALLOWED',
      purpose: stage,
      reference: agreement.id,
    });
  }

  /** Loads the version and its agreement and checks the submitter may write to it now. */
  private async openVersion(tx: EntityManager, who: ListSubmitter, listVersionId: string): Promise<{ version: ScreeningListVersion; agreement: DataSharingAgreement }> {
    const version = isUuid(listVersionId) ? await tx.findOne(ScreeningListVersion, { id: listVersionId }) : null;
    if (!version) throw StateError.notFound('List version');
    const agreement = await this.agreements.require(tx, version.agreementId);
    this.agreements.assertSubmittable(agreement, who.agency, this.now());
    if (version.state !== ListVersionState.OPEN) throw StateError.conflict('the list version is already committed');
    return { version, agreement };
  }

  private async beginIn(tx: EntityManager, who: ListSubmitter, agreementId: string): Promise<{ agreement: DataSharingAgreement; listVersionId: string }> {
    const agreement = await this.agreements.require(tx, agreementId);
    this.agreements.assertSubmittable(agreement, who.agency, this.now());
    const listVersionId = randomUUID();
    await tx.insert(ScreeningListVersion, {
      id: listVersionId,
      agreementId: agreement.id,
      state: ListVersionState.OPEN,
      received: 0,
      accepted: 0,
      invalid: 0,
      submittedBy: who.principal.sub,
      createdAt: this.now(),
      committedAt: null,
    });
    return { agreement, listVersionId };
  }

  private async appendIn(tx: EntityManager, listVersionId: string, niks: readonly string[]): Promise<ListReceipt> {
    const { tokens, receipt } = this.tokenize(niks);
    // The UPDATE locks the version row: a chunk racing a commit either lands before it or is refused.
    const updated = await tx.execute(
      "update screening_list_version set received = received + ?, accepted = accepted + ?, invalid = invalid + ? where id = ? and state = 'OPEN'",
      [receipt.received, receipt.accepted, receipt.invalid, listVersionId],
      'run',
    );
    if (Number((updated as { affectedRows?: number }).affectedRows ?? 0) !== 1) throw StateError.conflict('the list version is already committed');
    await insertEntries(tx, listVersionId, tokens);
    return receipt;
  }

  /** Makes the version the agreement's active list; the previous version is marked REPLACED and its entries deleted. */
  private async commitIn(tx: EntityManager, agreement: DataSharingAgreement, listVersionId: string): Promise<ListReceipt> {
    const platform = tx.getPlatform();
    const at = platform.processDateProperty(this.now());
    const updated = await tx.execute(
      "update screening_list_version set state = 'ACTIVE', committed_at = ? where id = ? and state = 'OPEN'",
      [at, listVersionId],
      'run',
    );
    if (Number((updated as { affectedRows?: number }).affectedRows ?? 0) !== 1) throw StateError.conflict('the list version is already committed');
    // Read the pointer under the agreement row's lock: two commits racing replace one another in order.
    await tx.execute('update screening_agreement set active_list_version_id = active_list_version_id where id = ?', [agreement.id], 'run');
    const [pointer] = (await tx.execute('select active_list_version_id as id from screening_agreement where id = ?', [agreement.id], 'all')) as Array<{ id: string | null }>;
    const previous = pointer?.id ?? null;
    await tx.execute('update screening_agreement set active_list_version_id = ? where id = ?', [listVersionId, agreement.id], 'run');
    if (previous && previous !== listVersionId) {
      await tx.execute("update screening_list_version set state = 'REPLACED' where id = ?", [previous], 'run');
      await tx.execute('delete from screening_list_entry where list_version_id = ?', [previous], 'run');
    }
    const [totals] = (await tx.execute('select received, accepted, invalid from screening_list_version where id = ?', [listVersionId], 'all')) as Array<Record<keyof ListReceipt, number | string>>;
    return { received: Number(totals!.received), accepted: Number(totals!.accepted), invalid: Number(totals!.invalid) };
  }

  /**
   * Starts a new (OPEN) list version under the agreement; chunks then append to it and a commit
   * makes it active. Writes the version row and an access-log event. Raises NOT_FOUND,
   * FORBIDDEN (another agency's agreement), AGREEMENT_EXPIRED; refusals are logged, nothing else stored.
   */
  async begin(em: EntityManager, who: ListSubmitter, agreementId: string): Promise<{ listVersionId: string }> {
    try {
      return await em.transactional(async (tx) => {
        const { agreement, listVersionId } = await this.beginIn(tx, who, agreementId);
        await this.logged(tx, who, agreement, 'LIST_BEGIN');
        return { listVersionId };
      });
    } catch (error) {
      return this.refused(em, who, agreementId, error, 'LIST_BEGIN');
    }
  }

  /**
   * Appends up to `MAX_CHUNK_NIKS` NIKs to an OPEN version: invalid ones are counted and dropped,
   * valid ones stored as tokens only. Writes entries, the version's counts and an access-log event
   * in one transaction. Raises BAD_USER_INPUT (niks: too many), NOT_FOUND, FORBIDDEN,
   * AGREEMENT_EXPIRED, CONFLICT (already committed).
   */
  async append(em: EntityManager, who: ListSubmitter, listVersionId: string, niks: readonly string[]): Promise<ListReceipt> {
    if (niks.length > MAX_CHUNK_NIKS) throw InputError.invalid('niks', `at most ${MAX_CHUNK_NIKS} per chunk`);
    let agreementId: string | null = null;
    try {
      return await em.transactional(async (tx) => {
        const { agreement } = await this.openVersion(tx, who, listVersionId);
        agreementId = agreement.id;
        const receipt = await this.appendIn(tx, listVersionId, niks);
        await this.logged(tx, who, agreement, 'LIST_CHUNK');
        return receipt;
      });
    } catch (error) {
      return this.refused(em, who, agreementId, error, 'LIST_CHUNK');
    }
  }

  /**
   * Commits an OPEN version: it becomes the agreement's active list, the previous one is replaced
   * and its entries deleted — atomically, with an access-log event. Returns the version's totals.
   * Raises NOT_FOUND, FORBIDDEN, AGREEMENT_EXPIRED, CONFLICT.
   */
  async commit(em: EntityManager, who: ListSubmitter, listVersionId: string): Promise<ListReceipt> {
    let agreementId: string | null = null;
    try {
      return await em.transactional(async (tx) => {
        const { agreement } = await this.openVersion(tx, who, listVersionId);
        agreementId = agreement.id;
        const receipt = await this.commitIn(tx, agreement, listVersionId);
        await this.logged(tx, who, agreement, 'LIST_COMMIT');
        return receipt;
      });
    } catch (error) {
      return this.refused(em, who, agreementId, error, 'LIST_COMMIT');
    }
  }

  /**
   * Begin, append and commit in one transaction: the list replaces the agency's previous list
   * for the agreement, or nothing is stored. Errors as for `begin`.
   */
  async submit(em: EntityManager, who: ListSubmitter, agreementId: string, niks: readonly string[]): Promise<ListReceipt> {
    try {
      return await em.transactional(async (tx) => {
        const { agreement, listVersionId } = await this.beginIn(tx, who, agreementId);
        await this.appendIn(tx, listVersionId, niks);
        const receipt = await this.commitIn(tx, agreement, listVersionId);
        await this.logged(tx, who, agreement, 'LIST_SUBMIT');
        return receipt;
      });
    } catch (error) {
      return this.refused(em, who, agreementId, error, 'LIST_SUBMIT');
    }
  }

  /**
   * Imports a whole list file (one NIK per line, or CSV with the NIK in the first column; a
   * first line without any digit is taken as a header) through the dialect's bulk path, then
   * commits it as the agreement's active list. Streaming: memory does not grow with the file.
   * Writes the version, entries (COPY / prepared batches), the commit and access-log events for
   * begin and commit. On failure the version and its entries are removed. `onProgress` gets the
   * lines read so far. Errors as for `begin`.
   */
  async importLines(
    database: Database,
    who: ListSubmitter,
    agreementId: string,
    lines: AsyncIterable<string>,
    onProgress: (linesRead: number) => void = () => undefined,
  ): Promise<ListImportReport> {
    // Attach to the source before the first await: a readline interface emits lines (and 'close')
    // whether or not anyone listens, and an iterator created later would wait forever.
    const iterator = lines[Symbol.asyncIterator]();
    const source: AsyncIterable<string> = { [Symbol.asyncIterator]: () => iterator };
    let listVersionId: string;
    try {
      ({ listVersionId } = await this.begin(database.fork(), who, agreementId));
    } catch (error) {
      await iterator.return?.();
      throw error;
    }
    const keyIds = this.tokenizer.tokenKeyIds();
    const invalidLines: number[] = [];
    let lineNo = 0;
    let received = 0;
    let accepted = 0;
    const writer = await openBulkEntryWriter(database, listVersionId);
    try {
      for await (const line of source) {
        lineNo += 1;
        if ((lineNo & 0x3fff) === 0) onProgress(lineNo);
        const value = listLineValue(line);
        if (value === null) continue;
        if (lineNo === 1 && !hasDigit(value)) continue;
        received += 1;
        if (!isStructurallyValidNik(value)) {
          if (invalidLines.length < MAX_REPORTED_INVALID_LINES) invalidLines.push(lineNo);
          continue;
        }
        accepted += 1;
        for (const keyId of keyIds) {
          const pending = writer.add(this.tokenizer.nikToken(value, keyId));
          if (pending) await pending;
        }
      }
      await writer.finish();
    } catch (error) {
      await iterator.return?.();
      await writer.abort().catch(() => undefined);
      await this.discard(database, listVersionId);
      throw error;
    }
    onProgress(lineNo);
    const invalid = received - accepted;
    const em = database.fork();
    try {
      await em.execute('update screening_list_version set received = ?, accepted = ?, invalid = ? where id = ?', [received, accepted, invalid, listVersionId], 'run');
      await this.commit(em, who, listVersionId);
    } catch (error) {
      await this.discard(database, listVersionId);
      throw error;
    }
    if (database.dialect === 'postgresql') await database.fork().execute('analyze screening_list_entry', [], 'run');
    return { listVersionId, received, accepted, invalid, invalidLines };
  }

  /** Removes an uncommitted version and whatever entries reached the database. */
  private async discard(database: Database, listVersionId: string): Promise<void> {
    await database.fork().transactional(async (tx) => {
      await tx.execute('delete from screening_list_entry where list_version_id = ?', [listVersionId], 'run');
      await tx.execute("delete from screening_list_version where id = ? and state = 'OPEN'", [listVersionId], 'run');
    });
  }
}
