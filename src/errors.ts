import { GraphQLError } from 'graphql';

/**
 * The error catalogue. Every refusal the API gives is created here, through a named factory, with
 * a stable `extensions.code` from the contract. Messages never contain a personal value: factories
 * take field names and ids, never the rejected value.
 */
export const ErrorCode = {
  /** No token, or a token that fails verification (auth/). */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** A valid principal without the role or ownership an operation needs (auth/, erasure/, screening/). */
  FORBIDDEN: 'FORBIDDEN',
  /** Input that fails validation; `extensions.field` names the input field (every service). */
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** An id that names nothing the caller may see (subjects/, registration/). */
  NOT_FOUND: 'NOT_FOUND',
  /** A state conflict: second application to a wave, quota exhausted, outcome already recorded (registration/). */
  CONFLICT: 'CONFLICT',
  /** Registration outside the wave's window (registration/). */
  WAVE_CLOSED: 'WAVE_CLOSED',
  /** The subject was crypto-shredded (erasure/). */
  SUBJECT_ERASED: 'SUBJECT_ERASED',
  /** The subject is restricted to counting only (erasure/). */
  SUBJECT_RESTRICTED: 'SUBJECT_RESTRICTED',
  /** A screening submission outside its agreement's validity window (screening/). */
  AGREEMENT_EXPIRED: 'AGREEMENT_EXPIRED',
  /** Depth, cost or alias limits exceeded (server). */
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /** Per-principal rate limit for reveals and lookups (server). */
  RATE_LIMITED: 'RATE_LIMITED',
  /** Anything unexpected; the message is masked (server `formatError`). */
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base class of every deliberate refusal; anything else is masked as INTERNAL_SERVER_ERROR. */
export class SamaranError extends GraphQLError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    extensions: Record<string, unknown> = {},
    httpStatus?: number,
  ) {
    super(message, {
      extensions: { code, ...extensions, ...(httpStatus ? { http: { status: httpStatus } } : {}) },
    });
    this.name = 'SamaranError';
  }
}

export class AuthError extends SamaranError {
  static unauthenticated(reason = 'a valid bearer token is required'): AuthError {
    return new AuthError(ErrorCode.UNAUTHENTICATED, `Unauthenticated: ${reason}`, {}, 401);
  }

  static forbidden(reason = 'the token does not carry a role this operation needs'): AuthError {
    return new AuthError(ErrorCode.FORBIDDEN, `Forbidden: ${reason}`);
  }

  /** Four-eyes: the officer who asked for something may not also approve or decide it (erasure/). */
  static secondOfficerRequired(what: string): AuthError {
    return new AuthError(ErrorCode.FORBIDDEN, `Forbidden: ${what} must be decided by an officer other than the one who filed it`);
  }
}

export class InputError extends SamaranError {
  /** `field` is the input field's name (`nik`, `birthDate`); `problem` must not quote the value. */
  static invalid(field: string, problem: string): InputError {
    return new InputError(ErrorCode.BAD_USER_INPUT, `Invalid ${field}: ${problem}`, { field });
  }
}

export class StateError extends SamaranError {
  static notFound(what: string): StateError {
    return new StateError(ErrorCode.NOT_FOUND, `${what} not found`);
  }

  static conflict(problem: string): StateError {
    return new StateError(ErrorCode.CONFLICT, `Conflict: ${problem}`);
  }

  static waveClosed(wave: number): StateError {
    return new StateError(ErrorCode.WAVE_CLOSED, `Wave ${wave} is not open for registration now`, { wave });
  }

  static subjectErased(): StateError {
    return new StateError(ErrorCode.SUBJECT_ERASED, 'The subject was erased; no personal data remains');
  }

  static subjectRestricted(): StateError {
    return new StateError(
      ErrorCode.SUBJECT_RESTRICTED,
      'The subject is restricted to counting; personal data needs an approved legal hold',
    );
  }

  static agreementExpired(): StateError {
    return new StateError(ErrorCode.AGREEMENT_EXPIRED, 'The data-sharing agreement is not valid at this time');
  }
}

export class LimitError extends SamaranError {
  static queryTooComplex(problem: string): LimitError {
    return new LimitError(ErrorCode.QUERY_TOO_COMPLEX, `Query too complex: ${problem}`, {}, 400);
  }

  static rateLimited(retryAfterSeconds: number): LimitError {
    return new LimitError(ErrorCode.RATE_LIMITED, 'Rate limit exceeded', { retryAfterSeconds }, 429);
  }
}
