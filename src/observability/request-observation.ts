import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Request, RequestHandler, Response } from 'express';
import { Kind, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { Logger } from 'pino';
import type { Metrics } from './metrics';

/**
 * One observation per HTTP request: its id, the principal's `sub`, the GraphQL operation's shape
 * and the error codes answered. It feeds exactly one access line in the log and the request
 * metrics when the response is finished. It never holds a variable, a header value or a body.
 */
export interface RequestObservation {
  readonly requestId: string;
  readonly started: bigint;
  sub?: string;
  operation?: { type: string; rootFields: string[]; name?: string };
  readonly codes: string[];
}

const storage = new AsyncLocalStorage<RequestObservation>();

/** The observation of the request being handled, where the handling started inside `bindObservation`. */
export function currentObservation(): RequestObservation | undefined {
  return storage.getStore();
}

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
/** Client-chosen operation names go to the log only when they look like identifiers, not data. */
const SAFE_OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const LONG_DIGIT_RUN = /\d{5,}/;
/** Paths logged by name; anything else is logged as `other` (a scanner's URL may carry anything). */
const KNOWN_PATHS = new Set(['/graphql', '/graphiql', '/', '/healthz', '/readyz', '/metrics']);
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

export function observationOf(res: Response): RequestObservation | undefined {
  return res.locals.observation as RequestObservation | undefined;
}

/**
 * Express middleware, first in the chain: assigns the request id (a well-formed `X-Request-Id`
 * from the client, else a random UUID), echoes it in the response, and on finish writes one
 * access line — GraphQL requests at info, health and metrics probes at debug — and records the
 * GraphQL request metrics.
 */
export function observeRequests(logger: Logger, metrics: Metrics): RequestHandler {
  return (req: Request, res: Response, next) => {
    const headerId = req.headers['x-request-id'];
    const observation: RequestObservation = {
      requestId: typeof headerId === 'string' && REQUEST_ID_PATTERN.test(headerId) ? headerId : randomUUID(),
      started: process.hrtime.bigint(),
      codes: [],
    };
    res.locals.observation = observation;
    res.setHeader('X-Request-Id', observation.requestId);
    const path = KNOWN_PATHS.has(req.path) ? req.path : 'other';
    let done = false;
    const finish = (aborted: boolean) => {
      if (done) return;
      done = true;
      const seconds = Number(process.hrtime.bigint() - observation.started) / 1e9;
      const status = aborted && !res.writableFinished ? 499 : res.statusCode;
      const line = {
        requestId: observation.requestId,
        sub: observation.sub,
        method: req.method,
        path,
        status,
        durationMs: Math.round(seconds * 10_000) / 10,
      };
      if (path !== '/graphql') {
        logger[QUIET_PATHS.has(path) ? 'debug' : 'info'](line, 'request');
        return;
      }
      const operationLabel = metrics.operationLabel(observation.operation?.rootFields);
      metrics.observeRequest(operationLabel, status, seconds);
      for (const code of observation.codes) metrics.recordRefusal(code);
      const name = observation.operation?.name;
      logger.info(
        {
          ...line,
          operationType: observation.operation?.type,
          operation: operationLabel,
          operationName: name && SAFE_OPERATION_NAME.test(name) && !LONG_DIGIT_RUN.test(name) ? name : undefined,
          errors: observation.codes.length ? observation.codes : undefined,
        },
        'graphql request',
      );
    };
    res.once('finish', () => finish(false));
    res.once('close', () => finish(true));
    // Debug only: lets an operator (or the shutdown test) see a request in flight before it ends.
    logger.debug({ requestId: observation.requestId, method: req.method, path }, 'request received');
    next();
  };
}

/**
 * Express middleware placed just before Apollo: runs the rest of the request inside the
 * observation's async context, so `formatError` and plugins can record into it.
 */
export function bindObservation(): RequestHandler {
  return (_req, res, next) => {
    const observation = observationOf(res);
    if (!observation) return next();
    storage.run(observation, next);
  };
}

function rootFieldNames(selectionSet: SelectionSetNode, document: DocumentNode, seen = new Set<string>()): string[] {
  const names: string[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) names.push(selection.name.value);
    else if (selection.kind === Kind.INLINE_FRAGMENT) names.push(...rootFieldNames(selection.selectionSet, document, seen));
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = document.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === selection.name.value);
      if (fragment?.kind === Kind.FRAGMENT_DEFINITION) names.push(...rootFieldNames(fragment.selectionSet, document, seen));
    }
  }
  return names;
}

/** Apollo plugin: records the resolved operation's type, root fields (schema names) and name. */
export function operationObserver(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document }) {
          const observation = currentObservation();
          if (!observation || !operation) return;
          observation.operation = {
            type: (operation as OperationDefinitionNode).operation,
            rootFields: rootFieldNames(operation.selectionSet, document),
            name: operation.name?.value,
          };
        },
      };
    },
  };
}
