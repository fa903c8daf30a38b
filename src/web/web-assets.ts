import fs from 'node:fs';
import path from 'node:path';

/**
 * The browser pages' bundles (built by build-assets.ts) and the HTML shells that load them.
 * The shells are rendered per request because each carries that response's style nonce.
 */

export type PageName = 'dashboard' | 'graphiql';

export interface PageAssets {
  /** File name (content-hashed) of the page's script in the public folder. */
  readonly script: string;
  readonly stylesheet?: string;
}

export interface AssetManifest {
  readonly pages: Readonly<Record<PageName, PageAssets>>;
}

export const ASSET_MANIFEST_FILE = 'manifest.json';

/** URL prefix of the bundles. */
export const ASSETS_PATH = '/assets';

/**
 * dist/web/public, found the same way from src/web (tests run the sources) and dist/web (the
 * compiled server): both sit two folders below the project root.
 */
export function defaultPublicDir(): string {
  return path.resolve(__dirname, '..', '..', 'dist', 'web', 'public');
}

/** Reads the manifest, or returns undefined when the assets have not been built. */
export function readAssetManifest(publicDir: string): AssetManifest | undefined {
  const file = path.join(publicDir, ASSET_MANIFEST_FILE);
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as AssetManifest;
}

const TITLES: Record<PageName, string> = {
  dashboard: 'Samaran — programme counts',
  graphiql: 'Samaran — GraphiQL',
};

// A small shield, inline so that the browser does not ask for /favicon.ico.
const FAVICON =
  'data:image/svg+xml,' +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><path fill="#1f5f8b" d="M8 1 2 3v4c0 4 2.6 6.7 6 8 3.4-1.3 6-4 6-8V3z"/></svg>',
  );

export interface PageOptions {
  /** Per-response nonce that style elements created by the page's libraries must carry. */
  styleNonce: string;
  /** Whether POST /dev/token answers (everywhere except production). */
  developmentTokens: boolean;
}

/** The HTML shell of a page: no inline script or style, only the page's hashed bundles. */
export function renderPage(manifest: AssetManifest, page: PageName, options: PageOptions): string {
  const assets = manifest.pages[page];
  const stylesheet = assets.stylesheet ? `\n<link rel="stylesheet" href="${ASSETS_PATH}/${assets.stylesheet}">` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="samaran-style-nonce" content="${options.styleNonce}">
<title>${TITLES[page]}</title>
<link rel="icon" href="${FAVICON}">${stylesheet}
<script defer src="${ASSETS_PATH}/${assets.script}"></script>
</head>
<body data-page="${page}" data-development-tokens="${options.developmentTokens ? 'available' : 'unavailable'}">
<div id="root"></div>
<noscript>This page needs JavaScript. The API itself answers at POST /graphql.</noscript>
</body>
</html>
`;
}
