import { Router } from 'express';
import { isDatabaseReachable, type Database } from '../database/orm';

/** A database that has not answered `select 1` by then is not ready, whatever it does later. */
const READINESS_TIMEOUT_MS = 2_000;

async function databaseAnswers(database: Database): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), READINESS_TIMEOUT_MS);
  });
  try {
    return await Promise.race([isDatabaseReachable(database), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Liveness (the process answers) and readiness (the database answers a trivial query within 2 s,
 * asked afresh on every probe, so it turns 503 while the database is down and 200 again when it
 * is back). No authentication, no data.
 */
export function healthRoutes(database: Database): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const ready = await databaseAnswers(database);
    res.status(ready ? 200 : 503).set('Cache-Control', 'no-store').json({ status: ready ? 'ready' : 'database unreachable' });
  });
  return router;
}
