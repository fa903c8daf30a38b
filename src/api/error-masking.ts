import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { ErrorCode, LimitError, SamaranError } from '../errors';
import { currentObservation } from '../observability/request-observation';
import { isTokenLimitMessage, QUERY_LIMITS } from './query-limits';

/** Codes GraphQL and Apollo raise themselves for malformed requests: kept, but their messages are scrubbed. */
const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/**
 * GraphQL's own coercion messages quote the rejected value ("Variable "$input" got invalid value
 * "3171…""). These patterns cut the value out, whatever it is.
 */
const VALUE_QUOTING_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/got invalid value [\s\S]*?(?=; | at "|$)/g, 'got an invalid value'],
  [/found [\s\S]*?(?=;|\.\s*$|$)/g, 'found an invalid value'],
  [/(cannot represent[^:]*?(?:value|string)?)\s*:[\s\S]*$/gi, '$1.'],
  [/(cannot represent an invalid [\w-]+)[\s\S]*$/gi, '$1.'],
  [/Value "[\s\S]*?" does not exist in/g, 'Value does not exist in'],
  [/Unknown operation named "[\s\S]*?"/g, 'Unknown operation: the document has no operation of the name given in operationName'],
  [/(is not a valid [\w ]+?)\s*:[\s\S]*$/gi, '$1.'],
];

export function stripQuotedValues(message: string): string {
  return VALUE_QUOTING_PATTERNS.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), message);
}

/** The input field a coercion error is about: the last name in `at "input.birthDate"`. */
function fieldOf(message: string): string | undefined {
  const path = /at "([^"]+)"/.exec(message)?.[1];
  if (path) return path.split('.').pop()?.replace(/\[\d+\]$/, '');
  return /^Variable "\$(\w+)"/.exec(message)?.[1];
}

/** Our own error, wherever Apollo or GraphQL wrapped it. */
function deliberateError(error: unknown): SamaranError | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth += 1) {
    if (current instanceof SamaranError) return current;
    current = (current as { originalError?: unknown }).originalError;
  }
  return undefined;
}

/**
 * Apollo's formatError: our own errors pass as they are (they never quote values); GraphQL's
 * request errors keep their code with values stripped; everything else is masked as
 * INTERNAL_SERVER_ERROR with no detail, and logged by name only.
 */
export function createFormatError(logger: Logger) {
  const format = (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = deliberateError(error) ?? unwrapResolverError(error);
    if (original instanceof SamaranError) {
      const { http: _http, ...extensions } = original.extensions as Record<string, unknown>;
      return { message: original.message, locations: formatted.locations, path: formatted.path, extensions };
    }
    const code = formatted.extensions?.code;
    if (code === 'GRAPHQL_PARSE_FAILED' && isTokenLimitMessage(formatted.message)) {
      const limit = LimitError.queryTooComplex(`more than ${QUERY_LIMITS.maxTokens} tokens`);
      return { message: limit.message, extensions: { code: limit.code } };
    }
    if (typeof code === 'string' && REQUEST_ERROR_CODES.has(code)) {
      const field = code === 'BAD_USER_INPUT' ? fieldOf(formatted.message) : undefined;
      return {
        message: stripQuotedValues(formatted.message),
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code, ...(field ? { field } : {}) },
      };
    }
    // The message may quote data; the frames cannot. Operators get the name and where it happened.
    const frames = original instanceof Error ? (original.stack ?? '').split('\n').slice(1, 8).map((line) => line.trim()) : [];
    logger.error(
      { requestId: currentObservation()?.requestId, errorName: original instanceof Error ? original.name : typeof original, path: formatted.path, frames },
      'unexpected error masked',
    );
    return { message: 'Internal server error', path: formatted.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  };
  /** Apollo's formatError: formats as above and records the code for the request's access line and metrics. */
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const result = format(formatted, error);
    const code = result.extensions?.code;
    if (typeof code === 'string') currentObservation()?.codes.push(code);
    return result;
  };
}

/** Every string (and long number) the client sent, in variables or as literals in the document. */
function sentValues(variables: unknown, source: string | undefined, operationName?: string | null): string[] {
  const values = new Set<string>();
  if (operationName && operationName.length >= 3) values.add(operationName);
  const visit = (value: unknown): void => {
    if (typeof value === 'string' && value.trim().length >= 3) values.add(value);
    else if (typeof value === 'number' && String(value).length >= 6) values.add(String(value));
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  visit(variables);
  for (const match of (source ?? '').matchAll(/"((?:[^"\\]|\\.){3,})"|\b(\d{6,})\b/g)) {
    values.add(match[1] ?? match[2]!);
  }
  return [...values].sort((a, b) => b.length - a.length);
}

/**
 * Second line of defence, independent of message formats: removes from every error message any
 * value the request carried, so no NIK, name, phone, email or date sent by a client can come back
 * in an error. Runs after formatError, just before the response is sent.
 */
export function sentValueScrubber(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response }) {
          if (response.body.kind !== 'single' || !response.body.singleResult.errors?.length) return;
          const values = sentValues(request.variables, request.query, request.operationName);
          if (values.length === 0) return;
          response.body.singleResult.errors = response.body.singleResult.errors.map((error) => {
            let message = error.message;
            for (const value of values) message = message.split(value).join('[value]');
            if (message === error.message) return error;
            // Identifiers in the document (field and type names) are not values; only scrub quoted/long values.
            return { ...error, message };
          });
        },
      };
    },
  };
}
