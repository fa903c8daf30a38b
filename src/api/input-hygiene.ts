import type { MiddlewareFn } from 'type-graphql';
import { recordRefusedAttempt } from '../auth/auth-checker';
import type { RequestContext } from '../context';
import { ErrorCode, InputError } from '../errors';

/**
 * A string no service should ever see: NUL (PostgreSQL text cannot hold it, C libraries cut at
 * it) or a lone UTF-16 surrogate (not encodable as UTF-8). Checked once, here, for every argument.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function unacceptable(text: string): boolean {
  return text.includes('\u0000') || LONE_SURROGATE.test(text);
}

/** The path of the first unacceptable string in an argument value (`input.fullName`), if any. */
function firstUnacceptable(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return unacceptable(value) ? path : undefined;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = firstUnacceptable(item, path);
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    for (const [key, item] of Object.entries(value)) {
      const found = firstUnacceptable(item, `${path}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * type-graphql global middleware: refuses any field whose arguments carry a NUL character or a
 * lone surrogate with BAD_USER_INPUT (`extensions.field` names the innermost input field), before
 * the resolver runs; an attempt at an audited root operation is recorded as DENIED.
 */
export const inputHygiene: MiddlewareFn<RequestContext> = async (resolverData, next) => {
  const { args } = resolverData;
  for (const [name, value] of Object.entries(args)) {
    const found = firstUnacceptable(value, name);
    if (found) {
      await recordRefusedAttempt(resolverData, ErrorCode.BAD_USER_INPUT);
      throw InputError.invalid(found.split('.').pop()!, 'must not contain NUL characters or unpaired surrogates');
    }
  }
  return next();
};
