import { z } from 'zod';

/** The JSON `vigie bench` writes (bench-results/bench-<date>.json). Figures are positive numbers. */

const Positive = z.number().positive();
const NonNegative = z.number().min(0);

/** A run compared with a target: `met` is false when the figure is worse than the target. */
const Target = z.object({ target: Positive, met: z.boolean() });

export const LatencySummarySchema = z.object({
  count: z.number().int().min(0),
  p50_ms: NonNegative,
  p90_ms: NonNegative,
  p99_ms: NonNegative,
  max_ms: NonNegative,
});
export type LatencySummary = z.infer<typeof LatencySummarySchema>;

export const ThroughputSchema = z.object({
  records: z.number().int().positive(),
  elapsed_s: Positive,
  events_per_s: Positive,
  /**
   * CPU time of this process over the run (all its threads: chDB's, workers'), when measured:
   * on a shared machine, wall-clock rates depend on the neighbours' load, CPU time much less.
   */
  cpu_s: NonNegative.optional(),
});
export type Throughput = z.infer<typeof ThroughputSchema>;

/**
 * Mean wall-clock ms per main-lane batch in each pipeline stage over a phase
 * (services/pipeline/metrics.ts, `PipelineStage`), with the batches and mean records per batch.
 */
export const StageBreakdownSchema = z.object({
  batches: z.number().int().min(0),
  records_per_batch: NonNegative,
  ms_per_batch: z.record(z.string(), NonNegative),
});
export type StageBreakdown = z.infer<typeof StageBreakdownSchema>;

const EventSplitSchema = z.object({
  events: z.number().int().min(0),
  before_pipeline_ms: z.number(),
  in_pipeline_ms: NonNegative,
});

const BatchSplitSchema = z.object({
  batches: z.number().int().min(0),
  records: NonNegative,
  wall_ms: NonNegative,
  gc_ms: NonNegative,
  unstaged_ms: NonNegative,
  stages_ms: z.record(z.string(), NonNegative),
});

export const LatencyTailSchema = z.object({
  threshold_ms: NonNegative,
  all: EventSplitSchema,
  tail: EventSplitSchema,
  all_batches: BatchSplitSchema,
  tail_batches: BatchSplitSchema,
  slowest: z.array(BatchSplitSchema.extend({ end_s: z.number() })),
});

const LoopDelaySchema = z.object({
  p50_ms: NonNegative,
  p99_ms: NonNegative,
  max_ms: NonNegative,
});

export const E2eSectionSchema = z.object({
  topic_partitions: z.number().int().positive(),
  produce: ThroughputSchema,
  /** The real pipeline: Kafka group → decode → dedup → engine → chDB → detector → commit. */
  pipeline: ThroughputSchema.extend({
    accepted: z.number().int().min(0),
    duplicates: z.number().int().min(0),
    rejected: z.number().int().min(0),
    sellers: z.number().int().positive(),
    /** Time from start() to the first handled batch (group join), excluded from events_per_s. */
    startup_s: NonNegative,
    /** Where a drain batch's time went. */
    stages: StageBreakdownSchema.optional(),
    /** The drain's CPU seconds per thread name of the process (services/bench/thread-cpu.ts). */
    threads_s: z.record(z.string(), NonNegative).optional(),
    /** Cores the whole machine (the broker included) kept busy during the drain. */
    machine_busy_cores: NonNegative.optional(),
    /**
     * How late the event loop ran a 10 ms timer during the drain (services/bench/loop-delay.ts):
     * what a priority batch's each I/O completion may wait for. Since the twenty-third session.
     */
    event_loop_delay_ms: LoopDelaySchema.optional(),
  }),
  /** Transport ceiling: a kafkajs consumer that only reads and JSON-parses. */
  baseline: ThroughputSchema.extend({ name: z.string() }),
  target: Target,
  latency: z.object({
    rate_per_s: Positive,
    duration_s: Positive,
    produced: z.number().int().positive(),
    achieved_rate_per_s: Positive,
    produce_to_score: LatencySummarySchema,
    target: Target,
    /** Detector model used while scoring (trained after the drain, on the drained store). */
    model_trained_on: z.number().int().min(0),
    train_ms: NonNegative,
    completed: z.boolean(),
    /** Where a batch's time went during the paced run. */
    stages: StageBreakdownSchema.optional(),
    /** The latencies of the events sent in each 10 s of the run, in order: when it was slow. */
    by_10s: z.array(LatencySummarySchema).optional(),
    /**
     * Where the events at or over the p99 lost their time, next to all events: before the
     * pipeline took their batch, in it, and their batches' stages and GC
     * (services/bench/latency-tail.ts).
     */
    tail: LatencyTailSchema.optional(),
    /**
     * Per 10 s of wall time from the start of sending: the stage means of the batches that
     * ended in it, GC pauses, event-loop utilisation and process CPU (services/bench/window-sampler.ts).
     */
    windows: z
      .array(
        z.object({
          end_s: NonNegative,
          stages: StageBreakdownSchema,
          gc: z.object({
            pauses: z.number().int().min(0),
            total_ms: NonNegative,
            max_ms: NonNegative,
            major_ms: NonNegative,
          }),
          event_loop_utilization: NonNegative,
          event_loop_delay_ms: LoopDelaySchema.optional(),
          cpu_s: NonNegative,
          threads_s: z.record(z.string(), NonNegative).optional(),
          machine_busy_cores: NonNegative.optional(),
        }),
      )
      .optional(),
  }),
});

export const ReplaySectionSchema = z.object({
  pipeline: ThroughputSchema.extend({
    accepted: z.number().int().min(0),
    duplicates: z.number().int().min(0),
    rejected: z.number().int().min(0),
    sellers: z.number().int().positive(),
  }),
  /** Raw line reading + JSON.parse + zod (the contract's decodeRecord), nothing else. */
  baseline: ThroughputSchema.extend({ name: z.string() }),
  target: Target,
});

export const PrioritySectionSchema = z.object({
  /** Ordinary events queued on the main topic when the first notice was sent. */
  backlog: z.number().int().positive(),
  /** Notice on `marketplace.priority` → the seller's features stored and scored. */
  priority: LatencySummarySchema,
  /**
   * Per notice (since the twenty-second session): its latency; from its send until the pipeline
   * was handed its batch (Kafka, the priority consumer's fetch, and the event loop); the lane
   * that applied it; where its batch spent its time in the pipeline (ms per stage, as in
   * `e2e.pipeline.stages`); and the pipeline time no stage accounts for (`unstaged_ms`, since the
   * twenty-third session).
   */
  notices: z
    .array(
      z.object({
        latency_ms: Positive,
        to_pipeline_ms: z.number(),
        priority_lane: z.boolean(),
        stages_ms: z.record(z.string(), z.number()),
        unstaged_ms: z.number().optional(),
      }),
    )
    .optional(),
  /** Each notice's effect checked in the stored snapshot (notices_trusted_total went up). */
  verified: z.boolean(),
  /** The same kind of notice on the main topic only, behind the backlog. */
  baseline: z.object({ latency_ms: Positive, queued_behind: z.number().int().min(0) }),
  target: Target,
});

const ScoringRun = z.object({
  elapsed_ms: Positive,
  /** Process CPU time (all threads) while scoring. */
  cpu_ms: Positive,
  sellers_per_s: Positive,
});

export const DetectorSectionSchema = z.object({
  rows: z.number().int().positive(),
  features: z.number().int().positive(),
  trees: z.number().int().positive(),
  sample_size: z.number().int().positive(),
  vigie: z.object({
    train_ms: Positive,
    single_thread: ScoringRun,
    parallel: ScoringRun.extend({
      threads: z.number().int().positive(),
      /** Worker start-up and model transfer, paid once per model. */
      pool_start_ms: Positive,
    }),
  }),
  baseline: z.object({
    name: z.string(),
    /** Same-size trees: trained on a ψ-row sample, as each Vigie tree is. */
    train_ms: Positive,
    scored_rows: z.number().int().positive(),
    score: ScoringRun,
    /** Trained on a larger sample (deeper trees), as a user of the package would. */
    large: z.object({
      train_rows: z.number().int().positive(),
      train_ms: Positive,
      scored_rows: z.number().int().positive(),
      sellers_per_s: Positive,
    }),
  }),
  /** Vigie's best sellers/s (wall clock) over the baseline's, same-size trees. */
  speedup: Positive,
  speedup_single_thread: Positive,
  /** Sellers per CPU-second, single thread, over the baseline's: independent of the load. */
  speedup_per_cpu: Positive,
  speedup_vs_large: Positive,
  /** Scores of the parallel and single-thread scorers are identical. */
  parallel_identical: z.boolean(),
  target: Target,
});

export const MemorySectionSchema = z.object({
  sellers: z.number().int().positive(),
  before: z.object({ rss_bytes: Positive, heap_used_bytes: Positive }),
  after: z.object({ rss_bytes: Positive, heap_used_bytes: Positive }),
  rss_bytes_per_seller: z.number(),
  heap_bytes_per_seller: z.number(),
  target: Target,
  /** What the process held besides the feature state (recent-id cache, chDB, kafkajs). */
  note: z.string(),
  /**
   * Where the RSS delta went, in bytes (after − before unless said). Optional: reports written
   * before it existed have none.
   */
  breakdown: z
    .object({
      heap_used_bytes: z.number(),
      /** V8's heap pages, used or free: what the heap costs in RSS. */
      heap_total_bytes: z.number(),
      /** `process.memoryUsage().external` (C++ memory tied to JS objects, Buffers included). */
      external_bytes: z.number(),
      array_buffers_bytes: z.number(),
      /** Resident file pages (Linux RssFile): libchdb.so's code, paged in as it first runs. */
      rss_file_bytes: z.number().optional(),
      /** chDB's `system.metrics` MemoryTracking; absent for a ClickHouse server. */
      chdb_tracked_bytes: z.number().optional(),
      /** Active MergeTree parts after the drain, and their in-memory primary keys (bytes). */
      chdb_parts: z.number().int().nonnegative().optional(),
      chdb_primary_key_bytes: z.number().nonnegative().optional(),
      /**
       * Background merges running at the reading, and the memory they hold (`system.merges`,
       * usually counted in `chdb_tracked_bytes` too): work in flight, not state. Since the
       * twenty-fifth session.
       */
      chdb_merges: z.number().int().nonnegative().optional(),
      chdb_merges_bytes: z.number().optional(),
      /** chDB's caches holding bytes at the reading (`system.metrics` `…CacheBytes`), by name. */
      chdb_cache_bytes: z.record(z.string(), z.number()).optional(),
      /** The pipeline's recent-id cache: capacity, ids held, heap bytes (a replica measured). */
      recent_ids: z.object({
        capacity: z.number().int().nonnegative(),
        ids: z.number().int().nonnegative(),
        heap_bytes: z.number().nonnegative(),
      }),
      /**
       * RSS delta − file pages − heap pages − external − chDB tracked: what no figure explains
       * (allocator retention, thread stacks, kafkajs and Node internals outside the heap).
       */
      other_bytes: z.number(),
      /**
       * What glibc's `malloc_trim(0)`, called right after the reading, gave back (RSS after −
       * RSS after the trim, both after a full GC): free memory the C allocator kept, a part of
       * `other_bytes`. Absent when the trim could not run (`malloc_trim_unavailable` says why)
       * and in reports written before it existed.
       */
      allocator_free_bytes: z.number().optional(),
      malloc_trim_ms: z.number().nonnegative().optional(),
      malloc_trim_unavailable: z.string().optional(),
    })
    .optional(),
});

const Section = <T extends z.ZodType>(schema: T) =>
  z.union([
    z.object({ status: z.literal('ok'), result: schema }),
    z.object({ status: z.enum(['failed', 'skipped']), reason: z.string() }),
  ]);

export const BenchReportSchema = z.object({
  format: z.literal('vigie-bench'),
  version: z.literal(1),
  command: z.string(),
  started_at: z.string(),
  elapsed_s: Positive,
  machine: z.object({
    cpus: z.number().int().positive(),
    cpu_model: z.string(),
    memory_gib: Positive,
    node: z.string(),
    load_average_start: z.array(z.number()),
    load_average_end: z.array(z.number()),
    kafka: z.string().optional(),
    commit: z.string().optional(),
    node_options: z.array(z.string()).optional(),
    allocator: z.record(z.string(), z.string()).optional(),
    /** chDB's merge threads' nice value, and whether the process can apply it (CAP_SYS_NICE). */
    chdb_merge_nice: z
      .object({ value: z.number().int().min(-20).max(19), applied: z.boolean().nullable() })
      .optional(),
    /** libuv's pool size (UV_THREADPOOL_SIZE; `vigie` sets 16): chDB's statements run there. */
    uv_threadpool_size: z.number().int().positive().optional(),
  }),
  dataset: z
    .object({
      sellers: z.number().int().positive(),
      days: z.number().int().positive(),
      seed: z.number().int().min(0),
      lines: z.number().int().positive(),
      bytes: z.number().int().positive(),
      /** The store's text TTL (`benchTextTtlDays`); absent in reports before it was recorded. */
      text_ttl_days: z.number().int().positive().optional(),
    })
    .optional(),
  sections: z.object({
    detector: Section(DetectorSectionSchema).optional(),
    replay: Section(ReplaySectionSchema).optional(),
    e2e: Section(E2eSectionSchema).optional(),
    priority: Section(PrioritySectionSchema).optional(),
    memory: Section(MemorySectionSchema).optional(),
  }),
});

export type BenchReport = z.infer<typeof BenchReportSchema>;
export type E2eSection = z.infer<typeof E2eSectionSchema>;
export type ReplaySection = z.infer<typeof ReplaySectionSchema>;
export type PrioritySection = z.infer<typeof PrioritySectionSchema>;
export type DetectorSection = z.infer<typeof DetectorSectionSchema>;
export type MemorySection = z.infer<typeof MemorySectionSchema>;
export type SectionResult<T> =
  { status: 'ok'; result: T } | { status: 'failed' | 'skipped'; reason: string };
