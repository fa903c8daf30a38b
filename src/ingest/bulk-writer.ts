import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { EntityManager } from '@mikro-orm/knex';
import type { Knex } from 'knex';
import type { Client as PgClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { applicationCell, personCell } from '../accountability/cells';
import { CountChanges } from '../accountability/count-changes';
import type { CountStore } from '../accountability/count-store';
import type { Database } from '../database/orm';
import { Outcome, type AgeBand, type Education, type EmploymentStatus, type Gender, type RejectionReason } from '../subjects/subject.enums';
import type { PreparedApplication, PreparedSubject, RejectedRow } from './prepare';

/**
 * The fast write path shared by `samaran ingest`, the demo loader and `samaran demo`: one
 * transaction per batch writes subjects, wrapped data keys, vault entries, applications, the
 * waves' acceptance counts and the count cells (CountStore.write) together, so a crash leaves
 * whole batches only. Idempotent: a person already stored (same NIK token) gets only the
 * applications it lacks, and an application already stored (same subject and wave) is skipped.
 *
 * PostgreSQL: COPY into session-local staging tables, then `insert … select … on conflict do
 * nothing`. SQLite: better-sqlite3 prepared statements on the transaction's own connection.
 */

export interface BatchWriteResult {
  /** Applications inserted. */
  applicationsStored: number;
  /** Subjects (people) inserted. */
  subjectsCreated: number;
  /** Rows whose application (same person and wave) was already stored: skipped. */
  alreadyStored: number;
  /** Rows refused by the database state (a RESTRICTED subject takes no new application). */
  rejects: RejectedRow[];
}

interface Latest {
  wave: number;
  outcome: Outcome;
  rejectionReason: RejectionReason | null;
}

interface Attributes {
  provinceCode: string;
  gender: Gender;
  ageBand: AgeBand;
  education: Education;
  employmentStatus: EmploymentStatus;
}

/** Per subject touched by a batch: its attributes and latest application before and after. */
class PeopleTouched {
  private readonly people = new Map<string, { attributes: Attributes; before: Latest | null; after: Latest | null }>();
  readonly changes = new CountChanges();
  readonly acceptedPerWave = new Map<number, number>();

  has(subjectId: string): boolean {
    return this.people.has(subjectId);
  }

  subject(subjectId: string, attributes: Attributes, before: Latest | null): void {
    if (!this.people.has(subjectId)) this.people.set(subjectId, { attributes, before, after: before });
  }

  /** An application inserted for a subject already registered with `subject`. */
  inserted(subjectId: string, application: Latest): void {
    const person = this.people.get(subjectId)!;
    this.changes.application(applicationCell(person.attributes, application.wave, application.outcome, application.rejectionReason), 1);
    if (!person.after || application.wave > person.after.wave) person.after = application;
    if (application.outcome === Outcome.ACCEPTED) this.acceptedPerWave.set(application.wave, (this.acceptedPerWave.get(application.wave) ?? 0) + 1);
  }

  /** Adds the person-cell changes: people follow their latest application. */
  finish(): CountChanges {
    for (const { attributes, before, after } of this.people.values()) {
      if (!after || after === before) continue;
      if (before) this.changes.movePerson(personCell(attributes, before.outcome, before.rejectionReason), personCell(attributes, after.outcome, after.rejectionReason));
      else this.changes.person(personCell(attributes, after.outcome, after.rejectionReason), 1);
    }
    return this.changes;
  }
}

/**
 * Writes one prepared batch in one transaction (see the module comment). Rows must be in file
 * order; each person's subject is carried by its first row in the batch. Side effects: inserts
 * into subject, data_key, vault_entry, application; updates wave.accepted_count (historical
 * acceptances are not checked against the quota); CountStore.write. Throws (and rolls back) on
 * any database error; nothing is logged.
 */
export async function writePreparedBatch(database: Database, counts: CountStore, rows: readonly PreparedApplication[]): Promise<BatchWriteResult> {
  return database.fork().transactional(async (tx: EntityManager) => {
    const trx = tx.getTransactionContext<Knex.Transaction>();
    if (!trx) throw new Error('writePreparedBatch: no transaction context');
    const connection: unknown = await trx.client.acquireConnection();
    const touched = new PeopleTouched();
    const result =
      database.dialect === 'postgresql'
        ? await writePostgres(connection as PgClient, rows, touched)
        : writeSqlite(connection as SqliteDatabase, rows, touched);
    for (const [wave, accepted] of touched.acceptedPerWave) {
      await tx.execute('update wave set accepted_count = accepted_count + ? where number = ?', [accepted, wave], 'run');
    }
    await counts.write(tx, touched.finish());
    return result;
  });
}

// ---------------------------------------------------------------------------------------------
// SQLite: prepared statements on the raw better-sqlite3 handle of the open transaction.

interface SqliteStatement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
}
interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
}

const SUBJECT_COLUMNS =
  'id, nik_token, phone_token, email_token, province_code, regency_code, gender, age_band, education, employment_status, state, registered_at';
const VAULT_COLUMNS = 'subject_id, nik, full_name, birth_date, email, phone, address_line';
const APPLICATION_COLUMNS = 'id, subject_id, wave_number, outcome, rejection_reason, registered_at, decided_at';

function sqliteStatements(db: SqliteDatabase) {
  // Random keys (UUIDs, HMAC tokens) touch pages all over each index; the default 2 MB page cache
  // turns that into re-reads once the tables outgrow it. 128 MB per connection, freed with it.
  db.prepare('pragma cache_size = -131072').run();
  return {
    subject: db.prepare(`insert into subject (${SUBJECT_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'ACTIVE', ?) on conflict (nik_token) do nothing`),
    dataKey: db.prepare('insert into data_key (subject_id, kek_id, wrapped_key) values (?, ?, ?)'),
    vault: db.prepare(`insert into vault_entry (${VAULT_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?)`),
    findSubject: db.prepare(
      'select id, state, province_code as provinceCode, gender, age_band as ageBand, education, employment_status as employmentStatus from subject where nik_token = ?',
    ),
    latest: db.prepare('select wave_number as wave, outcome, rejection_reason as rejectionReason from application where subject_id = ? order by wave_number desc limit 1'),
    application: db.prepare(`insert into application (${APPLICATION_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?) on conflict (subject_id, wave_number) do nothing`),
  };
}

const sqliteStatementCache = new WeakMap<SqliteDatabase, ReturnType<typeof sqliteStatements>>();

function writeSqlite(db: SqliteDatabase, rows: readonly PreparedApplication[], touched: PeopleTouched): BatchWriteResult {
  let statements = sqliteStatementCache.get(db);
  if (!statements) {
    statements = sqliteStatements(db);
    sqliteStatementCache.set(db, statements);
  }
  const result: BatchWriteResult = { applicationsStored: 0, subjectsCreated: 0, alreadyStored: 0, rejects: [] };
  const subjectOf = new Map<string, { id: string; restricted: boolean }>();
  for (const row of rows) {
    const s = row.subject;
    if (s && statements.subject.run(s.id, row.nikToken, s.phoneToken, s.emailToken, s.provinceCode, s.regencyCode, s.gender, s.ageBand, s.education, s.employmentStatus, s.registeredAt).changes === 1) {
      statements.dataKey.run(s.id, s.kekId, s.wrappedKey);
      statements.vault.run(s.id, s.nik, s.fullName, s.birthDate, s.email, s.phone, s.addressLine);
      result.subjectsCreated += 1;
      subjectOf.set(row.nikToken, { id: s.id, restricted: false });
      touched.subject(s.id, s, null);
    }
    let subject = subjectOf.get(row.nikToken);
    if (!subject) {
      const found = statements.findSubject.get(row.nikToken) as (Attributes & { id: string; state: string }) | undefined;
      if (!found) throw new Error('writePreparedBatch: a row has no subject (rows must carry the subject on their first occurrence)');
      subject = { id: found.id, restricted: found.state === 'RESTRICTED' };
      subjectOf.set(row.nikToken, subject);
      if (!subject.restricted) touched.subject(found.id, found, (statements.latest.get(found.id) as Latest | undefined) ?? null);
    }
    if (subject.restricted) {
      result.rejects.push({ line: row.line, code: 'SUBJECT_RESTRICTED' });
      continue;
    }
    if (statements.application.run(row.id, subject.id, row.wave, row.outcome, row.rejectionReason, row.registeredAt, row.decidedAt).changes === 1) {
      result.applicationsStored += 1;
      touched.inserted(subject.id, row);
    } else {
      result.alreadyStored += 1;
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL: COPY into temporary staging tables (per session, emptied at commit), then set-based
// inserts that skip what is already there.

const STAGING_DDL = [
  'create temp table if not exists ingest_subject (id uuid, nik_token text, phone_token text, email_token text, province_code text, regency_code text, ' +
    'gender text, age_band text, education text, employment_status text, registered_at timestamptz, kek_id text, wrapped_key text, ' +
    'nik text, full_name text, birth_date text, email text, phone text, address_line text) on commit delete rows',
  'create temp table if not exists ingest_application (id uuid, nik_token text, wave_number int, outcome text, rejection_reason text, ' +
    'registered_at timestamptz, decided_at timestamptz, line bigint) on commit delete rows',
];

const INSERT_SUBJECTS =
  `with inserted as (insert into subject (${SUBJECT_COLUMNS}) ` +
  `select id, nik_token, phone_token, email_token, province_code, regency_code, gender, age_band, education, employment_status, 'ACTIVE', registered_at ` +
  'from ingest_subject on conflict (nik_token) do nothing returning id), ' +
  'keys as (insert into data_key (subject_id, kek_id, wrapped_key) select s.id, s.kek_id, s.wrapped_key from ingest_subject s join inserted i on i.id = s.id) ' +
  `insert into vault_entry (${VAULT_COLUMNS}) select s.id, s.nik, s.full_name, s.birth_date, s.email, s.phone, s.address_line ` +
  'from ingest_subject s join inserted i on i.id = s.id returning subject_id';

const INSERT_APPLICATIONS =
  `insert into application (${APPLICATION_COLUMNS}) ` +
  'select a.id, s.id, a.wave_number, a.outcome, a.rejection_reason, a.registered_at, a.decided_at ' +
  "from ingest_application a join subject s on s.nik_token = a.nik_token where s.state <> 'RESTRICTED' " +
  'on conflict (subject_id, wave_number) do nothing returning id, subject_id, wave_number, outcome, rejection_reason';

const RESTRICTED_LINES =
  "select a.line from ingest_application a join subject s on s.nik_token = a.nik_token where s.state = 'RESTRICTED' order by a.line";

const EXISTING_PEOPLE =
  'select a.id, a.subject_id, a.wave_number, a.outcome, a.rejection_reason, s.province_code, s.gender, s.age_band, s.education, s.employment_status ' +
  'from application a join subject s on s.id = a.subject_id where a.subject_id = any($1::uuid[])';

/** COPY text format: backslash, tab, newline and carriage return escaped; null as \N. */
function copyValue(value: string | number | null): string {
  if (value === null) return '\\N';
  const text = String(value);
  return /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : text;
}

function copyLine(values: Array<string | number | null>): string {
  let line = copyValue(values[0]!);
  for (let i = 1; i < values.length; i++) line += `\t${copyValue(values[i]!)}`;
  return `${line}\n`;
}

async function copyInto(client: PgClient, table: string, lines: string[]): Promise<void> {
  if (lines.length === 0) return;
  await pipeline(Readable.from([lines.join('')]), client.query(copyFrom(`copy ${table} from stdin`)));
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

async function writePostgres(client: PgClient, rows: readonly PreparedApplication[], touched: PeopleTouched): Promise<BatchWriteResult> {
  for (const ddl of STAGING_DDL) await client.query(ddl);
  const subjectLines: string[] = [];
  const applicationLines: string[] = [];
  const newSubjects = new Map<string, PreparedSubject>();
  for (const row of rows) {
    const s = row.subject;
    if (s) {
      newSubjects.set(s.id, s);
      subjectLines.push(
        copyLine([s.id, row.nikToken, s.phoneToken, s.emailToken, s.provinceCode, s.regencyCode, s.gender, s.ageBand, s.education, s.employmentStatus,
          iso(s.registeredAt), s.kekId, s.wrappedKey, s.nik, s.fullName, s.birthDate, s.email, s.phone, s.addressLine]),
      );
    }
    applicationLines.push(copyLine([row.id, row.nikToken, row.wave, row.outcome, row.rejectionReason, iso(row.registeredAt), iso(row.decidedAt), row.line]));
  }
  await copyInto(client, 'ingest_subject', subjectLines);
  await copyInto(client, 'ingest_application', applicationLines);

  const created = subjectLines.length > 0 ? (await client.query<{ subject_id: string }>(INSERT_SUBJECTS)).rows : [];
  for (const { subject_id: id } of created) touched.subject(id, newSubjects.get(id)!, null);
  const inserted = (await client.query<{ id: string; subject_id: string; wave_number: number; outcome: Outcome; rejection_reason: RejectionReason | null }>(INSERT_APPLICATIONS)).rows;

  // Applications added to people stored by earlier batches or runs: their other applications
  // decide the person cell they leave.
  const existing = [...new Set(inserted.filter((a) => !touched.has(a.subject_id)).map((a) => a.subject_id))];
  if (existing.length > 0) {
    const insertedIds = new Set(inserted.map((a) => a.id));
    const all = (await client.query<{ id: string; subject_id: string; wave_number: number; outcome: Outcome; rejection_reason: RejectionReason | null; province_code: string; gender: Gender; age_band: AgeBand; education: Education; employment_status: EmploymentStatus }>(EXISTING_PEOPLE, [existing])).rows;
    const before = new Map<string, Latest | null>();
    const attributes = new Map<string, Attributes>();
    for (const a of all) {
      attributes.set(a.subject_id, { provinceCode: a.province_code, gender: a.gender, ageBand: a.age_band, education: a.education, employmentStatus: a.employment_status });
      if (insertedIds.has(a.id)) continue;
      const previous = before.get(a.subject_id);
      if (!previous || a.wave_number > previous.wave) before.set(a.subject_id, { wave: a.wave_number, outcome: a.outcome, rejectionReason: a.rejection_reason });
    }
    for (const id of existing) touched.subject(id, attributes.get(id)!, before.get(id) ?? null);
  }
  // Insertion order within a subject does not matter: `inserted` keeps the highest wave.
  for (const a of inserted) touched.inserted(a.subject_id, { wave: a.wave_number, outcome: a.outcome, rejectionReason: a.rejection_reason });

  const rejects: RejectedRow[] = [];
  if (inserted.length < rows.length) {
    for (const { line } of (await client.query<{ line: string }>(RESTRICTED_LINES)).rows) rejects.push({ line: Number(line), code: 'SUBJECT_RESTRICTED' });
  }
  return {
    applicationsStored: inserted.length,
    subjectsCreated: created.length,
    alreadyStored: rows.length - inserted.length - rejects.length,
    rejects,
  };
}
