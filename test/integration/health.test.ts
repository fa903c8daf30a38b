import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECT, startTestServer, type TestServer } from './harness';

describe(`health endpoints (${DIALECT})`, () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t?.stop());

  it('answers /healthz without authentication', async () => {
    const response = await fetch(`${t.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz according to the database', async () => {
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    await t.server.services.database.orm.close(true);
    const down = await fetch(`${t.url}/readyz`);
    expect(down.status).toBe(503);
    await t.server.services.database.orm.reconnect();
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
  });

  it('refuses an oversized body with 413 and malformed JSON with 400', async () => {
    const big = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ me { sub } }`, pad: 'x'.repeat(2 * 1024 * 1024) }) });
    expect(big.status).toBe(413);
    const malformed = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(malformed.status).toBe(400);
  });
});
