import fs from 'node:fs';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import type { Config } from '../config';
import { ConfigError } from '../config';
import { isRole, type Role } from './role';

/**
 * Development-only token infrastructure: an ES256 key pair in the data dir whose public half is
 * the JWKS the server trusts when no SAMARAN_JWKS_* is configured. Never used in production.
 */

export function developmentJwksFile(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'dev-jwks.json');
}

function developmentSigningKeyFile(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'dev-signing-key.json');
}

function refuseInProduction(config: Pick<Config, 'env'>, what: string): void {
  if (config.env === 'production') throw new ConfigError(`${what} is refused in production`);
}

/** Creates the development key pair and JWKS in the data dir if missing (files mode 0600). */
export async function ensureDevelopmentSigningKey(config: Pick<Config, 'env' | 'dataDir'>): Promise<void> {
  refuseInProduction(config, 'the development signing key');
  if (fs.existsSync(developmentSigningKeyFile(config)) && fs.existsSync(developmentJwksFile(config))) return;
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateJwk = await exportJWK(privateKey);
  fs.mkdirSync(config.dataDir, { recursive: true });
  writePrivate(developmentSigningKeyFile(config), { ...privateJwk, kid, alg: 'ES256' });
  writePrivate(developmentJwksFile(config), { keys: [{ ...publicJwk, kid, alg: 'ES256', use: 'sig' }] });
}

function writePrivate(file: string, value: unknown): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(value, null, 2) + '\n', { mode: 0o600 });
  fs.renameSync(temporary, file);
}

export interface DevelopmentTokenRequest {
  sub: string;
  roles: readonly string[];
  agency?: string;
  /** Lifetime in seconds (default one hour). */
  ttlSeconds?: number;
}

/**
 * Mints a development token signed by the data dir's key, with the configured issuer and
 * audience. Refused in production; unknown role names raise ConfigError.
 */
export async function mintDevelopmentToken(
  config: Pick<Config, 'env' | 'dataDir' | 'jwtIssuer' | 'jwtAudience'>,
  request: DevelopmentTokenRequest,
): Promise<string> {
  refuseInProduction(config, 'minting development tokens');
  const unknown = request.roles.filter((role) => !isRole(role));
  if (unknown.length > 0) throw new ConfigError(`unknown role(s): ${unknown.join(', ')}`);
  await ensureDevelopmentSigningKey(config);
  const jwk = JSON.parse(fs.readFileSync(developmentSigningKeyFile(config), 'utf8')) as JWK;
  const key = await importJWK(jwk, 'ES256');
  const claims: Record<string, unknown> = { roles: request.roles as Role[] };
  if (request.agency) claims.agency = request.agency;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: jwk.kid!, typ: 'JWT' })
    .setSubject(request.sub)
    .setIssuer(config.jwtIssuer)
    .setAudience(config.jwtAudience)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + (request.ttlSeconds ?? 3600))
    .sign(key);
}
