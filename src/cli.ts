import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { Command, InvalidArgumentError, Option } from 'commander';
import cliProgress from 'cli-progress';
import type { Principal } from './auth/principal';
import { AccessLogService } from './access-log/access-log.service';
import { CountStore } from './accountability/count-store';
import { printSamaranSchema } from './api/schema';
import { mintDevelopmentToken } from './auth/development-keys';
import { loadConfig, type Config } from './config';
import { openDatabase } from './database/orm';
import { loadDemo } from './demo/demo-loader';
import { createLogger } from './observability/logger';
import { loadKeyring } from './pseudonymization/key-loading';
import { Keyring, writeKeysFile } from './pseudonymization/keyring';
import { createServerAndServe } from './serve';
import { createServices } from './services';
import { Wave } from './registration/wave.entity';

function positiveInteger(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('expected a positive whole number');
  return Number(value);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').map((part) => part.trim()).filter(Boolean)];
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** The `samaran` command line. Every command reads the same configuration variables as the server. */
export function buildProgram(config: () => Config = () => loadConfig()): Command {
  const program = new Command('samaran')
    .description('Samaran: exact accountability counts over pseudonymized registrants')
    .showHelpAfterError()
    .exitOverride((error) => {
      throw error;
    });

  program
    .command('serve')
    .description('start the HTTP server (GraphQL at /graphql); migrates first, loads demo data when enabled and empty')
    .action(async () => {
      await createServerAndServe(config());
    });

  program
    .command('migrate')
    .description('apply pending database migrations and exit')
    .action(async () => {
      const database = await openDatabase(config(), { migrate: true });
      await database.close();
      print(`migrated (${database.dialect})`);
    });

  program
    .command('schema')
    .description('print the GraphQL schema generated from the code (the committed schema.graphql)')
    .option('--out <file>', 'write to a file instead of standard output')
    .action((options: { out?: string }) => {
      const text = printSamaranSchema();
      if (options.out) fs.writeFileSync(options.out, text);
      else process.stdout.write(text);
    });

  program
    .command('demo')
    .description('load N synthetic registrants (valid NIKs, Indonesian names) into an empty database')
    .option('--registrants <n>', 'how many registrants', positiveInteger, 50_000)
    .option('--seed <n>', 'random seed (same seed, same people)', positiveInteger, 20261123)
    .action(async (options: { registrants: number; seed: number }) => {
      const cfg = config();
      const logger = createLogger(cfg);
      const database = await openDatabase(cfg);
      try {
        if ((await database.fork().count(Wave)) > 0) throw new Error('the database is not empty; demo data loads into an empty database only');
        const services = createServices(cfg, database, loadKeyring(cfg, logger), logger);
        const result = await loadDemo(services, { registrants: options.registrants, seed: options.seed });
        print(`loaded ${result.registrants} registrants, ${result.applications} applications in ${result.milliseconds} ms`);
      } finally {
        await database.close();
      }
    });

  program
    .command('access-log')
    .description('the tamper-evident access log')
    .command('verify')
    .description('recompute the whole hash chain from the database; exit 0 with the head hash, or 1 with the first broken sequence number')
    .action(async () => {
      const database = await openDatabase(config(), { migrate: false });
      try {
        const verdict = await new AccessLogService(() => new Date()).verify(database.fork());
        if (verdict.ok) {
          print(`ok: ${verdict.length} events, head hash ${verdict.headHash}`);
        } else {
          print(`BROKEN: first broken sequence number ${verdict.firstBrokenSeq} (${verdict.length} events; last intact hash ${verdict.headHash})`);
          process.exitCode = 1;
        }
      } finally {
        await database.close();
      }
    });

  program
    .command('counts')
    .description('the accountability count cells')
    .command('reconcile')
    .description('recount every cell from subjects and applications; exit 0 when the stored cells agree, 1 listing each difference')
    .action(async () => {
      const database = await openDatabase(config(), { migrate: false });
      try {
        const em = database.fork();
        const differences = await em.transactional((tx) => new CountStore().reconcile(tx));
        const version = await new CountStore().version(em);
        if (differences.length === 0) {
          print(`ok: count cells agree with a recount (version ${version})`);
        } else {
          for (const d of differences) print(`DIFFERENCE ${d.measure} [${d.key.join(', ')}]: stored ${d.stored}, recounted ${d.recounted}`);
          print(`${differences.length} cells differ (version ${version})`);
          process.exitCode = 1;
        }
      } finally {
        await database.close();
      }
    });

  const screening = program.command('screening').description('partner-agency screening lists and runs');
  screening
    .command('import')
    .description('import an agency list file (one NIK per line, or CSV with the NIK first) under an agreement; it replaces the previous list')
    .requiredOption('--agreement <id>', 'the data-sharing agreement id')
    .argument('<file>', 'the list file')
    .action(async (file: string, options: { agreement: string }) => {
      const cfg = config();
      const logger = createLogger(cfg);
      const database = await openDatabase(cfg);
      const size = fs.statSync(file).size;
      const progress = progressReporter('lines', size > 0);
      try {
        const services = createServices(cfg, database, loadKeyring(cfg, logger), logger);
        const input = fs.createReadStream(file, { encoding: 'utf8' });
        let bytesHint = 0;
        input.on('data', (chunk) => {
          bytesHint += Buffer.byteLength(chunk as string);
        });
        progress.start(size);
        const report = await services.screeningLists.importLines(
          database,
          { principal: commandLinePrincipal(), agency: null, requestId: null },
          options.agreement,
          readline.createInterface({ input, crlfDelay: Infinity }),
          (lines) => progress.update(bytesHint, lines),
        );
        progress.stop(size);
        for (const line of report.invalidLines) print(`invalid NIK on line ${line}`);
        if (report.invalid > report.invalidLines.length) print(`… and ${report.invalid - report.invalidLines.length} more invalid lines`);
        print(`received ${report.received}, accepted ${report.accepted}, invalid ${report.invalid} (list version ${report.listVersionId}, now active)`);
      } catch (error) {
        progress.stop(size);
        throw error;
      } finally {
        await database.close();
      }
    });
  screening
    .command('run')
    .description('screen the PENDING applications of a wave against the lists of the agreements in force')
    .requiredOption('--wave <n>', 'the wave number', positiveInteger)
    .action(async (options: { wave: number }) => {
      const cfg = config();
      const logger = createLogger(cfg);
      const database = await openDatabase(cfg);
      try {
        const services = createServices(cfg, database, loadKeyring(cfg, logger), logger);
        const result = await services.screeningRuns.run(database.fork(), database.dialect, { principal: commandLinePrincipal(), requestId: null }, options.wave);
        for (const a of result.agreements) print(`agreement ${a.agreementId} (${a.agency}, ${a.rejectionReason}): rejected ${a.rejected}`);
        print(`wave ${result.wave}: rejected ${result.rejected} applications`);
      } finally {
        await database.close();
      }
    });

  const keys = program.command('keys').description('token and vault keys');
  keys
    .command('generate')
    .description('write a new keys file (one token key, one key-encryption key); refuses to overwrite')
    .option('--out <file>', 'where to write (default: SAMARAN_KEYS_FILE or <data dir>/keys.json)')
    .action((options: { out?: string }) => {
      const target = path.resolve(options.out ?? config().keysFile);
      if (fs.existsSync(target)) throw new Error(`${target} exists; refusing to overwrite keys (data sealed under them would be lost)`);
      writeKeysFile(target, Keyring.generate());
      print(`wrote ${target} (mode 0600)`);
    });

  program
    .command('token')
    .description('mint a development bearer token signed by the data dir key (refused in production)')
    .requiredOption('--sub <sub>', 'the token subject')
    .addOption(new Option('--role <role>', 'a role (repeat or comma-separate); none gives a roles-less token').argParser(collect).default([]))
    .option('--agency <agency>', 'the agency claim for AGENCY tokens')
    .option('--ttl <seconds>', 'lifetime in seconds', positiveInteger, 3600)
    .action(async (options: { sub: string; role: string[]; agency?: string; ttl: number }) => {
      print(await mintDevelopmentToken(config(), { sub: options.sub, roles: options.role, agency: options.agency, ttlSeconds: options.ttl }));
    });

  return program;
}

/** The command line acts with shell access to the server: recorded in the access log as `cli:<os user>`, no token roles. */
function commandLinePrincipal(): Principal {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    // no passwd entry (containers): keep 'unknown'
  }
  return { sub: `cli:${user}`, roles: [], agency: null };
}

/**
 * Progress on standard error: a cli-progress bar with rate and ETA on a terminal, a plain line
 * every few seconds otherwise (logs, CI). Counts only; never a value.
 */
function progressReporter(unit: string, byBytes: boolean) {
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  let lastPlain = 0;
  const bar = tty
    ? new cliProgress.SingleBar(
        { stream: process.stderr, format: `{bar} {percentage}% | {lines} ${unit} | {rate} ${unit}/s | ETA {eta_formatted}`, hideCursor: true, etaBuffer: 50 },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  const rate = (done: number) => Math.round(done / Math.max((Date.now() - started) / 1000, 0.001));
  return {
    start(total: number) {
      bar?.start(byBytes ? total : 0, 0, { lines: 0, rate: 0 });
    },
    update(value: number, done: number) {
      if (bar) {
        bar.update(value, { lines: done, rate: rate(done) });
      } else if (Date.now() - lastPlain >= 2000) {
        lastPlain = Date.now();
        process.stderr.write(`${done} ${unit} read (${rate(done)} ${unit}/s)\n`);
      }
    },
    stop(total: number) {
      if (bar) {
        bar.update(total);
        bar.stop();
      }
    },
  };
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version') return;
    if (code?.startsWith('commander.')) {
      process.exitCode = (error as { exitCode?: number }).exitCode ?? 1;
      return;
    }
    throw error;
  }
}
