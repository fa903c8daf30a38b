import type { Config } from './config';
import { createLogger } from './observability/logger';
import { createSamaranServer } from './server';

/** How long in-flight requests may take to finish after SIGTERM before the process gives up. */
const SHUTDOWN_DEADLINE_MS = 30_000;

/**
 * `samaran serve`: start, listen, and shut down gracefully on SIGTERM/SIGINT — stop accepting
 * connections, let in-flight requests finish, close the database, exit 0 (1 if that fails or
 * takes longer than 30 s). Start-up failures (bad configuration, keys, database, port) reject
 * with the cause's message; the CLI prints it on one line and exits 1.
 */
export async function createServerAndServe(config: Config): Promise<void> {
  const logger = createLogger(config);
  const started = Date.now();
  const server = await createSamaranServer(config, { logger });
  let url: string;
  try {
    url = await server.listen();
  } catch (error) {
    await server.close().catch(() => undefined);
    throw new Error(`cannot listen on ${config.host}:${config.port}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  logger.info({ url: `${url}/graphql`, startupMs: Date.now() - started }, 'ready');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    const shutdownStarted = Date.now();
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error({ deadlineMs: SHUTDOWN_DEADLINE_MS }, 'shutdown deadline passed: exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    server.close().then(
      () => {
        logger.info({ shutdownMs: Date.now() - shutdownStarted }, 'stopped: requests drained, database closed');
        logger.flush?.();
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ errorName: error instanceof Error ? error.name : typeof error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
