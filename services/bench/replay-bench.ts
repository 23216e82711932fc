import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { decodeRecord } from '../../streams/contract/index.ts';
import { createFileDeadLetterSink } from '../../streams/dead-letter/index.ts';
import { createNdjsonSource, ndjsonLines, REPLAY_BATCH_LINES } from '../../streams/file/index.ts';
import {
  createPipeline,
  defaultOpenBackend,
  defaultOpenFlagHook,
  processInOrder,
} from '../pipeline/index.ts';
import type { BenchEnv } from './config.ts';
import type { BenchDataset } from './dataset.ts';
import { BENCH_TARGETS } from './options.ts';
import type { ReplaySection } from './report.ts';
import { stopwatch, throughput } from './stats.ts';

export interface ReplayBenchDeps {
  config: BenchEnv;
  logger: Logger;
  log: (line: string) => void;
  /** chDB data directory shared by the bench's stores (one per process). */
  dataDir: string;
  workDir: string;
}

/** The transport and validation floor of a replay: lines → JSON.parse → zod, nothing kept. */
export async function measureDecodeCeiling(file: string) {
  const watch = stopwatch();
  let lines = 0;
  let valid = 0;
  for await (const line of ndjsonLines(createReadStream(file, { highWaterMark: 1 << 20 }))) {
    lines += 1;
    if (decodeRecord(line.bytes).ok) valid += 1;
  }
  return { ...throughput(lines, watch.wallMs(), watch.cpuMs()), valid };
}

/**
 * `vigie replay` as a user runs it (NDJSON source → pipeline → feature engine → embedded chDB,
 * rejects to a file, the detector on `onChanged` through the default flag hook), on the bench's
 * simulated file. The hook's end-of-input training and rescoring is not part of the ingestion
 * rate and is left out.
 */
export async function runReplayBench(
  dataset: BenchDataset,
  deps: ReplayBenchDeps,
): Promise<ReplaySection> {
  const { config, logger, log } = deps;
  const ceiling = await measureDecodeCeiling(dataset.file);
  log(`replay: baseline (read + JSON.parse + zod) ${ceiling.events_per_s} lines/s`);

  const started = performance.now();
  const watch = stopwatch();
  const backend = await defaultOpenBackend({
    dataDir: deps.dataDir,
    database: 'bench_replay',
    textTtlDays: config.VIGIE_TEXT_TTL_DAYS,
    logger,
  });
  const deadLetters = createFileDeadLetterSink({
    path: join(deps.workDir, 'replay-rejects.ndjson'),
  });
  const flags = defaultOpenFlagHook ? await defaultOpenFlagHook({ backend, logger }) : null;
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
  const totals = { lines: 0, accepted: 0, duplicates: 0, rejected: 0 };
  const sellers = new Set<string>();
  let lastLog = performance.now();
  try {
    // As `vigie replay` does with VIGIE_REBUILD=full (the default): no seller is looked up in
    // the store batch by batch afterwards.
    if (config.VIGIE_REBUILD === 'full') await pipeline.rebuild();
    // As `vigie replay` does: two batches in flight.
    await processInOrder(
      createNdjsonSource({
        input: createReadStream(dataset.file, { highWaterMark: 1 << 20 }),
        file: dataset.file,
        batchSize: REPLAY_BATCH_LINES,
      }),
      (batch) => pipeline.process(batch),
      (batch, r) => {
        totals.lines += batch.records.length;
        totals.accepted += r.accepted;
        totals.duplicates += r.duplicates;
        totals.rejected += r.rejected;
        for (const s of r.changedSellers) sellers.add(s);
        if (performance.now() - lastLog > 10_000) {
          lastLog = performance.now();
          const rate = Math.round((totals.lines / (lastLog - started)) * 1000);
          log(`replay: ${totals.lines}/${dataset.lines} lines, ${rate} lines/s`);
        }
      },
    );
  } finally {
    await pipeline.stop();
    await deadLetters.close();
    await flags?.close();
    await backend.close();
  }
  const measured = throughput(totals.lines, watch.wallMs(), watch.cpuMs());
  log(`replay: pipeline ${measured.events_per_s} lines/s`);
  return {
    pipeline: {
      ...measured,
      accepted: totals.accepted,
      duplicates: totals.duplicates,
      rejected: totals.rejected,
      sellers: sellers.size,
    },
    baseline: {
      name: 'ndjsonLines + JSON.parse + zod (decodeRecord)',
      records: ceiling.records,
      elapsed_s: ceiling.elapsed_s,
      events_per_s: ceiling.events_per_s,
      ...(ceiling.cpu_s === undefined ? {} : { cpu_s: ceiling.cpu_s }),
    },
    target: {
      target: BENCH_TARGETS.fileEventsPerS,
      met: measured.events_per_s >= BENCH_TARGETS.fileEventsPerS,
    },
  };
}
