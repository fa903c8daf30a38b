import fs from 'node:fs';
import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { ASSET_MANIFEST_FILE, type AssetManifest, type PageAssets, type PageName } from './web-assets';

/**
 * Bundles the browser pages (src/web/client) with esbuild into dist/web/public: one script and one
 * stylesheet per page, content-hashed so they can be cached forever, plus `manifest.json` naming
 * them. Everything comes from npm packages (GraphiQL's own CSS and fonts, React, Chart.js): the
 * pages work with no internet. Run by `npm run build` after tsc; removes stale bundles first.
 */

const PAGES: Record<PageName, string> = {
  dashboard: 'dashboard.ts',
  graphiql: 'graphiql.ts',
};

export async function buildWebAssets(projectRoot: string): Promise<AssetManifest> {
  const clientDir = path.join(projectRoot, 'src', 'web', 'client');
  const outdir = path.join(projectRoot, 'dist', 'web', 'public');
  fs.rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: projectRoot,
    entryPoints: Object.fromEntries(Object.entries(PAGES).map(([name, file]) => [name, path.join(clientDir, file)])),
    outdir,
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    bundle: true,
    minify: true,
    sourcemap: 'linked',
    format: 'iife',
    platform: 'browser',
    target: ['chrome110', 'firefox110', 'safari16'],
    define: { 'process.env.NODE_ENV': '"production"' },
    jsx: 'automatic',
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  const manifest = manifestFrom(result.metafile, outdir);
  fs.writeFileSync(path.join(outdir, ASSET_MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

function manifestFrom(metafile: Metafile, outdir: string): AssetManifest {
  const pages: Partial<Record<PageName, PageAssets>> = {};
  for (const [output, info] of Object.entries(metafile.outputs)) {
    if (!info.entryPoint || !output.endsWith('.js')) continue;
    const name = (Object.keys(PAGES) as PageName[]).find((page) => info.entryPoint!.endsWith(`/${PAGES[page]}`));
    if (!name) continue;
    pages[name] = {
      script: path.basename(output),
      stylesheet: info.cssBundle ? path.basename(info.cssBundle) : undefined,
    };
  }
  for (const name of Object.keys(PAGES) as PageName[]) {
    if (!pages[name]) throw new Error(`build-assets: no bundle produced for page ${name} in ${outdir}`);
  }
  return { pages: pages as AssetManifest['pages'] };
}

if (require.main === module) {
  const started = Date.now();
  buildWebAssets(path.resolve(__dirname, '..', '..'))
    .then((manifest) => {
      const files = Object.values(manifest.pages).flatMap((page) => [page.script, page.stylesheet ?? []]).flat();
      process.stdout.write(`web assets: ${files.join(', ')} (${Date.now() - started} ms)\n`);
    })
    .catch((error: unknown) => {
      process.stderr.write(`web assets: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    });
}
