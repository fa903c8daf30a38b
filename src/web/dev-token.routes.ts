import express, { Router } from 'express';
import type { Logger } from 'pino';
import { mintDevelopmentToken } from '../auth/development-keys';
import { isRole } from '../auth/role';
import type { Config } from '../config';

/** Loopback addresses, including IPv4 seen through an IPv6 socket. */
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

const AGENCY_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * `POST /dev/token` with JSON `{ "role": "REPORTER" }` (optionally `"agency"` for AGENCY) answers
 * `{ token, sub, roles, expiresIn }`: a one-hour development token signed with the data dir's
 * development key, for the GraphiQL page and the dashboard. Never mounted in production (the path
 * is a plain 404 there), and answers only callers on the loopback interface (403 otherwise), so a
 * development server bound to a LAN address does not hand out tokens to its neighbours. The body
 * must be `application/json`, which a cross-site form cannot send without a CORS preflight (and no
 * CORS is offered). Logs the role minted, nothing else.
 */
export function developmentTokenRoutes(config: Config, logger: Logger): Router {
  const router = Router();
  if (config.env === 'production') return router;
  router.post('/dev/token', express.json({ limit: '1kb' }), async (req, res, next) => {
    res.set('Cache-Control', 'no-store');
    if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) {
      res.status(403).json({ error: 'development tokens are given to loopback callers only' });
      return;
    }
    const body: unknown = req.body;
    const role = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).role : undefined;
    const agencyValue = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).agency : undefined;
    if (!isRole(role)) {
      res.status(400).json({ error: 'send JSON {"role": "REPORTER" | "ANALYST" | "OFFICER" | "AUDITOR" | "AGENCY" | "OPERATOR"}' });
      return;
    }
    let agency: string | undefined;
    if (role === 'AGENCY') {
      agency = agencyValue === undefined ? 'BUMN' : typeof agencyValue === 'string' && AGENCY_PATTERN.test(agencyValue) ? agencyValue : undefined;
      if (!agency) {
        res.status(400).json({ error: 'agency must be 1-32 letters, digits, "-" or "_"' });
        return;
      }
    }
    try {
      const sub = `dev-${role.toLowerCase()}`;
      const expiresIn = 3600;
      const token = await mintDevelopmentToken(config, { sub, roles: [role], agency, ttlSeconds: expiresIn });
      logger.info({ role }, 'development token minted for the browser');
      res.json({ token, sub, roles: [role], expiresIn, ...(agency ? { agency } : {}) });
    } catch (error) {
      next(error);
    }
  });
  return router;
}
