import 'reflect-metadata';
import { benchAccessLog } from './access-log-bench';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { benchCounts } from './counts-bench';
import { PG_ADMIN_URL } from './bench-kit';
import { benchScreening } from './screening-bench';

/**
 * `npm run bench [counts|access-log|ingest|screening…] [--sizes 100000,1000000] [--seconds 10] [--scale 1000000]
 * [--dialects postgresql,sqlite]`:
 * sections run in order and
 * print one JSON line per measurement. Loopback only; creates and drops its own databases.
 */
interface BenchOptions {
  sizes: number[];
  seconds: number;
  /** Registrants for the ingest section; list size and wave size for screening. */
  scale: number;
  /** Databases the counts section measures, in order. */
  dialects: Array<'postgresql' | 'sqlite'>;
}

const SECTIONS: Record<string, (options: BenchOptions) => Promise<void>> = {
  counts: benchCounts,
  'access-log': (options) => benchAccessLog({ seconds: options.seconds, chainEvents: options.scale }),
  async ingest({ scale }) {
    // Its own process: it samples the ingest child's peak RSS and must not share a heap with other sections.
    const result = spawnSync(process.execPath, [path.join(__dirname, 'ingest-bench.js'), '--registrants', String(scale)], { stdio: 'inherit', env: { ...process.env, BENCH_DATABASE_URL: PG_ADMIN_URL } });
    if (result.status !== 0) throw new Error(`ingest bench exited with ${result.status}`);
  },
  async screening({ scale }) {
    for (const dialect of ['sqlite', 'postgresql'] as const) {
      const figures = await benchScreening({ dialect, databaseUrl: PG_ADMIN_URL, scale });
      process.stdout.write(`screening[${dialect}]: ${JSON.stringify(figures)}\n`);
    }
  },
};

async function main(argv: string[]): Promise<void> {
  const flags = new Map<string, string>();
  const sections: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i]!.startsWith('--')) flags.set(argv[i]!.slice(2), argv[++i] ?? '');
    else sections.push(argv[i]!);
  }
  const options = {
    sizes: (flags.get('sizes') ?? '100000,1000000').split(',').map(Number),
    seconds: Number(flags.get('seconds') ?? 10),
    scale: Number(flags.get('scale') ?? 1_000_000),
    dialects: (flags.get('dialects') ?? 'postgresql,sqlite').split(',') as BenchOptions['dialects'],
  };
  const unknownDialect = options.dialects.find((d) => d !== 'postgresql' && d !== 'sqlite');
  if (unknownDialect) throw new Error(`unknown dialect ${unknownDialect}; known: postgresql, sqlite`);
  for (const section of sections.length ? sections : Object.keys(SECTIONS)) {
    const run = SECTIONS[section];
    if (!run) throw new Error(`unknown bench section ${section}; known: ${Object.keys(SECTIONS).join(', ')}`);
    process.stdout.write(`== ${section} (${new Date().toISOString()}, ${require('node:os').cpus().length} cores)\n`);
    await run(options);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
