import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../integration/harness';
import { foreignRequests, launchChromium, recordedPage, screenshot, type PageRecord } from './browser';

/** GraphiQL at /graphiql in Chromium against the real server (SQLite, small demo dataset). */

let t: TestServer;
let browser: Browser;
let record: PageRecord;

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestServer({ env: { SAMARAN_DEMO: 'on', SAMARAN_DEMO_REGISTRANTS: '2000' } }), launchChromium()]);
  record = await recordedPage(browser);
});

afterAll(async () => {
  await record?.context.close();
  await browser?.close();
  await t?.stop();
});

describe('GraphiQL page', () => {
  it('is served with a strict same-origin Content-Security-Policy and no caching of the HTML', async () => {
    const response = await record.page.goto(`${t.url}/graphiql`);
    expect(response?.status()).toBe(200);
    const headers = response!.headers();
    const csp = headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(headers['cache-control']).toBe('no-cache');
    await record.page.locator('.graphiql-container').waitFor();
  });

  it('runs a counts query with a pasted token and shows the result', async () => {
    const { page } = record;
    const token = await t.token(['REPORTER'], 'e2e-reporter');
    await page.locator('#sg-token').fill(token);
    await page.getByRole('button', { name: 'Use token' }).click();
    await expect.poll(() => page.getByTestId('token-status').textContent()).toBe('e2e-reporter · REPORTER');
    // The token lives in this tab's sessionStorage, nowhere else.
    const storage = await page.evaluate<{ session: string; local: string }>('({ session: JSON.stringify(sessionStorage), local: JSON.stringify(localStorage) })');
    expect(storage.session).toContain(token);
    expect(storage.local).not.toContain(token);

    // The first example tab is TotalsByOutcome; run it.
    await expect.poll(() => page.locator('.graphiql-query-editor').textContent()).toContain('query TotalsByOutcome');
    await page.locator('.graphiql-execute-button').click();
    const expected = await t.graphql<{ accountability: { total: number; threshold: number } }>('{ accountability(groupBy: [OUTCOME]) { total threshold } }', {}, token);
    const total = expected.body.data!.accountability.total;
    expect(total).toBeGreaterThan(1000);
    const result = page.locator('.graphiql-response .CodeMirror');
    await expect.poll(() => result.textContent(), { timeout: 15_000 }).toContain(`"total": ${total}`);
    expect(await result.textContent()).toContain('"outcome": "ACCEPTED"');
    await screenshot(page, 'graphiql-counts-result');
  });

  it('opens the docs explorer on the schema', async () => {
    const { page } = record;
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    const explorer = page.locator('.graphiql-doc-explorer');
    await explorer.getByRole('link', { name: 'Query' }).click();
    await explorer.getByRole('link', { name: 'accountability' }).first().click();
    await expect.poll(() => explorer.textContent()).toContain('Registration counts grouped by any subset of the dimensions');
    await screenshot(page, 'graphiql-docs-explorer');
  });

  it('opens its settings dialog under the policy (the dialog adds a nonce-carrying style element)', async () => {
    const { page } = record;
    await page.getByRole('button', { name: 'Open settings dialog' }).click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.textContent()).toContain('Theme');
    expect(await page.locator('style[nonce]').count()).toBeGreaterThan(0);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
  });

  it('gets a development token for a chosen role from the page', async () => {
    const { page } = record;
    await page.getByLabel('Role for a development token').selectOption('ANALYST');
    await page.getByRole('button', { name: 'Get development token' }).click();
    await expect.poll(() => page.getByTestId('token-status').textContent()).toBe('dev-analyst · ANALYST');
  });

  it('made every request to its own origin, with no console error', () => {
    expect(record.requests.length).toBeGreaterThan(3);
    expect(record.requests.some((url) => url.endsWith('/graphql'))).toBe(true);
    expect(foreignRequests(record.requests, new URL(t.url).origin)).toEqual([]);
    expect(record.problems).toEqual([]);
  });
});
