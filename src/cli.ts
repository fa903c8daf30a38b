import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { Presets, SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Principal } from './auth/principal';
import { AccessLogService } from './access-log/access-log.service';
import { CountStore } from './accountability/count-store';
import { printSamaranSchema } from './api/schema';
import { mintDevelopmentToken } from './auth/development-keys';
import { loadConfig, type Config } from './config';
import { openDatabase } from './database/orm';
import { loadDemo } from './demo/demo-loader';
import { writeSyntheticFile } from './demo/synthetic-file';
import { demoWaves } from './demo/synthetic-registrants';
import { DEFAULT_BATCH_SIZE, defaultWorkerCount, runIngest } from './ingest/ingest-pipeline';
import { formatOf, readRecords, type IngestFormat } from './ingest/ingest-source';
import { progressReporter } from './ingest/progress';
import { createLogger } from './observability/logger';
import { loadKeyring } from './pseudonymization/key-loading';
import { Keyring, rotateKeys, writeKeysFile } from './pseudonymization/keyring';
import { KeyLifecycleService, type BatchProgress, type BatchRunResult } from './pseudonymization/key-lifecycle.service';
import { PersonalDataSealer } from './pseudonymization/personal-data-sealer';
import { Tokenizer } from './pseudonymization/tokenizer';
import { AccessAction } from './access-log/access-log.service';
import { createServerAndServe } from './serve';
import { createServices } from './services';
import { Wave } from './registration/wave.entity';

function positiveInteger(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('expected a positive whole number');
  return Number(value);
}

function nonNegativeInteger(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').map((part) => part.trim()).filter(Boolean)];
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Who runs a key operation from the command line, as the access log records it: `cli:<os user>`. */
function cliPrincipal(): Principal {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    // No passwd entry (some containers): the log still says it came from the command line.
  }
  return { sub: `cli:${user}`, roles: [], agency: null };
}

/**
 * Progress for a batch job: a cli-progress bar on standard error when it is a terminal, one plain
 * line per batch on standard output otherwise (logs, CI, tests).
 */
function batchProgress(what: string): { onBatch: (progress: BatchProgress) => void; stop: () => void } {
  if (process.stderr.isTTY) {
    const bar = new SingleBar({ format: `${what} [{bar}] {percentage}% | {value}/{total} | batch {batch}`, hideCursor: true });
    let started = false;
    return {
      onBatch(progress) {
        if (!started) bar.start(Math.max(progress.total, progress.handled), 0, { batch: 0 });
        started = true;
        bar.setTotal(Math.max(progress.total, progress.handled));
        bar.update(progress.handled, { batch: progress.batch });
      },
      stop() {
        if (started) bar.stop();
        started = false;
      },
    };
  }
  return { onBatch: (progress) => print(`${what}: batch ${progress.batch}, ${progress.handled}/${progress.total}`), stop: () => undefined };
}

function reportBatchRun(what: string, result: BatchRunResult): void {
  print(`${what}: ${result.done} done, ${result.failed} failed, ${result.remaining} remaining (${result.batches} batches)`);
  if (result.failed > 0) process.exitCode = 1;
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
    .description('load N synthetic registrants (valid NIKs, Indonesian names) into an empty database, or with --out write them to a CSV/NDJSON file for `ingest`')
    .option('--registrants <n>', 'how many registrants', positiveInteger, 50_000)
    .option('--seed <n>', 'random seed (same seed, same people)', positiveInteger, 20261123)
    .option('--out <file>', 'write an ingest file instead of loading (one line per application; .ndjson/.jsonl for NDJSON, else CSV)')
    .action(async (options: { registrants: number; seed: number; out?: string }) => {
      if (options.out) {
        const started = Date.now();
        const now = new Date();
        const records = await writeSyntheticFile(options.out, formatOf(options.out), {
          count: options.registrants,
          seed: options.seed,
          waves: demoWaves(now, options.registrants),
          now,
        });
        print(`wrote ${options.registrants} registrants (${records} applications) to ${options.out} in ${Date.now() - started} ms`);
        return;
      }
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
    .command('ingest')
    .description('bulk-load registrations from a CSV (with header) or NDJSON file: checked, tokenized and sealed like `register`; idempotent and resumable')
    .argument('<file>', 'the file; one application per line')
    .option('--rejects <file>', 'where refused rows go (line number and code only; default FILE.rejects.csv)')
    .addOption(new Option('--format <format>', 'file format (default: by extension)').choices(['csv', 'ndjson']))
    .option('--batch-size <n>', 'rows per transaction', positiveInteger, DEFAULT_BATCH_SIZE)
    .option('--workers <n>', 'worker threads for checking, tokenizing and sealing (0: main thread)', nonNegativeInteger, defaultWorkerCount())
    .option('--create-waves', 'create waves the file names but the database lacks (window = now, quota 0)', false)
    .action(async (file: string, options: { rejects?: string; format?: IngestFormat; batchSize: number; workers: number; createWaves: boolean }) => {
      const cfg = config();
      const logger = createLogger(cfg);
      const totalBytes = fs.statSync(file).size;
      const rejectsFile = options.rejects ?? `${file}.rejects.csv`;
      const database = await openDatabase(cfg);
      const rejects = fs.createWriteStream(rejectsFile);
      rejects.write('line,code\n');
      const reporter = progressReporter(process.stderr, totalBytes);
      try {
        const services = createServices(cfg, database, loadKeyring(cfg, logger), logger);
        const summary = await runIngest(services, readRecords(file, options.format ?? formatOf(file)), {
          batchSize: options.batchSize,
          workers: options.workers,
          createWaves: options.createWaves,
          onReject: (rows) => rejects.write(rows.map((r) => `${r.line},${r.code}\n`).join('')),
          onProgress: (p) => reporter.update(p),
        });
        reporter.stop();
        print(`ingested ${file} in ${(summary.elapsedMs / 1000).toFixed(1)} s (${summary.rowsPerSecond} rows/s)`);
        print(`  rows read:        ${summary.rows}`);
        print(`  applications:     ${summary.applicationsStored} stored, ${summary.alreadyStored} already stored (skipped)`);
        print(`  people created:   ${summary.subjectsCreated}`);
        print(`  rejected:         ${summary.rejected}${summary.rejected > 0 ? ` -> ${rejectsFile}` : ''}`);
        for (const [code, n] of Object.entries(summary.rejectedByCode).sort()) print(`    ${code}: ${n}`);
        if (summary.wavesCreated.length > 0) print(`  waves created:    ${summary.wavesCreated.join(', ')}`);
        logger.info({ rows: summary.rows, stored: summary.applicationsStored, alreadyStored: summary.alreadyStored, rejected: summary.rejected, rejectedByCode: summary.rejectedByCode, ms: summary.elapsedMs }, 'ingest finished');
      } finally {
        reporter.stop();
        await new Promise<void>((resolve) => rejects.end(resolve));
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
        const verdict = await new AccessLogService(() => new Date()).verify(database);
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
        const store = new CountStore();
        const differences = await em.transactional((tx) => store.reconcile(tx));
        const version = await store.version(em);
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
      const progress = screeningProgress('lines', size > 0);
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

  keys
    .command('rotate')
    .description(
      'add a new token key and a new key-encryption key to the keys file (new writes use them; old keys stay readable); ' +
        'restart the servers, then run `keys rewrap` and `keys retokenize`',
    )
    .option('--token-only', 'rotate only the token key')
    .option('--kek-only', 'rotate only the key-encryption key')
    .action(async (options: { tokenOnly?: boolean; kekOnly?: boolean }) => {
      if (options.tokenOnly && options.kekOnly) throw new InvalidArgumentError('--token-only and --kek-only exclude each other');
      const cfg = config();
      const before = Keyring.fromFile(cfg.keysFile);
      const next = Keyring.fromJson(rotateKeys(before.toJSON(), { token: !options.kekOnly, kek: !options.tokenOnly }));
      const database = await openDatabase(cfg, { migrate: false });
      try {
        writeKeysFile(cfg.keysFile, next.toJSON());
        const added = [
          next.currentTokenKeyId !== before.currentTokenKeyId ? `token key ${next.currentTokenKeyId}` : undefined,
          next.currentKekId !== before.currentKekId ? `key-encryption key ${next.currentKekId}` : undefined,
        ].filter(Boolean);
        await new AccessLogService(() => new Date()).appendAlone(database.fork(), {
          principal: cliPrincipal(),
          action: AccessAction.KEY_ROTATION,
          outcome: 'ALLOWED',
          reference: `added ${added.join(', ')}`,
        });
        print(`rotated ${cfg.keysFile}: added ${added.join(', ')}; restart the servers, then run \`samaran keys rewrap\` and \`samaran keys retokenize\``);
      } finally {
        await database.close();
      }
    });

  const batchJob = (name: 'rewrap' | 'retokenize', description: string) =>
    keys
      .command(name)
      .description(description)
      .option('--batch-size <n>', 'rows per transaction', positiveInteger, 1000)
      .option('--max-batches <n>', 'stop after this many batches (a rerun continues)', positiveInteger)
      .action(async (options: { batchSize: number; maxBatches?: number }) => {
        const cfg = config();
        const logger = createLogger(cfg);
        const keyring = Keyring.fromFile(cfg.keysFile);
        const database = await openDatabase(cfg, { migrate: false });
        const progress = batchProgress(name);
        try {
          const lifecycle = new KeyLifecycleService(keyring, new PersonalDataSealer(keyring), new Tokenizer(keyring), new AccessLogService(() => new Date()));
          const run = { batchSize: options.batchSize, maxBatches: options.maxBatches, onBatch: progress.onBatch };
          const result = name === 'rewrap' ? await lifecycle.rewrap(database.fork(), cliPrincipal(), run) : await lifecycle.retokenize(database.fork(), cliPrincipal(), run);
          progress.stop();
          reportBatchRun(name, result);
          if (result.failed > 0) logger.warn({ failed: result.failed }, `${name}: some rows could not be opened with the keys file`);
        } finally {
          progress.stop();
          await database.close();
        }
      });
  batchJob('rewrap', 're-wrap every data key under the newest key-encryption key, in batches; resumable (rows already re-wrapped are skipped)');
  batchJob('retokenize', 'recompute NIK, phone and email tokens under the newest token key from the vault, in batches; resumable');

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
function screeningProgress(unit: string, byBytes: boolean) {
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  let lastPlain = 0;
  const bar = tty
    ? new SingleBar(
        { stream: process.stderr, format: `{bar} {percentage}% | {lines} ${unit} | {rate} ${unit}/s | ETA {eta_formatted}`, hideCursor: true, etaBuffer: 50 },
        Presets.shades_classic,
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
