import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVINCES } from '../../src/regions/provinces';
import { startTestServer, type TestServer } from '../integration/harness';
import { foreignRequests, launchChromium, recordedPage, screenshot, type PageRecord } from './browser';

/** The reporting dashboard at / in Chromium against the real server (SQLite, small demo dataset). */

interface Table {
  total: number | null;
  threshold: number;
  cells: Array<{ province?: string; count: number | null; suppressed: boolean }>;
}

let t: TestServer;
let browser: Browser;
let record: PageRecord;
let reporter: string;

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestServer({ env: { SAMARAN_DEMO: 'on', SAMARAN_DEMO_REGISTRANTS: '2000' } }), launchChromium()]);
  reporter = await t.token(['REPORTER']);
  record = await recordedPage(browser);
});

afterAll(async () => {
  await record?.context.close();
  await browser?.close();
  await t?.stop();
});

async function table(groupBy: string, filter: Record<string, unknown> = {}): Promise<Table> {
  const response = await t.graphql<{ accountability: Table }>(
    `query ($filter: CountFilter) { accountability(groupBy: [${groupBy}], filter: $filter) { total threshold cells { province count suppressed } } }`,
    { filter },
    reporter,
  );
  expect(response.body.errors).toBeUndefined();
  return response.body.data!.accountability;
}

const cardValue = (id: string) => record.page.locator(`#${id} .db-card-value`).textContent();
const ready = () => record.page.waitForSelector('body[data-state="ready"]');

/** How many pixels of a canvas are not blank: a drawn chart has thousands. */
function paintedPixels(selector: string): Promise<number> {
  // A string, not a function: this file is compiled without the DOM library.
  return record.page.evaluate<number>(`(() => {
    const canvas = document.querySelector(${JSON.stringify(selector)});
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) painted++;
    return painted;
  })()`);
}

describe('dashboard', () => {
  it('is served with a strict Content-Security-Policy, and its bundles are cached as immutable', async () => {
    const assets: Array<{ url: string; cacheControl: string | undefined }> = [];
    record.page.on('response', (response) => {
      if (response.url().includes('/assets/')) assets.push({ url: response.url(), cacheControl: response.headers()['cache-control'] });
    });
    const response = await record.page.goto(`${t.url}/`);
    const headers = response!.headers();
    expect(headers['content-security-policy']).toMatch(/script-src 'self'(;|$)/);
    expect(headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(headers['cache-control']).toBe('no-cache');
    await ready();
    const paths = assets.map((asset) => new URL(asset.url).pathname);
    expect(paths).toHaveLength(2);
    expect(paths).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\/assets\/dashboard-[A-Z0-9]{8}\.css$/), expect.stringMatching(/^\/assets\/dashboard-[A-Z0-9]{8}\.js$/)]),
    );
    for (const asset of assets) expect(asset.cacheControl).toBe('public, max-age=31536000, immutable');
  });

  it('shows the totals the API gives a REPORTER, and draws its charts', async () => {
    const byOutcome = await t.graphql<{ accountability: { total: number; cells: Array<{ outcome: string; count: number }> } }>(
      '{ accountability(groupBy: [OUTCOME]) { total cells { outcome count } } }',
      {},
      reporter,
    );
    const { total, cells } = byOutcome.body.data!.accountability;
    const accepted = cells.find((cell) => cell.outcome === 'ACCEPTED')!.count;
    expect(await cardValue('total-registered')).toBe(total.toLocaleString('en-US'));
    expect(await cardValue('total-accepted')).toBe(accepted.toLocaleString('en-US'));
    for (const panel of ['panel-waves', 'panel-provinces', 'panel-rejection-reasons']) {
      expect(await paintedPixels(`#${panel} canvas`), panel).toBeGreaterThan(5_000);
    }
    // Thirteen demo waves, one row each.
    expect(await record.page.locator('#table-waves tbody tr').count()).toBe(13);
    await screenshot(record.page, 'dashboard-all');
  });

  it('shows suppressed province cells as suppressed, never as a number', async () => {
    const byProvince = await table('PROVINCE');
    const suppressed = byProvince.cells.filter((cell) => cell.suppressed);
    expect(suppressed.length).toBeGreaterThan(0);
    for (const cell of suppressed) {
      const text = await record.page.locator(`#table-provinces tr[data-key="${cell.province}"] td`).textContent();
      expect(text, `province ${cell.province}`).toMatch(/^(< 10|suppressed)$/);
    }
    for (const cell of byProvince.cells.filter((c) => !c.suppressed)) {
      expect(await record.page.locator(`#table-provinces tr[data-key="${cell.province}"] td`).textContent()).toBe(cell.count!.toLocaleString('en-US'));
    }
  });

  it('filters by province and shows a total below k as "< 10"', async () => {
    // A province whose whole total is below k: the API publishes it as null.
    let small: string | undefined;
    let outcomes: Array<{ outcome?: string; suppressed: boolean }> = [];
    for (const province of [...PROVINCES].sort((a, b) => a.populationMillions - b.populationMillions)) {
      const response = await t.graphql<{ accountability: { total: number | null; cells: Array<{ outcome: string; suppressed: boolean }> } }>(
        'query ($p: [String!]) { accountability(groupBy: [OUTCOME], filter: { province: $p }) { total cells { outcome suppressed } } }',
        { p: [province.code] },
        reporter,
      );
      if (response.body.data!.accountability.total === null) {
        small = province.code;
        outcomes = response.body.data!.accountability.cells;
        break;
      }
    }
    expect(small, 'the small demo dataset has a province with fewer than 10 applications').toBeDefined();
    await record.page.locator('#filter-province').selectOption(small!);
    await ready();
    await expect.poll(() => cardValue('total-registered')).toBe('< 10');
    // Below a suppressed total every cell is below k too; an outcome with no cell is a true zero.
    for (const [outcome, card] of [['ACCEPTED', 'total-accepted'], ['REJECTED', 'total-rejected'], ['PENDING', 'total-pending']]) {
      const cell = outcomes.find((c) => c.outcome === outcome);
      if (cell) expect(cell.suppressed).toBe(true);
      expect(await cardValue(card!), outcome).toBe(cell ? '< 10' : '0');
    }
    expect(outcomes.length).toBeGreaterThan(0);
    expect(new URL(record.page.url()).searchParams.get('province')).toBe(small);
    await screenshot(record.page, 'dashboard-small-province');
  });

  it('filters by wave', async () => {
    await record.page.locator('#filter-province').selectOption('');
    await record.page.locator('#filter-wave').selectOption('3');
    await ready();
    await expect.poll(() => record.page.locator('#table-waves tbody tr').count()).toBe(1);
    const wave3 = await t.graphql<{ accountability: { total: number } }>('{ accountability(filter: { wave: [3] }) { total } }', {}, reporter);
    expect(await cardValue('total-registered')).toBe(wave3.body.data!.accountability.total.toLocaleString('en-US'));
    await screenshot(record.page, 'dashboard-wave-3');
  });

  it('made every request to its own origin (the API and its dev token route only), with no console error', () => {
    const origin = new URL(t.url).origin;
    expect(foreignRequests(record.requests, origin)).toEqual([]);
    const paths = new Set(record.requests.map((url) => new URL(url).pathname.replace(/-[A-Z0-9]{8}\./, '-HASH.')));
    expect([...paths].sort()).toEqual(['/', '/assets/dashboard-HASH.css', '/assets/dashboard-HASH.js', '/dev/token', '/graphql']);
    expect(record.problems).toEqual([]);
  });
});
