import { z } from 'zod';
import { BaseEnvSchema, loadConfig } from '../shared/config.ts';

/** Environment of the ingestion service (`vigie run`, and the test child process). */
export const PipelineEnvSchema = BaseEnvSchema.extend({
  /**
   * Most events handed to the engine and the store at once: a priority notice waits for at most
   * one such chunk of the main lane (docs/performance.md). Default 5,000.
   */
  VIGIE_BATCH_SIZE: z.coerce.number().int().min(1).max(1_000_000).default(5_000),
  /**
   * Sellers per snapshot slice of a run (at most VIGIE_BATCH_SIZE), each built under the lane
   * lock, the event loop given back between two: a priority batch waits for at most one slice
   * (~0.1 s of CPU) for the lock and for its I/O completions (docs/ingestion.md). Default 1,000.
   */
  VIGIE_SNAPSHOT_SLICE: z.coerce.number().int().min(1).max(1_000_000).default(1_000),
  /**
   * Most events in a main-lane chunk started while a priority batch is in hand (at most
   * VIGIE_BATCH_SIZE): a notice then waits for chunks this size, not VIGIE_BATCH_SIZE, and the
   * smaller statements cost only while notices are in hand (docs/ingestion.md). Default 1,000.
   */
  VIGIE_PRIORITY_CHUNK: z.coerce.number().int().min(1).max(1_000_000).default(1_000),
  /** Event ids remembered as done, the first dedup check. Default 50,000. */
  VIGIE_RECENT_IDS: z.coerce.number().int().min(0).max(50_000_000).default(50_000),
  /**
   * Main-topic partitions whose batches are taken at once by one instance; they go through the
   * pipeline merged into one run (services/pipeline/coalesce.ts). Default 8.
   */
  VIGIE_PARTITIONS_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  /**
   * Main-topic runs in flight. 2: the next fetch is taken as soon as a run of at least
   * VIGIE_BATCH_SIZE records (a backlog) has its CPU part done, so its writes, snapshot write and
   * detector pass overlap the next run's work; smaller runs go one at a time. Offsets are still
   * committed only once a run is stored, in order. 1: one run at a time. Default 1: on the 1M
   * bench, 2 drained a backlog ~5 % faster but its produce-to-score latency came out worse in
   * both runs (docs/performance.md, fourth session).
   */
  VIGIE_KAFKA_IN_FLIGHT: z.coerce.number().int().min(1).max(2).default(1),
  /**
   * `full`: rebuild every seller's feature state from the store at start, before consuming (exact
   * after a restart). `lazy`: rebuild each seller on its first event (fast start; cross-seller
   * matches against sellers not yet seen may be missed). Default `full`.
   */
  VIGIE_REBUILD: z.enum(['full', 'lazy']).default('full'),
  /**
   * Cross-seller lookups (identifier links, platform-wide re-lists): `memory` keeps them in the
   * instance (exact for one instance); `store` goes through the store, batched and cached, for
   * several instances. Default `memory`: see docs/features.md for what `store` still misses.
   */
  VIGIE_CROSS_SELLER: z.enum(['store', 'memory']).default('memory'),
  /**
   * Bytes fetched per partition per request: the upper bound of a Kafka batch. Default 4 MiB
   * (1 MiB until the twenty-second session), so that a backlog's runs reach VIGIE_RUN_MAX_RECORDS.
   */
  VIGIE_FETCH_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(4 * 1024 * 1024),
  /**
   * Records of the main topic merged into one pipeline run at most (services/pipeline/coalesce.ts):
   * a backlog's runs are as large as the fetches allow (partitions × VIGIE_FETCH_MAX_BYTES) up to
   * this. A run pays its snapshots, snapshot write and detector pass once per changed seller, so
   * larger runs cost less per event; near real time runs are small whatever this is. Default
   * 100,000 (with 4 MiB fetches, runs of ~60,000 records on the 1M bench): a backlog drained
   * with about a fifth less CPU than with 20,000, and trusted-flagger notices came through as
   * fast, now that a run's decode and snapshots are sliced and the priority lane has its own
   * chDB connection (docs/ingestion.md, docs/performance.md, twenty-second session). The price:
   * more resident memory at the peak.
   */
  VIGIE_RUN_MAX_RECORDS: z.coerce.number().int().min(1).max(1_000_000).default(100_000),
  /**
   * Kafka session timeout, ms: how long the group waits for a member that stopped answering (a
   * crashed instance) before giving its partitions to others. Default 30,000.
   */
  VIGIE_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).default(30_000),
  /**
   * How long a Kafka batch may wait for its run while the consumer keeps its group session alive
   * (heartbeats), ms; past it a hung run lets the group move its partitions. Default 300,000.
   */
  VIGIE_BATCH_IN_HAND_MAX_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(300_000),
  /** Consume the priority topic (trusted-flagger and authority notices). Default true. */
  VIGIE_PRIORITY_LANE: z.stringbool().default(true),
  /** First back-off after a failed batch, ms (doubles up to 30 s). Default 200. */
  VIGIE_RETRY_INITIAL_MS: z.coerce.number().int().min(1).max(60_000).default(200),
  /**
   * Test hook: kill -9 this process right after the N-th batch's new events are stored, before
   * its features, snapshots and offset commit. Unset in production.
   */
  VIGIE_TEST_CRASH_AFTER_STORE: z.coerce.number().int().min(1).optional(),
});

export type PipelineEnv = z.infer<typeof PipelineEnvSchema>;

export function loadPipelineConfig(env?: Record<string, string | undefined>): PipelineEnv {
  return loadConfig(PipelineEnvSchema, env);
}
