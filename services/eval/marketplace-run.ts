import { createReadStream } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Policy } from '../../detectors/index.ts';
import type { SellerFlagged } from '../../streams/contract/index.ts';
import { createFileDeadLetterSink } from '../../streams/dead-letter/index.ts';
import { VigieError } from '../../streams/errors.ts';
import { createNdjsonSource } from '../../streams/file/index.ts';
import {
  createClickHouseDetectorStore,
  createDetectorLoop,
  createModelFactory,
  createNdjsonFlagSink,
  openDetectorStore,
  type DetectorEnv,
  type FlagSink,
  recordFromSnapshot,
} from '../detector/index.ts';
import { createPipeline, defaultOpenBackend } from '../pipeline/index.ts';
import type { Logger } from '../shared/logger.ts';
import {
  simulateMarketplace,
  writeNdjson,
  writeTruth,
  type SimulationSummary,
  type SimulationTruth,
} from '../simulator/index.ts';
import { latestEventTime } from './event-time.ts';

export interface MarketplaceRunOptions {
  sellers: number;
  days: number;
  seed: number | string;
  /**
   * Where the stream, truth, flags, rejects and the chDB store go. Created when missing; must be
   * empty (a fresh store is the point).
   */
  workDir: string;
  /** Forest parameters, contamination, cool-down, training seed and limits, text TTL, database. */
  detector: DetectorEnv;
  policy: Policy;
  /** Lines per replay batch. @default 5,000 (as `vigie replay`) */
  batchSize?: number;
  /**
   * The detector's training schedule, played in event time (a replay compresses a month into
   * minutes, so a wall-clock schedule would never fire): train and rescore every seller whenever
   * the stream's clock passes another interval. 0 = only the final pass. @default 24 h
   */
  trainEveryMs?: number;
  logger: Logger;
  onProgress?: (progress: RunProgress) => void;
}

export interface RunProgress {
  phase: 'simulate' | 'replay' | 'train' | 'final';
  lines: number;
  /** Stream clock (latest event time seen), epoch ms; NaN before the first event. */
  eventTime: number;
  flags: number;
}

export interface MarketplaceRun {
  truth: SimulationTruth;
  simulation: {
    lines: number;
    events: number;
    duplicates: number;
    out_of_order: number;
    malformed: SimulationSummary['malformedTotal'];
    takedowns_by_class: SimulationSummary['takedownsByClass'];
    ms: number;
  };
  replay: {
    lines: number;
    accepted: number;
    duplicates: number;
    rejected: number;
    sellers: number;
    ms: number;
    events_per_s: number;
  };
  detector: {
    /** Trainings during the replay (event-time schedule), then the final one. */
    trainings: number;
    model_version: string | null;
    threshold: number | null;
    training_rows: number;
    final_pass_ms: number;
  };
  /** Every flag emitted during the run, in emission order. */
  flags: SellerFlagged[];
  /** Stream clock (epoch ms) when each flag of `flags` was emitted. */
  emittedAt: number[];
  files: { events: string; truth: string; flags: string; rejects: string; dataDir: string };
}

async function assertEmptyDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const entries = await readdir(dir);
  if (entries.length > 0) {
    throw new VigieError('BAD_REQUEST', `evaluation work directory ${dir} is not empty`, {
      context: { entries: entries.length },
    });
  }
}

/**
 * One evaluation run: simulates a marketplace to an NDJSON file, replays it through the real
 * ingestion pipeline (file source, decoding, dedup, feature engine, embedded chDB store) with the
 * detector loop on `onChanged`, as `vigie replay` and the service wire it; trains on the stream's
 * own clock; then a final training and rescoring pass. Returns every emitted flag and the truth.
 */
export async function runMarketplace(options: MarketplaceRunOptions): Promise<MarketplaceRun> {
  const { detector: config, logger } = options;
  const trainEveryMs = options.trainEveryMs ?? 86_400_000;
  await assertEmptyDir(options.workDir);
  const files = {
    events: join(options.workDir, 'events.ndjson'),
    truth: join(options.workDir, 'events.truth.json'),
    flags: join(options.workDir, 'flags.ndjson'),
    rejects: join(options.workDir, 'rejects.ndjson'),
    dataDir: join(options.workDir, 'store'),
  };
  const progress = (p: RunProgress): void => options.onProgress?.(p);

  let started = performance.now();
  progress({ phase: 'simulate', lines: 0, eventTime: Number.NaN, flags: 0 });
  const sim = simulateMarketplace({
    sellers: options.sellers,
    days: options.days,
    seed: options.seed,
  });
  await writeNdjson(sim.events, files.events);
  await writeTruth(sim.truth, files.truth);
  await writeFile(files.flags, '');
  const summary = sim.summary();
  const simulation = {
    lines: summary.lines,
    events: summary.events,
    duplicates: summary.duplicates,
    out_of_order: summary.outOfOrder,
    malformed: summary.malformedTotal,
    takedowns_by_class: summary.takedownsByClass,
    ms: Math.round(performance.now() - started),
  };

  const storeOptions = {
    dataDir: files.dataDir,
    database: config.CLICKHOUSE_DATABASE,
    textTtlDays: config.VIGIE_TEXT_TTL_DAYS,
    logger,
  };
  const opened = await openDetectorStore(storeOptions);
  const flags: SellerFlagged[] = [];
  const emittedAt: number[] = [];
  let clock = Number.NaN;
  const memorySink: FlagSink = {
    async send(batch) {
      for (const f of batch) {
        flags.push(f);
        emittedAt.push(clock);
      }
    },
  };
  const loop = createDetectorLoop({
    store: createClickHouseDetectorStore(opened.store),
    models: createModelFactory(config),
    policy: () => options.policy,
    logger,
    sinks: [createNdjsonFlagSink(files.flags), memorySink],
    cooldownMs: config.VIGIE_FLAG_COOLDOWN_H * 3_600_000,
    seed: config.VIGIE_TRAIN_SEED,
    trainIntervalMs: 0,
    // The loop trains here itself; nothing else writes models into this fresh store.
    modelPollMs: 86_400_000,
    minTrainingRows: config.VIGIE_TRAIN_MIN_ROWS,
    maxTrainingRows: config.VIGIE_TRAIN_MAX_ROWS,
  });
  const backend = await defaultOpenBackend(storeOptions).catch(async (err: unknown) => {
    await opened.close();
    throw err;
  });
  const deadLetters = createFileDeadLetterSink({ path: files.rejects });
  const pipeline = createPipeline({
    store: backend.store,
    features: backend.features,
    deadLetters,
    logger,
    onChanged: async (ids, { snapshots }) => {
      await loop.onChanged(ids, snapshots.map(recordFromSnapshot));
    },
    onChangedReadsStore: false,
  });

  const totals = { lines: 0, accepted: 0, duplicates: 0, rejected: 0 };
  const sellers = new Set<string>();
  let trainings = 0;
  let last: Awaited<ReturnType<typeof loop.train>> | undefined;
  let replayMs = 0;
  let finalMs = 0;
  try {
    await loop.start();
    started = performance.now();
    const periodStart = Date.parse(sim.truth.start);
    let nextTraining = trainEveryMs > 0 ? periodStart + trainEveryMs : Infinity;
    for await (const batch of createNdjsonSource({
      input: createReadStream(files.events),
      file: files.events,
      batchSize: options.batchSize ?? 5_000,
    })) {
      const batchTime = latestEventTime(batch.records);
      const r = await pipeline.process(batch);
      totals.lines += batch.records.length;
      totals.accepted += r.accepted;
      totals.duplicates += r.duplicates;
      totals.rejected += r.rejected;
      for (const s of r.changedSellers) sellers.add(s);
      if (!(batchTime <= clock)) clock = batchTime;
      progress({ phase: 'replay', lines: totals.lines, eventTime: clock, flags: flags.length });
      if (clock >= nextTraining) {
        while (nextTraining <= clock) nextTraining += trainEveryMs;
        progress({ phase: 'train', lines: totals.lines, eventTime: clock, flags: flags.length });
        last = await loop.train({ rescore: true });
        if (last.trained) trainings++;
      }
    }
    replayMs = performance.now() - started;
    started = performance.now();
    progress({ phase: 'final', lines: totals.lines, eventTime: clock, flags: flags.length });
    last = await loop.train({ rescore: true });
    if (last.trained) trainings++;
    finalMs = performance.now() - started;
  } finally {
    await pipeline.stop();
    await loop.stop();
    await deadLetters.close();
    await backend.close();
    await opened.close();
  }
  const model = loop.currentModel();
  return {
    truth: sim.truth,
    simulation,
    replay: {
      ...totals,
      sellers: sellers.size,
      ms: Math.round(replayMs),
      events_per_s: Math.round((totals.lines / Math.max(replayMs, 1)) * 1000),
    },
    detector: {
      trainings,
      model_version: model?.version ?? null,
      threshold: model?.summary.threshold ?? null,
      training_rows: model?.summary.rows ?? 0,
      final_pass_ms: Math.round(finalMs),
    },
    flags,
    emittedAt,
    files,
  };
}
