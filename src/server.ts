import 'reflect-metadata';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { createFormatError, sentValueScrubber } from './api/error-masking';
import { PersonalDataRateLimiter } from './api/personal-data-guard';
import { costLimitPlugin, LIMIT_VALIDATION_RULES, QUERY_LIMITS } from './api/query-limits';
import { buildSamaranSchema } from './api/schema';
import { compiledExecution } from './api/compiled-execution';
import { bearerToken, TokenVerifier } from './auth/token-verifier';
import type { Config } from './config';
import { LazyRequestContext, type RequestContext } from './context';
import { openDatabase, type Database } from './database/orm';
import { loadDemoIfEmpty } from './demo/demo-loader';
import { AuthError } from './errors';
import { createLogger } from './observability/logger';
import { Metrics } from './observability/metrics';
import { bindObservation, observationOf, observeRequests, operationObserver } from './observability/request-observation';
import { loadKeyring } from './pseudonymization/key-loading';
import { createServices, type Services } from './services';
import { corsAllowlist } from './web/cors';
import { developmentTokenRoutes } from './web/dev-token.routes';
import { expressHttpClasses } from './web/express-classes';
import { healthRoutes } from './web/health.routes';
import { metricsRoutes } from './web/metrics.routes';
import { webRoutes } from './web/web.routes';

export interface SamaranServer {
  readonly services: Services;
  readonly httpServer: http.Server;
  /** Starts listening; resolves with the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Stops accepting, drains in-flight requests, closes the database. */
  close(): Promise<void>;
}

export interface ServerOptions {
  logger?: Logger;
  /** Service clock override (tests). */
  now?: () => Date;
}

/** Request bodies above this are refused with 413 before parsing. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Builds the whole process: keys, database (migrated), services, GraphQL and HTTP routes, and the
 * demo dataset when enabled and the database is empty. Raises ConfigError / KeyringError with a
 * clear message when the configuration cannot work.
 */
export async function createSamaranServer(config: Config, options: ServerOptions = {}): Promise<SamaranServer> {
  const logger = options.logger ?? createLogger(config);
  const keyring = loadKeyring(config, logger);
  const verifier = await TokenVerifier.create(config);
  const database: Database = await openDatabase(config);
  const metrics = new Metrics();
  metrics.watchDatabasePool(database);
  const services = createServices(config, database, keyring, logger, options.now, metrics);
  const rateLimiter = new PersonalDataRateLimiter(config.revealRate);
  if (config.demo) await loadDemoIfEmpty(services);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  // Requests are built as express's own classes: see express-classes.ts (the latency tail).
  const httpServer = http.createServer(expressHttpClasses(app), app);

  const apollo = new ApolloServer<RequestContext>({
    // The schema, executed with graphql-jit once an operation repeats (see compiled-execution.ts).
    gateway: compiledExecution(buildSamaranSchema()),
    introspection: config.introspection,
    // Never a stack trace in a response, in any environment: unexpected errors are masked and logged.
    includeStacktraceInErrorResponses: false,
    // No "Did you mean …?" schema hints for clients in production.
    hideSchemaDetailsFromClientErrors: config.env === 'production',
    csrfPrevention: true,
    // `samaran serve` drains and exits on SIGTERM/SIGINT itself; Apollo's own handlers would stop
    // the server and re-send the signal, cutting the drain short.
    stopOnTerminationSignals: false,
    allowBatchedHttpRequests: false,
    parseOptions: { maxTokens: QUERY_LIMITS.maxTokens },
    validationRules: LIMIT_VALIDATION_RULES,
    formatError: createFormatError(logger),
    // Cache control is off: no response is cacheable (every one depends on the bearer), and its
    // per-field hook would wrap every field of every count cell.
    plugins: [ApolloServerPluginCacheControlDisabled(), ApolloServerPluginDrainHttpServer({ httpServer }), operationObserver(), costLimitPlugin(), sentValueScrubber()],
  });
  await apollo.start();

  app.use(observeRequests(logger, metrics));
  app.use(healthRoutes(database));
  app.use(metricsRoutes(metrics));
  app.use(
    '/graphql',
    corsAllowlist(config),
    express.json({ limit: BODY_LIMIT_BYTES }),
    bindObservation(),
    expressMiddleware(apollo, {
      context: async ({ req, res }): Promise<RequestContext> => {
        const observation = observationOf(res)!;
        const token = bearerToken(req.headers.authorization);
        if (!token) throw AuthError.unauthenticated('send Authorization: Bearer <JWT>');
        const principal = await verifier.verify(token);
        observation.sub = principal.sub;
        const { requestId } = observation;
        return new LazyRequestContext(principal, requestId, services, rateLimiter, {
          forkEntityManager: () => database.fork(),
          childLogger: () => logger.child({ requestId, sub: principal.sub }),
        });
      },
    }),
  );
  app.use(developmentTokenRoutes(config, logger));
  app.use(webRoutes(config));
  const bodyErrors: ErrorRequestHandler = (error: { type?: string; status?: number }, _req, res, next) => {
    const observation = observationOf(res);
    if (error?.type === 'entity.too.large') {
      observation?.codes.push('PAYLOAD_TOO_LARGE');
      res.status(413).json({ errors: [{ message: 'Request body too large', extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
    } else if (error?.type === 'entity.parse.failed' || error?.type === 'encoding.unsupported' || error?.type === 'charset.unsupported') {
      observation?.codes.push('BAD_REQUEST');
      res.status(400).json({ errors: [{ message: 'Malformed request body', extensions: { code: 'BAD_REQUEST' } }] });
    } else {
      next(error);
    }
  };
  app.use(bodyErrors);
  // Express's own 404 page echoes the path, and its error page shows stacks outside production.
  const notFound: RequestHandler = (_req, res) => {
    res.status(404).json({ errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
  };
  const lastResort: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    logger.error({ requestId: observationOf(res)?.requestId, errorName: error instanceof Error ? error.name : typeof error }, 'unexpected HTTP error masked');
    if (res.headersSent) return res.end();
    const status = typeof (error as { status?: unknown })?.status === 'number' && (error as { status: number }).status < 500 ? (error as { status: number }).status : 500;
    res.status(status).json({ errors: [{ message: status < 500 ? 'Bad request' : 'Internal server error', extensions: { code: status < 500 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR' } }] });
  };
  app.use(notFound);
  app.use(lastResort);

  return {
    services,
    httpServer,
    listen(port = config.port, host = config.host) {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          const address = httpServer.address() as AddressInfo;
          const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
          logger.info({ url }, 'samaran listening');
          resolve(url);
        });
      });
    },
    async close() {
      const wasListening = httpServer.listening;
      // Apollo's drain plugin closes the listener within a tick or two, then waits for in-flight requests.
      const stopped = apollo.stop();
      for (let turns = 0; httpServer.listening && turns < 1000; turns += 1) await new Promise((resolve) => setImmediate(resolve));
      if (wasListening) logger.info('stopped accepting connections; draining in-flight requests');
      await stopped;
      if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await database.close();
    },
  };
}
