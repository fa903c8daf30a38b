import fs from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, errors as joseErrors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { Config } from '../config';
import { ConfigError } from '../config';
import { AuthError } from '../errors';
import type { Principal } from './principal';
import { isRole, type Role } from './role';
import { developmentJwksFile, ensureDevelopmentSigningKey } from './development-keys';

/** Asymmetric algorithms only: an HMAC algorithm would let anyone holding the public key sign. */
export const ACCEPTED_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;

const SUB_MAX_LENGTH = 256;
const AGENCY_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

const VERIFIED_MAX = 10_000;
const VERIFIED_TTL_MS = 60_000;

/** Verifies bearer tokens against the configured JWKS and turns them into principals. */
export class TokenVerifier {
  /**
   * Tokens verified recently, by their exact text: a signature check costs more than the rest of a
   * small query. An entry lives until the token's exp, at most VERIFIED_TTL_MS (so a key removed
   * from a remote JWKS stops being honoured within that time).
   */
  private readonly verified = new Map<string, { principal: Principal; until: number }>();

  private constructor(
    private readonly keySet: JWTVerifyGetKey,
    private readonly issuer: string,
    private readonly audience: string,
  ) {}

  /**
   * Builds the verifier from SAMARAN_JWKS_FILE / SAMARAN_JWKS_URL, or outside production from the
   * development key pair in the data dir (created on first use). Raises ConfigError when the JWKS
   * file is unreadable or malformed.
   */
  static async create(config: Config): Promise<TokenVerifier> {
    if (config.jwksUrl) {
      return new TokenVerifier(createRemoteJWKSet(new URL(config.jwksUrl)), config.jwtIssuer, config.jwtAudience);
    }
    let jwksFile = config.jwksFile;
    if (!jwksFile) {
      if (config.env === 'production') throw new ConfigError('a JWKS is required in production');
      await ensureDevelopmentSigningKey(config);
      jwksFile = developmentJwksFile(config);
    }
    let jwks: JSONWebKeySet;
    try {
      jwks = JSON.parse(fs.readFileSync(jwksFile, 'utf8')) as JSONWebKeySet;
    } catch (error) {
      throw new ConfigError(`cannot read the JWKS at ${jwksFile}: ${(error as Error).message}`);
    }
    if (!Array.isArray(jwks?.keys) || jwks.keys.length === 0) {
      throw new ConfigError(`the JWKS at ${jwksFile} has no keys`);
    }
    return new TokenVerifier(createLocalJWKSet(jwks), config.jwtIssuer, config.jwtAudience);
  }

  /**
   * Verifies the token (signature, algorithm, exp, iss, aud, sub) and reads the roles claim.
   * Raises UNAUTHENTICATED with a generic reason; the precise jose failure is not sent to clients.
   */
  async verify(token: string): Promise<Principal> {
    const known = this.verified.get(token);
    if (known && Date.now() < known.until) return known.principal;
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.keySet, {
        issuer: this.issuer,
        audience: this.audience,
        algorithms: [...ACCEPTED_ALGORITHMS],
        requiredClaims: ['exp', 'iss', 'aud', 'sub'],
        clockTolerance: 5,
      }));
    } catch (error) {
      throw AuthError.unauthenticated(describeJoseFailure(error));
    }
    const sub = payload.sub;
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > SUB_MAX_LENGTH) {
      throw AuthError.unauthenticated('the token has no usable sub claim');
    }
    const rolesClaim = payload.roles ?? [];
    if (!Array.isArray(rolesClaim)) throw AuthError.unauthenticated('the roles claim must be an array');
    // Unknown role names are ignored rather than refused, so issuers can add roles for other services.
    const roles = [...new Set(rolesClaim.filter(isRole))] as Role[];
    const agencyClaim = payload.agency;
    const agency = typeof agencyClaim === 'string' && AGENCY_PATTERN.test(agencyClaim) ? agencyClaim : null;
    const principal: Principal = Object.freeze({ sub, roles: Object.freeze(roles), agency });
    if (this.verified.size >= VERIFIED_MAX) this.verified.clear();
    this.verified.set(token, { principal, until: Math.min(Number(payload.exp) * 1000, Date.now() + VERIFIED_TTL_MS) });
    return principal;
  }
}

function describeJoseFailure(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'the token has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `the token's ${error.claim} claim is not accepted`;
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return "the token's algorithm is not accepted";
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'no key in the JWKS matches the token';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return "the token's signature is invalid";
  return 'the token is malformed or invalid';
}

/** Extracts the token from an `Authorization: Bearer …` header; null when absent or malformed. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)\s*$/i.exec(header);
  return match ? match[1]! : null;
}
