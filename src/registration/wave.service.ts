import type { EntityManager } from '@mikro-orm/knex';
import { InputError, StateError } from '../errors';
import { Wave } from './wave.entity';

export interface OpenWaveInput {
  number: number;
  opensAt: Date;
  closesAt: Date;
  quota: number;
}

const MAX_WAVE_NUMBER = 10_000;
const MAX_QUOTA = 100_000_000;

/** Intake waves: opening them, checking they are open, and spending their quota. */
export class WaveService {
  constructor(private readonly now: () => Date) {}

  /** Lists every wave by number. Reads only. */
  list(em: EntityManager): Promise<Wave[]> {
    return em.find(Wave, {}, { orderBy: { number: 'asc' } });
  }

  /**
   * Opens a wave (windows may overlap). Writes one row and flushes.
   * Raises BAD_USER_INPUT (number, quota, closesAt) and CONFLICT when the number exists.
   */
  async open(em: EntityManager, input: OpenWaveInput): Promise<Wave> {
    if (!Number.isInteger(input.number) || input.number < 1 || input.number > MAX_WAVE_NUMBER) {
      throw InputError.invalid('number', `must be a whole number from 1 to ${MAX_WAVE_NUMBER}`);
    }
    if (!Number.isInteger(input.quota) || input.quota < 0 || input.quota > MAX_QUOTA) {
      throw InputError.invalid('quota', `must be a whole number from 0 to ${MAX_QUOTA}`);
    }
    if (!(input.closesAt.getTime() > input.opensAt.getTime())) {
      throw InputError.invalid('closesAt', 'must be after opensAt');
    }
    if (await em.count(Wave, { number: input.number })) throw StateError.conflict(`wave ${input.number} already exists`);
    const wave = em.create(Wave, {
      number: input.number,
      opensAt: input.opensAt,
      closesAt: input.closesAt,
      quota: input.quota,
      acceptedCount: 0,
      createdAt: this.now(),
    });
    await em.flush();
    return wave;
  }

  /** The wave if it is open at `at` (opensAt ≤ at < closesAt). Raises BAD_USER_INPUT (unknown wave) or WAVE_CLOSED. */
  async requireOpen(em: EntityManager, number: number, at: Date): Promise<Wave> {
    const wave = await em.findOne(Wave, { number });
    if (!wave) throw InputError.invalid('wave', 'no such wave');
    if (at < wave.opensAt || at >= wave.closesAt) throw StateError.waveClosed(number);
    return wave;
  }

  /**
   * Spends one place of the wave's quota with a single conditional UPDATE, so concurrent
   * acceptances can never exceed it. Raises CONFLICT when the quota is exhausted.
   */
  async takeAcceptancePlace(em: EntityManager, number: number): Promise<void> {
    const updated = await em.execute('update wave set accepted_count = accepted_count + 1 where number = ? and accepted_count < quota', [number], 'run');
    if (affectedRows(updated) !== 1) throw StateError.conflict(`wave ${number} has no acceptance places left`);
  }
}

export function affectedRows(result: unknown): number {
  const value = result as { affectedRows?: number; changes?: number; rowCount?: number };
  return value.affectedRows ?? value.changes ?? value.rowCount ?? 0;
}
