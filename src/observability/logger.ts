import cluster from 'node:cluster';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config } from '../config';

/**
 * Structured JSON logs. Callers log ids, codes and counts — never a personal value; as a second
 * line of defence the fields that could carry one (headers, variables, bodies) are redacted.
 */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    // Under SAMARAN_WORKERS each worker's lines say which worker wrote them.
    base: cluster.worker ? { service: 'samaran', worker: cluster.worker.id } : { service: 'samaran' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'variables', 'body', 'input', '*.variables', '*.input'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
