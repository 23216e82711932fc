import { createReadStream } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { SingleBar } from 'cli-progress';
import { spawn } from 'node:child_process';
import { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError, Option, type Command } from 'commander';
import {
  createFileDeadLetterSink,
  createLogDeadLetterSink,
} from '../../../streams/dead-letter/index.ts';
import { VigieError, type ErrorCode } from '../../../streams/errors.ts';
import { createNdjsonSource, REPLAY_BATCH_LINES } from '../../../streams/file/index.ts';
import {
  createPipeline,
  defaultOpenBackend,
  defaultOpenFlagHook,
  loadPipelineConfig,
  type OpenFlagHook,
  type OpenIngestionBackend,
  processInOrder,
} from '../../pipeline/index.ts';
import { createLogger } from '../../shared/logger.ts';

export interface ReplayOptions {
  rejectsOut?: string;
  flagsOut?: string;
  dataDir?: string;
  batchSize: number;
  /** Internal: read from this inherited file descriptor instead of `file` (see the relay). */
  inputFd?: number;
  /** Internal: batches in flight (default 2; 1 processes one batch at a time). */
  inFlight?: number;
}

/** What `vigie replay` prints on stdout when done: one JSON line. */
export interface ReplaySummary {
  accepted: number;
  duplicates: number;
  rejected: number;
  flags_emitted: number;
  sellers: number;
  elapsed_ms: number;
  events_per_s: number;
}

export interface ReplayDeps {
  openBackend: OpenIngestionBackend;
  /** Detectors and flags (wired by the lead); null = none yet, 0 flags. */
  openFlagHook: OpenFlagHook | null;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) {
    throw new InvalidArgumentError('expected an integer from 1 to 1000000');
  }
  return n;
}

export function registerReplay(
  program: Command,
  deps: ReplayDeps = { openBackend: defaultOpenBackend, openFlagHook: defaultOpenFlagHook },
): void {
  program
    .command('replay')
    .description(
      'run the ingestion pipeline over an NDJSON file (or - for standard input) into the store; ' +
        'prints one JSON summary line',
    )
    .argument('<file>', 'NDJSON file of contract events, or - for standard input')
    .option('--rejects-out <file>', 'write rejected records (dead letters) to this NDJSON file')
    .option('--flags-out <file>', 'write emitted seller.flagged events to this NDJSON file')
    .option('--data-dir <dir>', 'embedded store directory (default: $VIGIE_DATA_DIR)')
    .option('--batch-size <n>', 'lines per batch', positiveInt, REPLAY_BATCH_LINES)
    .addOption(
      new Option('--input-fd <fd>', 'internal: read this descriptor')
        .argParser(positiveInt)
        .hideHelp(),
    )
    .action(async (file: string, options: ReplayOptions) => {
      if (file === '-' && options.inputFd === undefined && !process.stdin.isTTY) {
        await relayStandardInput(options);
        return;
      }
      const summary = await runReplay(file, options, deps);
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    });
}

const EXIT_TO_CODE: Record<number, ErrorCode> = {
  2: 'BAD_REQUEST',
  3: 'INVALID_CONFIG',
  4: 'STORE_UNAVAILABLE',
};

/**
 * `vigie replay -` with piped input. chDB reads a piped standard input as the data of its inserts
 * (and then refuses them, or worse), so the process that opens the store must not have one: this
 * process relays its standard input to a child replay through file descriptor 3, the child's own
 * standard input being empty. The child prints the summary; its exit code becomes ours.
 */
async function relayStandardInput(options: ReplayOptions): Promise<void> {
  const bin = fileURLToPath(new URL('../bin.cjs', import.meta.url));
  const args = [bin, 'replay', '-', '--input-fd', '3', '--batch-size', String(options.batchSize)];
  if (options.rejectsOut) args.push('--rejects-out', options.rejectsOut);
  if (options.flagsOut) args.push('--flags-out', options.flagsOut);
  if (options.dataDir) args.push('--data-dir', options.dataDir);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit', 'pipe'] });
  const input = child.stdio[3] as Writable;
  // The child may exit early (bad configuration, locked store): a broken pipe is not our error.
  input.on('error', () => {});
  process.stdin.pipe(input);
  const code = await new Promise<number>((resolve) =>
    child.once('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))),
  );
  process.stdin.unpipe(input);
  process.stdin.destroy();
  if (code !== 0) {
    throw new VigieError(
      EXIT_TO_CODE[code] ?? 'INTERNAL',
      `replay of standard input failed (exit ${code})`,
    );
  }
}

/** Replays `file` (or `-`) through the pipeline; resolves with the summary. */
export async function runReplay(
  file: string,
  options: ReplayOptions,
  deps: ReplayDeps,
): Promise<ReplaySummary> {
  const config = loadPipelineConfig();
  const logger = createLogger({ level: config.LOG_LEVEL });
  const started = performance.now();
  let total: number | undefined;
  if (file !== '-') {
    try {
      const info = await stat(file);
      if (info.isDirectory()) throw new Error('is a directory');
      if (info.isFile()) total = info.size;
    } catch (err) {
      throw new VigieError('BAD_REQUEST', `cannot read ${file}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  const backend = await deps.openBackend({
    dataDir: options.dataDir ?? config.VIGIE_DATA_DIR,
    url: config.CLICKHOUSE_URL,
    database: config.CLICKHOUSE_DATABASE,
    textTtlDays: config.VIGIE_TEXT_TTL_DAYS,
    mergeNice: config.VIGIE_CHDB_MERGE_NICE,
    logger,
  });
  const deadLetters = options.rejectsOut
    ? createFileDeadLetterSink({ path: options.rejectsOut })
    : createLogDeadLetterSink(logger);
  const flags = deps.openFlagHook
    ? await deps.openFlagHook({ flagsOut: options.flagsOut, backend, logger })
    : null;
  if (!flags && options.flagsOut) {
    // Detectors are not wired yet: an empty flags file says "none emitted" unambiguously.
    await writeFile(options.flagsOut, '');
  }
  const pipeline = createPipeline({
    store: backend.store,
    features: backend.features,
    deadLetters,
    logger,
    onChanged: flags?.onChanged,
    onChangedReadsStore: flags?.readsStore ?? true,
    onChangedAwaitsStored: flags?.awaitsStored ?? false,
    batchSize: config.VIGIE_BATCH_SIZE,
    snapshotSlice: config.VIGIE_SNAPSHOT_SLICE,
    recentIdCapacity: config.VIGIE_RECENT_IDS,
  });
  const progress = createProgress(total);
  let bytesRead = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytesRead += chunk.length;
      done(null, chunk);
    },
  });
  const source =
    options.inputFd !== undefined
      ? new Socket({ fd: options.inputFd, readable: true, writable: false })
      : file === '-'
        ? process.stdin
        : createReadStream(file);
  const input = source.pipe(counter);
  const totals = { accepted: 0, duplicates: 0, rejected: 0, lines: 0 };
  const sellers = new Set<string>();
  try {
    // Events already in the store (an earlier replay, a crashed run) are the starting state.
    if (config.VIGIE_REBUILD === 'full') await pipeline.rebuild();
    // Two batches in flight: a batch's last writes and detector pass overlap the next one's
    // decoding and engine work (services/pipeline/in-order.ts); results are the same.
    await processInOrder(
      createNdjsonSource({ input, file, batchSize: options.batchSize }),
      (batch) => pipeline.process(batch),
      (batch, r) => {
        totals.accepted += r.accepted;
        totals.duplicates += r.duplicates;
        totals.rejected += r.rejected;
        totals.lines += batch.records.length;
        for (const s of r.changedSellers) sellers.add(s);
        progress.update(bytesRead, totals);
      },
      options.inFlight ?? 2,
    );
    await flags?.finish?.();
  } finally {
    progress.stop();
    await pipeline.stop();
    await deadLetters.close();
    await flags?.close();
    await backend.close();
  }
  const elapsed = performance.now() - started;
  return {
    accepted: totals.accepted,
    duplicates: totals.duplicates,
    rejected: totals.rejected,
    flags_emitted: flags?.emitted() ?? 0,
    sellers: sellers.size,
    elapsed_ms: Math.round(elapsed),
    events_per_s: Math.round((totals.lines / Math.max(elapsed, 1)) * 1000),
  };
}

interface Progress {
  update(bytes: number, totals: { accepted: number; rejected: number; lines: number }): void;
  stop(): void;
}

/** A progress bar on a terminal; a plain line every 5 s otherwise (logs, CI). */
function createProgress(totalBytes: number | undefined): Progress {
  if (process.stderr.isTTY && totalBytes !== undefined) {
    const bar = new SingleBar({
      stream: process.stderr,
      format:
        'replay [{bar}] {percentage}% | {lines} lines | {accepted} accepted | {rejected} rejected | ETA {eta_formatted}',
      hideCursor: true,
    });
    bar.start(totalBytes, 0, { lines: 0, accepted: 0, rejected: 0 });
    return {
      update: (bytes, t) => bar.update(bytes, t),
      stop: () => bar.stop(),
    };
  }
  let last = performance.now();
  return {
    update(bytes, t) {
      const now = performance.now();
      if (now - last < 5_000) return;
      last = now;
      const pct = totalBytes ? ` (${Math.floor((bytes / totalBytes) * 100)}%)` : '';
      process.stderr.write(
        `replay: ${t.lines} lines${pct}, ${t.accepted} accepted, ${t.rejected} rejected\n`,
      );
    },
    stop() {},
  };
}
