import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config';
import { developmentTokenRoutes } from '../../src/web/dev-token.routes';
import { defaultPublicDir, readAssetManifest } from '../../src/web/web-assets';
import { webRoutes } from '../../src/web/web.routes';
import { startTestServer, type TestServer } from './harness';

/** The browser pages' HTTP side: headers, caching, assets, the development token route. */

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});

afterAll(async () => {
  await t?.stop();
});

const manifest = readAssetManifest(defaultPublicDir());

function directives(header: string | null): Map<string, string> {
  return new Map(
    (header ?? '')
      .split(';')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => [part.split(' ')[0]!, part.slice(part.indexOf(' ') + 1)]),
  );
}

/** Serves `router` on its own loopback port for one request. */
async function withApp<T>(router: express.Router, run: (url: string) => Promise<T>): Promise<T> {
  const app = express();
  app.use(router);
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('pages', () => {
  it('are built (npm run build bundles them)', () => {
    expect(manifest, 'dist/web/public/manifest.json').toBeDefined();
  });

  it.each(['/', '/graphiql'])('%s is HTML under a same-origin-only policy with a fresh style nonce, never cached stale', async (path) => {
    const [first, second] = await Promise.all([fetch(`${t.url}${path}`), fetch(`${t.url}${path}`)]);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^text\/html/);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    expect(first.headers.get('x-content-type-options')).toBe('nosniff');
    const policy = directives(first.headers.get('content-security-policy'));
    const nonce = /content="([^"]+)"/.exec((await first.text()).match(/<meta name="samaran-style-nonce"[^>]*>/)![0])![1];
    expect(Object.fromEntries(policy)).toEqual({
      'default-src': "'none'",
      'script-src': "'self'",
      'style-src': `'self' 'nonce-${nonce}'`,
      'img-src': "'self' data:",
      'font-src': "'self' data:",
      'connect-src': "'self'",
      'base-uri': "'none'",
      'form-action': "'none'",
      'frame-ancestors': "'none'",
      'object-src': "'none'",
    });
    const otherNonce = directives(second.headers.get('content-security-policy')).get('style-src');
    expect(otherNonce).not.toBe(policy.get('style-src'));
    const html = await second.text();
    expect(html).not.toMatch(/<script>|<style|style=|https?:\/\//);
    expect(html).toContain('data-development-tokens="available"');
  });

  it('serves hashed bundles as immutable, and nothing else from the folder', async () => {
    const script = manifest!.pages.dashboard.script;
    const response = await fetch(`${t.url}/assets/${script}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    for (const path of ['/assets/manifest.json', '/assets/../package.json', '/assets/%2e%2e/package.json', '/assets/dashboard-AAAAAAAA.js']) {
      const refused = await fetch(`${t.url}${path}`);
      expect(refused.status, path).toBe(404);
    }
  });

  it('leave /graphql without a page policy', async () => {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.headers.get('content-security-policy')).toBeNull();
  });

  it('in production offer no development tokens', async () => {
    const production = { ...t.config, env: 'production' } as Config;
    const html = await withApp(webRoutes(production), async (url) => (await fetch(`${url}/`)).text());
    expect(html).toContain('data-development-tokens="unavailable"');
  });
});

describe('POST /dev/token', () => {
  const post = (body: unknown, contentType = 'application/json', base = t.url) =>
    fetch(`${base}/dev/token`, { method: 'POST', headers: { 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('mints a token for the chosen role that the API accepts', async () => {
    const response = await post({ role: 'REPORTER' });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { token, sub, roles } = (await response.json()) as { token: string; sub: string; roles: string[] };
    expect({ sub, roles }).toEqual({ sub: 'dev-reporter', roles: ['REPORTER'] });
    const me = await t.graphql<{ me: { sub: string; roles: string[] } }>('{ me { sub roles } accountability { total } }', {}, token);
    expect(me.body.errors).toBeUndefined();
    expect(me.body.data!.me).toEqual({ sub: 'dev-reporter', roles: ['REPORTER'] });
  });

  it('refuses unknown roles and bodies that are not JSON', async () => {
    expect((await post({ role: 'ROOT' })).status).toBe(400);
    expect((await post({})).status).toBe(400);
    expect((await post('{"role":"REPORTER"}', 'text/plain')).status).toBe(400);
    expect((await post({ role: 'AGENCY', agency: '<script>' })).status).toBe(400);
  });

  it('does not exist in production', async () => {
    const production = { ...t.config, env: 'production' } as Config;
    const status = await withApp(developmentTokenRoutes(production, pino({ level: 'silent' })), async (url) => (await post({ role: 'REPORTER' }, 'application/json', url)).status);
    expect(status).toBe(404);
  });
});
