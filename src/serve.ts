import cluster, { type Worker } from 'node:cluster';
import { RateLimiterClusterMaster } from 'rate-limiter-flexible';
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
  if (config.workers > 1 && cluster.isPrimary) return superviseWorkers(config);
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
  // A worker leaves SIGINT (a terminal's Ctrl-C reaches the whole process group) to the primary, which sends SIGTERM.
  process.on('SIGINT', () => (cluster.isWorker ? undefined : stop('SIGINT')));
}

/**
 * `SAMARAN_WORKERS` > 1: this process migrates the database, generates development keys and
 * loads the demo data once (by building the server and closing it again), then runs that many
 * worker processes listening on one port (node:cluster hands out connections). It holds the
 * shared reveal budget, replaces a worker that dies, and on SIGTERM/SIGINT passes the signal on
 * and exits when every worker has drained (1 if one failed to).
 *
 * Per worker: its own database pool and in-memory count cube (kept exact across processes by
 * the count journal, as with separate servers) and its own /metrics.
 */
async function superviseWorkers(config: Config): Promise<void> {
  const logger = createLogger(config);
  const started = Date.now();
  const preparation = await createSamaranServer(config, { logger });
  await preparation.close();
  new RateLimiterClusterMaster();
  const workerEnv = { SAMARAN_DEMO: 'off' };
  let stopping = false;
  let failed = false;
  let listening = 0;
  const fork = (): Worker => cluster.fork(workerEnv);
  cluster.on('listening', () => {
    if (++listening === config.workers) logger.info({ workers: config.workers, startupMs: Date.now() - started }, 'all workers ready');
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (code !== 0) failed = true;
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(failed ? 1 : 0);
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'worker died: starting another');
    setTimeout(fork, 1_000).unref();
  });
  for (let i = 0; i < config.workers; i++) fork();
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down workers');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    setTimeout(() => process.exit(1), SHUTDOWN_DEADLINE_MS + 5_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
