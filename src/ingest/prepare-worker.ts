import 'reflect-metadata';
import { workerData } from 'node:worker_threads';
import { Keyring } from '../pseudonymization/keyring';
import { createPreparer, type PrepareTask, type PreparedBatch } from './prepare';

/**
 * Piscina worker: loads the keyring from the keys file path it is given (keys never cross a
 * thread boundary in a message) and prepares batches. See prepare.ts.
 */
const prepare = createPreparer(Keyring.fromFile((workerData as { keysFile: string }).keysFile));

export default function prepareInWorker(task: PrepareTask): PreparedBatch {
  return prepare(task);
}
