import { randomBytes } from 'node:crypto';
import { Partitioners, type Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { VigieError } from '../../streams/errors.ts';
import { ensureTopics } from '../../streams/kafka/index.ts';
import { createClickHouseDetectorStore } from '../detector/index.ts';
import { produceToKafka } from '../simulator/index.ts';
import type { BenchEnv } from './config.ts';
import { DATASET_DAYS, ordinarySellers, sellersFor, type BenchDataset } from './dataset.ts';
import { openBenchIngestion, type BenchTopics } from './ingestion.ts';
import { measureKafkaCeiling } from './kafka-ceiling.ts';
import {
  measureRecentIdsHeap,
  readChdbMemory,
  readMemory,
  type ChdbMemoryReading,
  type MemoryReading,
} from './memory.ts';
import {
  BENCH_TARGETS,
  EVENTS_PER_SELLER,
  latencySecondsFor,
  type BenchOptions,
} from './options.ts';
import { trimNativeMemory } from './native-trim.ts';
import { runPacedLatency } from './paced-latency.ts';
import { loopDelayWatch, type LoopDelay } from './loop-delay.ts';
import { cpuWatch, type CpuSpent } from './thread-cpu.ts';
import { startWindowSampler, type WindowSampler } from './window-sampler.ts';
import { runPriorityProbes } from './priority-probe.ts';
import type { E2eSection, MemorySection, PrioritySection, StageBreakdown } from './report.ts';
import { stopwatch, throughput } from './stats.ts';
import type { TimedPipeline } from './timed-pipeline.ts';

export interface KafkaBenchDeps {
  kafka: Kafka;
  /** The same broker list, for the paced producer's own client (worker thread). */
  brokers: readonly string[];
  config: BenchEnv;
  logger: Logger;
  log: (line: string) => void;
  dataDir: string;
}

export interface KafkaBenchResult {
  e2e: E2eSection;
  priority: PrioritySection;
  memory: MemorySection;
}

const PARTITIONS = 6;

/**
 * One drain of the pre-produced backlog through the real service gives three measurements: the
 * sustained rate (e2e), trusted-flagger notices sent while the backlog is queued (priority), and
 * the resident bytes per seller once it is done (memory). Then the model is trained on the drained
 * store and new sellers' events are produced at a steady rate (produce-to-score latency).
 */
export async function runKafkaBench(
  dataset: BenchDataset,
  options: BenchOptions,
  deps: KafkaBenchDeps,
): Promise<KafkaBenchResult> {
  const { kafka, config, logger, log } = deps;
  const runId = randomBytes(4).toString('hex');
  const topics: BenchTopics = {
    main: `bench.events.${runId}`,
    priority: `bench.priority.${runId}`,
    deadLetter: `bench.dead-letter.${runId}`,
    group: `vigie-bench-${runId}`,
  };
  const timeoutMs = options.drainTimeoutSeconds * 1000;
  await ensureTopics(kafka, [
    { topic: topics.main, numPartitions: PARTITIONS },
    { topic: topics.priority, numPartitions: PARTITIONS },
  ]);

  // Only the main topic: the backlog is ordinary traffic, the priority topic holds the probes.
  let t = performance.now();
  const produced = await produceToKafka(dataset.simulation.records(), {
    kafka,
    topic: topics.main,
    partitions: PARTITIONS,
  });
  const produce = throughput(produced.lines, performance.now() - t);
  log(`kafka: ${produced.lines} lines produced (${produce.events_per_s}/s)`);

  const ceiling = await measureKafkaCeiling({
    kafka,
    topic: topics.main,
    groupId: `${topics.group}.ceiling`,
    expected: produced.lines,
    partitionsConsumedConcurrently: config.VIGIE_PARTITIONS_CONCURRENCY,
    maxBytesPerPartition: config.VIGIE_FETCH_MAX_BYTES,
    timeoutMs,
  });
  log(`kafka: transport baseline ${ceiling.events_per_s} messages/s`);

  const ingestion = await openBenchIngestion({
    kafka,
    topics,
    config,
    logger,
    dataDir: deps.dataDir,
    database: 'bench_kafka',
  });
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  try {
    await producer.connect();
    const chdbBefore = await readChdbMemory(ingestion.store.executor);
    const before = readMemory();
    const { timed } = ingestion;
    const probeSellers = ordinarySellers(dataset.simulation.truth, options.priorityProbes + 1);
    if (probeSellers.length < options.priorityProbes + 1) {
      throw new VigieError('BAD_REQUEST', 'too few ordinary sellers for the priority probes');
    }
    const stagesAtStart = stageMark(timed);
    const startCall = performance.now();
    const drainWatch = stopwatch();
    const drainThreads = cpuWatch();
    const drainDelay = loopDelayWatch();
    await ingestion.start();
    const probes = runPriorityProbes({
      producer,
      topics,
      timed,
      detectorStore: createClickHouseDetectorStore(ingestion.store),
      sellers: probeSellers,
      probes: options.priorityProbes,
      queued: produced.lines,
      occurredAt: dataset.simulation.truth.end,
      runId,
      intervalMs: 2_000,
    });
    // Awaited after the drain; a failure must not go unhandled meanwhile.
    probes.catch(() => undefined);
    // The backlog, the probes' main-topic copies and the baseline notice.
    const expected = produced.lines + options.priorityProbes + 1;
    const progress = setInterval(() => {
      const elapsed = (performance.now() - (timed.firstBatchAt() ?? startCall)) / 1000;
      log(
        `kafka: ${timed.main.records}/${expected} drained, ` +
          `${Math.round(timed.main.records / Math.max(elapsed, 1e-3))}/s`,
      );
    }, 15_000);
    try {
      // With the probes: if one fails, the drain would wait for its main-topic copy in vain.
      await withTimeout(
        Promise.all([timed.untilRecords('main', expected), probes]),
        timeoutMs,
        () => `pipeline drained ${timed.main.records} of ${expected} records`,
      );
    } finally {
      clearInterval(progress);
    }
    const drainedAt = timed.lastDoneAt()!;
    const drainCpuMs = drainWatch.cpuMs();
    const drainSpent = drainThreads.spent();
    const drainLoopDelay = drainDelay.take();
    drainDelay.stop();
    const firstAt = timed.firstBatchAt()!;
    const probeRun = await probes;
    const baseline = await probeRun.baseline;
    const after = readMemory();
    const chdbAfter = await readChdbMemory(ingestion.store.executor);
    // After the reading: how much of it is free memory glibc keeps (native-trim.ts).
    const trimmed = await trimNativeMemory();
    const allocatorFree =
      'unavailable' in trimmed
        ? { malloc_trim_unavailable: trimmed.unavailable }
        : { allocator_free_bytes: after.rss - readMemory().rss, malloc_trim_ms: trimmed.ms };
    const sellers = timed.sellers.size;
    const drainedRecords = timed.main.records;
    const drained = {
      accepted: timed.main.accepted + timed.priority.accepted,
      duplicates: timed.main.duplicates + timed.priority.duplicates,
      rejected: timed.main.rejected + timed.priority.rejected,
    };
    const breakdown = {
      ...memoryBreakdown(before, after, chdbBefore, chdbAfter, {
        capacity: config.VIGIE_RECENT_IDS,
        ids: Math.min(config.VIGIE_RECENT_IDS, drained.accepted),
        batchSize: config.VIGIE_BATCH_SIZE,
      }),
      ...allocatorFree,
    };
    const pipelineRate = throughput(timed.main.records, drainedAt - firstAt, drainCpuMs);
    const stagesAfterDrain = stageMark(timed);
    log(`kafka: pipeline ${pipelineRate.events_per_s} events/s, ${sellers} sellers`);

    t = performance.now();
    const trained = await ingestion.detector.loop.train({ seed: options.seed, rescore: false });
    const trainMs = performance.now() - t;
    log(`kafka: model trained on ${trained.rows} sellers in ${Math.round(trainMs)} ms`);

    const seconds = latencySecondsFor(options);
    // Same window and start as the backlog (another seed): its events are dated before the
    // drained ones, so the run also exercises late data (takedowns before the latest publications).
    const fresh = {
      sellers: Math.max(
        sellersFor(1_000),
        Math.ceil(((options.latencyRate * seconds) / EVENTS_PER_SELLER) * 1.2),
      ),
      days: DATASET_DAYS,
      seed: options.seed + 1,
    };
    log(`kafka: latency run, ${options.latencyRate} events/s for ${seconds} s`);
    // Windows from the first send, as `by_10s`: the producer first simulates its load.
    let sampler: WindowSampler | undefined;
    const paced = await runPacedLatency({
      brokers: deps.brokers,
      topic: topics.main,
      timed,
      simulation: fresh,
      ratePerS: options.latencyRate,
      seconds,
      settleTimeoutMs: Math.min(timeoutMs, Math.max(60_000, seconds * 3_000)),
      onSending: () => {
        sampler = startWindowSampler(10_000, () => stageMark(timed), stageBreakdown);
      },
    });
    const windows = sampler?.stop() ?? [];
    log(`kafka: latency p50 ${paced.latency.p50_ms} ms, p99 ${paced.latency.p99_ms} ms`);
    log(
      `kafka: latency p99 per 10 s: ${paced.by10s.map((w) => Math.round(w.p99_ms)).join(', ')} ms`,
    );
    for (const w of windows) {
      log(
        `kafka: window to ${w.end_s} s: gc ${w.gc.total_ms} ms (max ${w.gc.max_ms}, major ${w.gc.major_ms}), ` +
          `elu ${w.event_loop_utilization}, loop delay ${formatDelay(w.event_loop_delay_ms)} ms, ` +
          `cpu ${w.cpu_s} s (${formatSpent(w)}); ${formatStages(w.stages)}`,
      );
    }
    if (paced.tail !== undefined) {
      const { tail } = paced;
      log(
        `kafka: latency tail (≥ ${tail.threshold_ms} ms, ${tail.tail.events} events in ` +
          `${tail.tail_batches.batches} batches): before the pipeline ${tail.tail.before_pipeline_ms} ms ` +
          `(all events ${tail.all.before_pipeline_ms}), in it ${tail.tail.in_pipeline_ms} ms ` +
          `(all ${tail.all.in_pipeline_ms}); tail batches ${tail.tail_batches.records} records, ` +
          `wall ${tail.tail_batches.wall_ms} ms, gc ${tail.tail_batches.gc_ms} ms, unstaged ` +
          `${tail.tail_batches.unstaged_ms} ms (all batches ${tail.all_batches.records} records, ` +
          `wall ${tail.all_batches.wall_ms}, gc ${tail.all_batches.gc_ms}, unstaged ` +
          `${tail.all_batches.unstaged_ms})`,
      );
    }
    const latencyStages = stageBreakdown(stagesAfterDrain, stageMark(timed));
    const drainStages = stageBreakdown(stagesAtStart, stagesAfterDrain);
    log(`kafka: drain batch stages (ms): ${formatStages(drainStages)}`);
    log(`kafka: drain CPU per thread (s): ${formatSpent(drainSpent)}`);
    log(`kafka: drain event-loop delay (ms): ${formatDelay(drainLoopDelay)}`);
    log(`kafka: latency batch stages (ms): ${formatStages(latencyStages)}`);

    const e2e: E2eSection = {
      topic_partitions: PARTITIONS,
      produce,
      pipeline: {
        ...pipelineRate,
        ...drained,
        sellers,
        startup_s: Math.round(firstAt - startCall) / 1000,
        stages: drainStages,
        ...drainSpent,
        event_loop_delay_ms: drainLoopDelay,
      },
      baseline: {
        name: 'kafkajs eachBatch + JSON.parse (same fetch settings)',
        records: ceiling.records,
        elapsed_s: ceiling.elapsed_s,
        events_per_s: ceiling.events_per_s,
        ...(ceiling.cpu_s === undefined ? {} : { cpu_s: ceiling.cpu_s }),
      },
      target: {
        target: BENCH_TARGETS.kafkaEventsPerS,
        met: pipelineRate.events_per_s >= BENCH_TARGETS.kafkaEventsPerS,
      },
      latency: {
        rate_per_s: options.latencyRate,
        duration_s: paced.durationS,
        produced: paced.produced,
        achieved_rate_per_s: paced.achievedRate,
        produce_to_score: paced.latency,
        target: {
          target: BENCH_TARGETS.p99LatencyMs,
          met: paced.completed && paced.latency.p99_ms <= BENCH_TARGETS.p99LatencyMs,
        },
        model_trained_on: trained.rows,
        train_ms: Math.round(trainMs),
        completed: paced.completed,
        stages: latencyStages,
        by_10s: paced.by10s,
        ...(paced.tail === undefined ? {} : { tail: paced.tail }),
        windows,
      },
    };
    const rssPer = (after.rss - before.rss) / sellers;
    const heapPer = (after.heapUsed - before.heapUsed) / sellers;
    const memory: MemorySection = {
      sellers,
      before: { rss_bytes: before.rss, heap_used_bytes: before.heapUsed },
      after: { rss_bytes: after.rss, heap_used_bytes: after.heapUsed },
      rss_bytes_per_seller: Math.round(rssPer),
      heap_bytes_per_seller: Math.round(heapPer),
      target: { target: BENCH_TARGETS.bytesPerSeller, met: rssPer <= BENCH_TARGETS.bytesPerSeller },
      note:
        `after the drain of ${drainedRecords} records, full GC; the deltas include the ` +
        `recent-id cache (${config.VIGIE_RECENT_IDS} ids), chDB's in-process caches and kafkajs buffers`,
      breakdown,
    };
    return { e2e, priority: probeRun.result(baseline.latencyMs), memory };
  } finally {
    await producer.disconnect().catch(() => undefined);
    await ingestion.close();
  }
}

/** Where the RSS delta of the drain went (see MemorySectionSchema's `breakdown`). */
function memoryBreakdown(
  before: MemoryReading,
  after: MemoryReading,
  chdbBefore: ChdbMemoryReading | undefined,
  chdbAfter: ChdbMemoryReading | undefined,
  recent: { capacity: number; ids: number; batchSize: number },
): NonNullable<MemorySection['breakdown']> {
  const heapTotal = after.heapTotal - before.heapTotal;
  const external = after.external - before.external;
  const chdbTracked = chdbBefore && chdbAfter ? chdbAfter.tracked - chdbBefore.tracked : undefined;
  const rssFile =
    before.rssFile !== undefined && after.rssFile !== undefined
      ? after.rssFile - before.rssFile
      : undefined;
  return {
    heap_used_bytes: after.heapUsed - before.heapUsed,
    heap_total_bytes: heapTotal,
    external_bytes: external,
    array_buffers_bytes: after.arrayBuffers - before.arrayBuffers,
    ...(rssFile === undefined ? {} : { rss_file_bytes: rssFile }),
    ...(chdbAfter && chdbTracked !== undefined
      ? {
          chdb_tracked_bytes: chdbTracked,
          chdb_parts: chdbAfter.parts,
          chdb_primary_key_bytes: chdbAfter.primaryKeyBytes,
          chdb_merges: chdbAfter.merges,
          chdb_merges_bytes: chdbAfter.mergesBytes,
          chdb_cache_bytes: chdbAfter.caches,
        }
      : {}),
    recent_ids: {
      capacity: recent.capacity,
      ids: recent.ids,
      heap_bytes: measureRecentIdsHeap(recent.capacity, recent.ids, recent.batchSize),
    },
    other_bytes:
      after.rss - before.rss - (rssFile ?? 0) - heapTotal - external - (chdbTracked ?? 0),
  };
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new VigieError('INTERNAL', `timed out after ${ms} ms: ${what()}`)),
          ms,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The main lane's stage totals and records at one moment (copies). */
interface StageMark {
  records: number;
  batches: number;
  stages: Record<string, number>;
}

function stageMark(timed: TimedPipeline): StageMark {
  const stages: Record<string, number> = {};
  for (const [stage, total] of Object.entries(timed.pipeline.metrics.stageTotals.main)) {
    stages[stage] = total.seconds;
  }
  return { records: timed.main.records, batches: timed.main.batches, stages };
}

/** Mean ms per batch of each stage between two marks. */
export function stageBreakdown(from: StageMark, to: StageMark): StageBreakdown {
  const batches = to.batches - from.batches;
  const ms: Record<string, number> = {};
  for (const [stage, seconds] of Object.entries(to.stages)) {
    const spent = seconds - (from.stages[stage] ?? 0);
    ms[stage] = batches > 0 ? Math.round((spent * 1000 * 10) / batches) / 10 : 0;
  }
  return {
    batches,
    records_per_batch: batches > 0 ? Math.round((to.records - from.records) / batches) : 0,
    ms_per_batch: ms,
  };
}

function formatStages(b: StageBreakdown): string {
  const parts = Object.entries(b.ms_per_batch).map(([k, v]) => `${k} ${v}`);
  return `${b.batches} batches of ${b.records_per_batch} records; ${parts.join(', ')}`;
}

/** CPU seconds per thread and the machine's busy cores, when read (Linux). */
function formatDelay(d: LoopDelay): string {
  return `p50 ${d.p50_ms}, p99 ${d.p99_ms}, max ${d.max_ms}`;
}

function formatSpent(spent: Partial<CpuSpent>): string {
  const threads = Object.entries(spent.threads_s ?? {})
    .map(([name, s]) => `${name} ${s}`)
    .join(', ');
  const busy =
    spent.machine_busy_cores === undefined ? '' : `machine ${spent.machine_busy_cores} cores busy`;
  return [threads, busy].filter((s) => s !== '').join('; ');
}
