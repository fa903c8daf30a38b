import { Router } from 'express';
import { isDatabaseReachable, type Database } from '../database/orm';

/** Liveness (the process answers) and readiness (the database answers). No authentication, no data. */
export function healthRoutes(database: Database): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const ready = await isDatabaseReachable(database);
    res.status(ready ? 200 : 503).set('Cache-Control', 'no-store').json({ status: ready ? 'ready' : 'database unreachable' });
  });
  return router;
}
