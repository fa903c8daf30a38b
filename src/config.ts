import path from 'node:path';

/**
 * The only reader of the environment. Everything else receives a frozen `Config`.
 * The variable names are part of the external contract (shared/contract.md); keep them.
 */

export type RuntimeEnvironment = 'production' | 'development' | 'test';

export interface Config {
  readonly env: RuntimeEnvironment;
  readonly port: number;
  readonly host: string;
  /** `postgres://…` for PostgreSQL; undefined means embedded SQLite in `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  /** Load a synthetic dataset when the database is empty. */
  readonly demo: boolean;
  readonly demoRegistrants: number;
  readonly jwksFile: string | undefined;
  readonly jwksUrl: string | undefined;
  readonly jwtIssuer: string;
  readonly jwtAudience: string;
  /** Token and vault keys. Outside production a file is generated here when missing. */
  readonly keysFile: string;
  readonly suppressionK: number;
  readonly logLevel: string;
  /** Hours from filing an erasure request to its due date (design §5: configuration, default 3×24). */
  readonly erasureDueHours: number;
  /** Days an approved legal hold lets officers reveal a restricted subject. */
  readonly legalHoldDays: number;
  /**
   * The legal basis each erasure decision cites, written into the decision. Configuration reviewed
   * by counsel, not a hard-coded claim (design §5).
   */
  readonly erasureLegalBasis: {
    readonly grant: string;
    readonly deny: string;
    readonly restrict: string;
  };
  /** Browser origins allowed to call /graphql cross-origin (exact matches); empty: no CORS headers. */
  readonly corsOrigins: readonly string[];
  /** Schema introspection; on outside production, off in production unless switched on. */
  readonly introspection: boolean;
  /** Per-principal budget for `reveal` and `findSubjectByNik` together. */
  readonly revealRate: RateLimit;
  /** Server processes `samaran serve` runs on one port (node:cluster); 1: the process itself. */
  readonly workers: number;
}

export interface RateLimit {
  readonly points: number;
  readonly windowSeconds: number;
}

/** Defaults for the legal basis of erasure decisions; operators override them per counsel. */
export const DEFAULT_ERASURE_LEGAL_BASIS = Object.freeze({
  grant: 'UU PDP No. 27/2022 Art. 8: the data subject may end processing and have personal data erased; granted by crypto-shredding.',
  deny:
    'UU PDP No. 27/2022 Art. 15(1)(c) (state administration in the public interest) and Art. 15(1)(e) (statistics): ' +
    'erasure denied; data not needed for counts or audits destroyed, processing restricted to counting (Art. 11). ' +
    'Note: Art. 15(2) ties these exceptions to a statute; the programme rests on a presidential regulation.',
  restrict:
    'UU PDP No. 27/2022 Art. 15(1)(c): erasure denied while the participant\'s programme obligations are open; ' +
    'processing restricted (Art. 11); the request is re-evaluated when they close.',
});

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function onOff(env: Env, name: string, fallback: boolean): boolean {
  const raw = nonEmpty(env[name])?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['on', 'true', '1', 'yes'].includes(raw)) return true;
  if (['off', 'false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name} must be "on" or "off", got "${raw}"`);
}

/** `"120/60s"`, `"10/1m"`, `"1000/1h"`: that many calls per window (seconds when no unit is given). */
export function parseRate(name: string, raw: string): RateLimit {
  const match = /^(\d{1,9})\s*\/\s*(\d{1,9})\s*(s|m|h)?$/.exec(raw.trim());
  const points = Number(match?.[1]);
  const window = Number(match?.[2]) * ({ s: 1, m: 60, h: 3600 } as const)[(match?.[3] ?? 's') as 's' | 'm' | 'h'];
  if (!match || points < 1 || window < 1 || window > 86_400) {
    throw new ConfigError(`${name} must look like "120/60s" (calls per window of at most 24h), got "${raw}"`);
  }
  return Object.freeze({ points, windowSeconds: window });
}

function origins(env: Env, name: string): string[] {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return [];
  return raw.split(',').map((part) => part.trim()).filter(Boolean).map((origin) => {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw new ConfigError(`${name} must be a comma-separated list of origins such as https://dash.example.go.id, got "${origin}"`);
    }
    if (!['http:', 'https:'].includes(url.protocol) || url.origin !== origin.replace(/\/$/, '')) {
      throw new ConfigError(`${name} must list bare origins (scheme://host[:port], no path), got "${origin}"`);
    }
    return url.origin;
  });
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function logLevel(env: Env, environment: RuntimeEnvironment): string {
  const raw = nonEmpty(env.SAMARAN_LOG_LEVEL)?.toLowerCase();
  if (raw === undefined) return environment === 'test' ? 'warn' : 'info';
  if (!LOG_LEVELS.includes(raw)) throw new ConfigError(`SAMARAN_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  return raw;
}

function runtimeEnvironment(env: Env): RuntimeEnvironment {
  const raw = nonEmpty(env.NODE_ENV);
  if (raw === 'production' || raw === 'test') return raw;
  return 'development';
}

/**
 * Reads the configuration from `env` (by default the process environment) into a frozen object.
 * Raises ConfigError with a message naming the variable when a value is malformed, and — in
 * production — when the JWKS, issuer, audience or keys file is missing: production never falls
 * back to a development default.
 */
export function loadConfig(env: Env = process.env): Config {
  const environment = runtimeEnvironment(env);
  const production = environment === 'production';
  const dataDir = path.resolve(nonEmpty(env.SAMARAN_DATA_DIR) ?? './data');
  const jwksFile = nonEmpty(env.SAMARAN_JWKS_FILE);
  const jwksUrl = nonEmpty(env.SAMARAN_JWKS_URL);
  const issuer = nonEmpty(env.SAMARAN_JWT_ISSUER);
  const audience = nonEmpty(env.SAMARAN_JWT_AUDIENCE);
  const keysFile = nonEmpty(env.SAMARAN_KEYS_FILE);
  const databaseUrl = nonEmpty(env.DATABASE_URL);

  if (jwksFile && jwksUrl) throw new ConfigError('set SAMARAN_JWKS_FILE or SAMARAN_JWKS_URL, not both');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// URL (leave it unset for embedded SQLite)');
  }
  if (production) {
    const missing = [
      !jwksFile && !jwksUrl ? 'SAMARAN_JWKS_FILE or SAMARAN_JWKS_URL' : undefined,
      !issuer ? 'SAMARAN_JWT_ISSUER' : undefined,
      !audience ? 'SAMARAN_JWT_AUDIENCE' : undefined,
      !keysFile ? 'SAMARAN_KEYS_FILE' : undefined,
    ].filter((name): name is string => name !== undefined);
    if (missing.length > 0) {
      throw new ConfigError(`NODE_ENV=production requires ${missing.join(', ')}; refusing to start with development defaults`);
    }
  }

  return Object.freeze({
    env: environment,
    port: integer(env, 'PORT', 4000, 0, 65535),
    host: nonEmpty(env.HOST) ?? '127.0.0.1',
    databaseUrl,
    dataDir,
    demo: onOff(env, 'SAMARAN_DEMO', !production),
    demoRegistrants: integer(env, 'SAMARAN_DEMO_REGISTRANTS', 50_000, 0, 10_000_000),
    jwksFile: jwksFile ? path.resolve(jwksFile) : undefined,
    jwksUrl,
    jwtIssuer: issuer ?? 'samaran-dev',
    jwtAudience: audience ?? 'samaran',
    keysFile: keysFile ? path.resolve(keysFile) : path.join(dataDir, 'keys.json'),
    suppressionK: integer(env, 'SAMARAN_SUPPRESSION_K', 10, 1, 1_000_000),
    logLevel: logLevel(env, environment),
    corsOrigins: Object.freeze(origins(env, 'SAMARAN_CORS_ORIGINS')),
    introspection: onOff(env, 'SAMARAN_INTROSPECTION', !production),
    revealRate: parseRate('SAMARAN_REVEAL_RATE', nonEmpty(env.SAMARAN_REVEAL_RATE) ?? '120/60s'),
    workers: integer(env, 'SAMARAN_WORKERS', 1, 1, 64),
    erasureDueHours: integer(env, 'SAMARAN_ERASURE_DUE_HOURS', 72, 1, 24 * 365),
    legalHoldDays: integer(env, 'SAMARAN_LEGAL_HOLD_DAYS', 30, 1, 3650),
    erasureLegalBasis: Object.freeze({
      grant: nonEmpty(env.SAMARAN_ERASURE_BASIS_GRANT) ?? DEFAULT_ERASURE_LEGAL_BASIS.grant,
      deny: nonEmpty(env.SAMARAN_ERASURE_BASIS_DENY) ?? DEFAULT_ERASURE_LEGAL_BASIS.deny,
      restrict: nonEmpty(env.SAMARAN_ERASURE_BASIS_RESTRICT) ?? DEFAULT_ERASURE_LEGAL_BASIS.restrict,
    }),
  });
}
