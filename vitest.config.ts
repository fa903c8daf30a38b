import path from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// SWC emits decorator metadata (esbuild does not); type-graphql and MikroORM still get explicit
// types everywhere, so nothing depends on it being right.
const shared = {
  plugins: [swc.vite({ module: { type: 'es6' } })],
  // graphql ships ESM and CJS builds; Apollo and type-graphql load the CJS one. Two copies would
  // break `instanceof GraphQLError` (the dual-package hazard), so tests use the CJS build as
  // production does.
  resolve: { alias: { graphql: path.dirname(require.resolve('graphql/package.json')) + '/index.js' } },
};

export default defineConfig({
  test: {
    projects: [
      {
        ...shared,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          setupFiles: ['reflect-metadata'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        ...shared,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          setupFiles: ['reflect-metadata'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Each file starts its own server and database; two cores, so two at a time.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        ...shared,
        test: {
          // The browser pages in Debian's Chromium (playwright-core, no downloaded browser); run by
          // `npm run test:e2e` and CI, not by `npm test`. Needs `npm run build` (the bundles).
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          setupFiles: ['reflect-metadata'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          // A browser and a server per file: one file at a time on two cores.
          maxWorkers: 1,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
