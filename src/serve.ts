import type { Config } from './config';
import { createLogger } from './observability/logger';
import { createSamaranServer } from './server';

/** `samaran serve`: start, listen, and shut down gracefully on SIGTERM/SIGINT. */
export async function createServerAndServe(config: Config): Promise<void> {
  const logger = createLogger(config);
  const started = Date.now();
  const server = await createSamaranServer(config, { logger });
  const url = await server.listen();
  logger.info({ url: `${url}/graphql`, startupMs: Date.now() - started }, 'ready');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining in-flight requests');
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
