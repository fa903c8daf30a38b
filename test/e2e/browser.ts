import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * Debian's Chromium driven by playwright-core (no browser download). CI installs it with apt when
 * /usr/bin/chromium is missing (.ci/run).
 */
export const CHROMIUM = process.env.SAMARAN_E2E_CHROMIUM ?? '/usr/bin/chromium';

export const SCREENSHOT_DIR = path.resolve(__dirname, '..', '..', 'artifacts', 'screenshots');

export function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** What a page did: every request it made, and every console error or uncaught exception. */
export interface PageRecord {
  page: Page;
  context: BrowserContext;
  requests: string[];
  problems: string[];
}

export async function recordedPage(browser: Browser): Promise<PageRecord> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const record: PageRecord = { page, context, requests: [], problems: [] };
  page.on('request', (request) => record.requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') record.problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => record.problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => record.problems.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`));
  return record;
}

/** Requests to anywhere but `origin` (data: URLs are not requests to anyone and are allowed). */
export function foreignRequests(requests: string[], origin: string): string[] {
  return requests.filter((url) => !url.startsWith('data:') && new URL(url).origin !== origin);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
