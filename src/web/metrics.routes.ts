import { Router } from 'express';
import type { Metrics } from '../observability/metrics';

/**
 * `GET /metrics`: Prometheus text, no authentication (scrapers run beside the process). Holds
 * counts and timings only; every label comes from a closed set (see observability/metrics.ts).
 */
export function metricsRoutes(metrics: Metrics): Router {
  const router = Router();
  router.get('/metrics', async (_req, res, next) => {
    try {
      const text = await metrics.text();
      res.set('Content-Type', metrics.contentType).set('Cache-Control', 'no-store').send(text);
    } catch (error) {
      next(error);
    }
  });
  return router;
}
