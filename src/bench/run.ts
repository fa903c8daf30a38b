import 'reflect-metadata';
import { benchAccessLog } from './access-log-bench';
import { benchCounts } from './counts-bench';

/**
 * `npm run bench [section…] [--sizes 100000,1000000] [--seconds 10]`: sections run in order and
 * print one JSON line per measurement. Loopback only; creates and drops its own databases.
 */
const SECTIONS: Record<string, (options: { sizes: number[]; seconds: number }) => Promise<void>> = {
  counts: benchCounts,
  'access-log': benchAccessLog,
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
  };
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
