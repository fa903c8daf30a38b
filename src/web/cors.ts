import cors from 'cors';
import type { RequestHandler } from 'express';
import type { Config } from '../config';

/**
 * CORS for /graphql from the `SAMARAN_CORS_ORIGINS` allowlist (exact origins). An origin not on
 * the list — and every origin when the list is empty, the default — gets no CORS headers, so
 * browsers keep other sites' pages from reading answers. Bearer tokens, not cookies: no credentials.
 */
export function corsAllowlist(config: Pick<Config, 'corsOrigins'>): RequestHandler {
  const allowed = new Set(config.corsOrigins);
  return cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'POST'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Apollo-Require-Preflight', 'X-Request-Id'],
    exposedHeaders: ['X-Request-Id', 'Retry-After'],
    credentials: false,
    maxAge: 600,
  });
}
