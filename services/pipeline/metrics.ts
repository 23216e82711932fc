import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Which dedup layer caught a duplicate (see docs/ingestion.md, "Dedup layers"). */
export type DuplicateLayer = 'batch' | 'recent' | 'store';

/** Plain totals since start, for the replay summary, health and the API. */
export interface PipelineCounters {
  accepted: number;
  duplicates: number;
  rejected: number;
  batches: number;
  failedBatches: number;
}

/**
 * Where a batch's time goes, wall-clock, summed over its chunks: `decode`; `dead_letters` (its
 * rejects handed to the dead-letter sink); `order_wait` (waiting for the same lane's previous
 * batch: its CPU part, then its hook); `lock_wait` (for the lane lock); `rebuild` (state read
 * back from the store for sellers not yet held); `engine` (the feature engine, with its
 * cross-seller lookups); `lookup_wait` (waiting for the store's stored-id answer after the
 * engine); `chunk_write_wait` (before the next chunk, waiting for the inserts of the chunk two
 * back: at most one chunk's writes run behind the chunk being applied); `snapshots` (features
 * derived for the changed sellers); `hook_start` (the detector hook's synchronous start, when it
 * runs beside the writes); `events_write_wait` (waiting for the last chunks' inserts once the CPU
 * part is done); `snapshot_write` and `hook` (the detector), `snapshot_write_hook` when the two
 * overlap; `ack` (offsets committed).
 */
export type PipelineStage =
  | 'decode'
  | 'dead_letters'
  | 'order_wait'
  | 'lock_wait'
  | 'rebuild'
  | 'engine'
  | 'lookup_wait'
  | 'chunk_write_wait'
  | 'snapshots'
  | 'events_write_wait'
  | 'snapshot_write'
  | 'hook'
  | 'snapshot_write_hook'
  | 'hook_start'
  | 'ack';

/** Seconds and batches per stage and lane since start (the bench's breakdown reads them). */
export type StageTotals = Record<
  'main' | 'priority',
  Partial<Record<PipelineStage, { seconds: number; batches: number }>>
>;

/** Ingestion metrics in their own prom-client registry (no global state; the API serves it). */
export interface PipelineMetrics {
  readonly registry: Registry;
  readonly counters: PipelineCounters;
  readonly stageTotals: StageTotals;
  /** One batch's time in `stage`, seconds (0 is recorded: the stage ran but did not wait). */
  stage(lane: 'main' | 'priority', stage: PipelineStage, seconds: number): void;
  accepted(type: string, n?: number): void;
  duplicate(layer: DuplicateLayer, n?: number): void;
  deadLetter(code: string, n?: number): void;
  batch(lane: 'main' | 'priority', seconds: number, ok: boolean): void;
  lag(topic: string, partition: number, messages: number): void;
}

export function createPipelineMetrics(registry = new Registry()): PipelineMetrics {
  const registers = [registry];
  const events = new Counter({
    name: 'vigie_events_accepted_total',
    help: 'Events accepted (stored and applied once), by event type.',
    labelNames: ['type'],
    registers,
  });
  const duplicates = new Counter({
    name: 'vigie_events_duplicate_total',
    help: 'Events recognised as already seen, by the dedup layer that caught them.',
    labelNames: ['layer'],
    registers,
  });
  const deadLetters = new Counter({
    name: 'vigie_dead_letters_total',
    help: 'Records sent to the dead letters, by code.',
    labelNames: ['code'],
    registers,
  });
  const batches = new Histogram({
    name: 'vigie_batch_duration_seconds',
    help: 'Time to process one batch (decode to ack), by lane and outcome.',
    labelNames: ['lane', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const stages = new Histogram({
    name: 'vigie_batch_stage_seconds',
    help: 'Time of one batch in each stage of the pipeline (docs/ingestion.md), by lane.',
    labelNames: ['lane', 'stage'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const stageTotals: StageTotals = { main: {}, priority: {} };
  const lag = new Gauge({
    name: 'vigie_consumer_lag_messages',
    help: 'Messages behind the end of the partition after the last handled batch.',
    labelNames: ['topic', 'partition'],
    registers,
  });
  const counters: PipelineCounters = {
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    batches: 0,
    failedBatches: 0,
  };
  return {
    registry,
    counters,
    stageTotals,
    stage(lane, stage, seconds) {
      stages.observe({ lane, stage }, seconds);
      const total = (stageTotals[lane][stage] ??= { seconds: 0, batches: 0 });
      total.seconds += seconds;
      total.batches += 1;
    },
    accepted(type, n = 1) {
      if (n === 0) return;
      events.inc({ type }, n);
      counters.accepted += n;
    },
    duplicate(layer, n = 1) {
      if (n === 0) return;
      duplicates.inc({ layer }, n);
      counters.duplicates += n;
    },
    deadLetter(code, n = 1) {
      if (n === 0) return;
      deadLetters.inc({ code }, n);
      counters.rejected += n;
    },
    batch(lane, seconds, ok) {
      batches.observe({ lane, outcome: ok ? 'ok' : 'failed' }, seconds);
      if (ok) counters.batches += 1;
      else counters.failedBatches += 1;
    },
    lag(topic, partition, messages) {
      lag.set({ topic, partition: String(partition) }, messages);
    },
  };
}
