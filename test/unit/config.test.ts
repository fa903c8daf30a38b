import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';

describe('loadConfig', () => {
  it('applies the contract defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      port: 4000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      demo: true,
      jwtIssuer: 'samaran-dev',
      jwtAudience: 'samaran',
      suppressionK: 10,
      dataDir: path.resolve('./data'),
      keysFile: path.resolve('./data/keys.json'),
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads every contract variable', () => {
    const config = loadConfig({
      PORT: '8080', HOST: '0.0.0.0', DATABASE_URL: 'postgres://u@h/db', SAMARAN_DATA_DIR: '/tmp/x', SAMARAN_DEMO: 'off',
      SAMARAN_JWKS_URL: 'https://idp.example/jwks', SAMARAN_JWT_ISSUER: 'iss', SAMARAN_JWT_AUDIENCE: 'aud',
      SAMARAN_KEYS_FILE: '/run/keys.json', SAMARAN_SUPPRESSION_K: '5',
    });
    expect(config).toMatchObject({ port: 8080, host: '0.0.0.0', databaseUrl: 'postgres://u@h/db', dataDir: '/tmp/x', demo: false,
      jwksUrl: 'https://idp.example/jwks', jwtIssuer: 'iss', jwtAudience: 'aud', keysFile: '/run/keys.json', suppressionK: 5 });
  });

  it('turns demo data off by default in production', () => {
    const config = loadConfig({ NODE_ENV: 'production', SAMARAN_JWKS_FILE: '/j', SAMARAN_JWT_ISSUER: 'i', SAMARAN_JWT_AUDIENCE: 'a', SAMARAN_KEYS_FILE: '/k' });
    expect(config.demo).toBe(false);
  });

  it.each([
    ['SAMARAN_JWKS_FILE or SAMARAN_JWKS_URL', { SAMARAN_JWT_ISSUER: 'i', SAMARAN_JWT_AUDIENCE: 'a', SAMARAN_KEYS_FILE: '/k' }],
    ['SAMARAN_JWT_ISSUER', { SAMARAN_JWKS_FILE: '/j', SAMARAN_JWT_AUDIENCE: 'a', SAMARAN_KEYS_FILE: '/k' }],
    ['SAMARAN_JWT_AUDIENCE', { SAMARAN_JWKS_FILE: '/j', SAMARAN_JWT_ISSUER: 'i', SAMARAN_KEYS_FILE: '/k' }],
    ['SAMARAN_KEYS_FILE', { SAMARAN_JWKS_FILE: '/j', SAMARAN_JWT_ISSUER: 'i', SAMARAN_JWT_AUDIENCE: 'a' }],
  ])('refuses production without %s', (missing, env) => {
    expect(() => loadConfig({ NODE_ENV: 'production', ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production', ...env })).toThrow(missing);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ SAMARAN_SUPPRESSION_K: '0' }, 'SAMARAN_SUPPRESSION_K'],
    [{ SAMARAN_DEMO: 'maybe' }, 'SAMARAN_DEMO'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ SAMARAN_JWKS_FILE: '/a', SAMARAN_JWKS_URL: 'https://b' }, 'SAMARAN_JWKS_FILE'],
  ])('refuses malformed values with a message naming the variable (%j)', (env, name) => {
    expect(() => loadConfig(env)).toThrow(name);
  });
  it('reads the hardening variables with safe defaults', () => {
    expect(loadConfig({})).toMatchObject({ corsOrigins: [], introspection: true, revealRate: { points: 120, windowSeconds: 60 } });
    const production = { NODE_ENV: 'production', SAMARAN_JWKS_FILE: '/j', SAMARAN_JWT_ISSUER: 'i', SAMARAN_JWT_AUDIENCE: 'a', SAMARAN_KEYS_FILE: '/k' };
    expect(loadConfig(production).introspection).toBe(false);
    expect(loadConfig({ ...production, SAMARAN_INTROSPECTION: 'on' }).introspection).toBe(true);
    const config = loadConfig({ SAMARAN_CORS_ORIGINS: 'https://dasbor.prakerja.go.id, http://localhost:5173/', SAMARAN_REVEAL_RATE: '10/1m' });
    expect(config.corsOrigins).toEqual(['https://dasbor.prakerja.go.id', 'http://localhost:5173']);
    expect(config.revealRate).toEqual({ points: 10, windowSeconds: 60 });
    expect(loadConfig({ SAMARAN_REVEAL_RATE: '1000/1h' }).revealRate).toEqual({ points: 1000, windowSeconds: 3600 });
  });

  it.each([
    ['SAMARAN_REVEAL_RATE', 'fast'],
    ['SAMARAN_REVEAL_RATE', '0/60s'],
    ['SAMARAN_REVEAL_RATE', '10/2d'],
    ['SAMARAN_CORS_ORIGINS', 'https://ok.example/path'],
    ['SAMARAN_CORS_ORIGINS', '*'],
    ['SAMARAN_CORS_ORIGINS', 'ftp://files.example'],
    ['SAMARAN_INTROSPECTION', 'maybe'],
    ['SAMARAN_LOG_LEVEL', 'verbose'],
  ])('names %s when its value %s is malformed', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});
