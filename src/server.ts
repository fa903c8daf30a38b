import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { createFormatError, sentValueScrubber } from './api/error-masking';
import { buildSamaranSchema } from './api/schema';
import { bearerToken, TokenVerifier } from './auth/token-verifier';
import type { Config } from './config';
import type { RequestContext } from './context';
import { openDatabase, type Database } from './database/orm';
import { loadDemoIfEmpty } from './demo/demo-loader';
import { AuthError } from './errors';
import { createLogger } from './observability/logger';
import { loadKeyring } from './pseudonymization/key-loading';
import { createServices, type Services } from './services';
import { developmentTokenRoutes } from './web/dev-token.routes';
import { healthRoutes } from './web/health.routes';
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

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const BODY_LIMIT = '1mb';

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
  const services = createServices(config, database, keyring, logger, options.now);
  if (config.demo) await loadDemoIfEmpty(services);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  const httpServer = http.createServer(app);

  const apollo = new ApolloServer<RequestContext>({
    schema: buildSamaranSchema(),
    introspection: true,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: config.env === 'production',
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    formatError: createFormatError(logger),
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), sentValueScrubber()],
  });
  await apollo.start();

  app.use(healthRoutes(database));
  app.use(
    '/graphql',
    express.json({ limit: BODY_LIMIT }),
    expressMiddleware(apollo, {
      context: async ({ req }): Promise<RequestContext> => {
        const headerId = req.headers['x-request-id'];
        const requestId = typeof headerId === 'string' && REQUEST_ID_PATTERN.test(headerId) ? headerId : randomUUID();
        const token = bearerToken(req.headers.authorization);
        if (!token) throw AuthError.unauthenticated('send Authorization: Bearer <JWT>');
        const principal = await verifier.verify(token);
        return { principal, requestId, em: database.fork(), services, log: logger.child({ requestId, sub: principal.sub }) };
      },
    }),
  );
  app.use(developmentTokenRoutes(config, logger));
  app.use(webRoutes(config));
  const bodyErrors: ErrorRequestHandler = (error: { type?: string; status?: number }, _req, res, next) => {
    if (error?.type === 'entity.too.large') {
      res.status(413).json({ errors: [{ message: 'Request body too large', extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
    } else if (error?.type === 'entity.parse.failed') {
      res.status(400).json({ errors: [{ message: 'Malformed JSON body', extensions: { code: 'BAD_REQUEST' } }] });
    } else {
      next(error);
    }
  };
  app.use(bodyErrors);

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
      await apollo.stop();
      if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await database.close();
    },
  };
}
