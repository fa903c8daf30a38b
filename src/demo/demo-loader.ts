import { randomUUID } from 'node:crypto';
import type { RequiredEntityData } from '@mikro-orm/core';
import { applicationCell, personCell } from '../accountability/cells';
import { CountChanges } from '../accountability/count-changes';
import type { EntityManager } from '@mikro-orm/knex';
import { DataKey } from '../pseudonymization/data-key.entity';
import { VaultEntry } from '../pseudonymization/vault-entry.entity';
import { checkRegistrant } from '../registration/registrant';
import { Wave } from '../registration/wave.entity';
import type { Services } from '../services';
import { Application } from '../subjects/application.entity';
import { Subject } from '../subjects/subject.entity';
import { Outcome, SubjectState } from '../subjects/subject.enums';
import { demoWaves, syntheticRegistrants, type DemoWave } from './synthetic-registrants';

export interface DemoLoadResult {
  registrants: number;
  applications: number;
  skipped: number;
  milliseconds: number;
}

const BATCH_SIZE = 2_000;

/**
 * Loads the synthetic demo dataset when the database holds no wave and no subject; otherwise
 * does nothing. Logs the sizes and duration (never a value).
 */
export async function loadDemoIfEmpty(services: Services): Promise<DemoLoadResult | null> {
  const em = services.database.fork();
  if ((await em.count(Wave)) > 0 || (await em.count(Subject)) > 0) return null;
  const result = await loadDemo(services, { registrants: services.config.demoRegistrants, seed: 20261123 });
  services.logger.info(result, 'demo dataset loaded');
  return result;
}

/**
 * Writes the demo waves and `registrants` synthetic people through the same door as `register`
 * (validated, tokenized, sealed) but in bulk: one multi-row insert per table and batch, one
 * transaction per batch. Writes waves, subjects, vault entries, data keys and applications.
 */
export async function loadDemo(services: Services, options: { registrants: number; seed: number }): Promise<DemoLoadResult> {
  const started = Date.now();
  const now = services.now();
  const waves = demoWaves(now, options.registrants);
  const em = services.database.fork();
  await em.insertMany(
    Wave,
    waves.map((wave) => ({ ...wave, acceptedCount: 0, createdAt: now })),
  );
  const waveByNumber = new Map<number, DemoWave>(waves.map((wave) => [wave.number, wave]));
  const accepted = new Map<number, number>();
  let batch: ReturnType<typeof emptyBatch> = emptyBatch();
  let registrants = 0;
  let applications = 0;
  let skipped = 0;

  for (const person of syntheticRegistrants({ count: options.registrants, seed: options.seed, waves, now })) {
    const firstWave = waveByNumber.get(person.applications[0]!.wave)!;
    const checked = checkRegistrant(person, firstWave.opensAt);
    if (!checked.ok) {
      skipped += 1;
      continue;
    }
    const registrant = checked.registrant;
    const id = randomUUID();
    const sealed = services.sealer.seal(id, registrant);
    batch.dataKeys.push({ subjectId: id, kekId: sealed.dataKey.kekId, wrappedKey: sealed.dataKey.wrappedKey });
    batch.vault.push({
      subjectId: id,
      nik: sealed.fields.nik!,
      fullName: sealed.fields.fullName!,
      birthDate: sealed.fields.birthDate!,
      email: sealed.fields.email,
      phone: sealed.fields.phone,
      addressLine: sealed.fields.addressLine,
    });
    batch.subjects.push({
      id,
      nikToken: services.tokenizer.nikToken(registrant.nik),
      phoneToken: services.tokenizer.phoneToken(registrant.phone),
      emailToken: services.tokenizer.emailToken(registrant.email),
      provinceCode: registrant.provinceCode,
      regencyCode: registrant.regencyCode,
      gender: registrant.gender,
      ageBand: registrant.ageBand,
      education: registrant.education,
      employmentStatus: registrant.employmentStatus,
      state: SubjectState.ACTIVE,
      registeredAt: firstWave.opensAt,
    });
    const latest = person.applications.reduce((a, b) => (b.wave > a.wave ? b : a));
    batch.counts.person(personCell(registrant, latest.outcome, latest.rejectionReason), 1);
    for (const application of person.applications) {
      const wave = waveByNumber.get(application.wave)!;
      batch.counts.application(applicationCell(registrant, wave.number, application.outcome, application.rejectionReason), 1);
      const decided = application.outcome !== Outcome.PENDING;
      if (application.outcome === Outcome.ACCEPTED) accepted.set(wave.number, (accepted.get(wave.number) ?? 0) + 1);
      batch.applications.push({
        id: randomUUID(),
        subject: id,
        wave: wave.number,
        outcome: application.outcome,
        rejectionReason: application.rejectionReason,
        registeredAt: wave.opensAt,
        decidedAt: decided ? wave.closesAt : null,
      });
      applications += 1;
    }
    registrants += 1;
    if (batch.subjects.length >= BATCH_SIZE) {
      await writeBatch(services, batch);
      batch = emptyBatch();
    }
  }
  if (batch.subjects.length > 0) await writeBatch(services, batch);
  for (const [number, count] of accepted) {
    await em.nativeUpdate(Wave, { number }, { acceptedCount: count });
  }
  return { registrants, applications, skipped, milliseconds: Date.now() - started };
}

function emptyBatch() {
  return {
    subjects: [] as Array<Partial<Subject> & { id: string }>,
    vault: [] as Array<Partial<VaultEntry>>,
    dataKeys: [] as Array<Partial<DataKey>>,
    applications: [] as Array<RequiredEntityData<Application>>,
    counts: new CountChanges(),
  };
}

async function writeBatch(services: Services, batch: ReturnType<typeof emptyBatch>): Promise<void> {
  await services.database.fork().transactional(async (tx: EntityManager) => {
    await tx.insertMany(Subject, batch.subjects);
    await tx.insertMany(DataKey, batch.dataKeys);
    await tx.insertMany(VaultEntry, batch.vault);
    await tx.insertMany(Application, batch.applications);
    await services.counts.write(tx, batch.counts);
  });
}
