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

/** Ingestion metrics in their own prom-client registry (no global state; the API serves it). */
export interface PipelineMetrics {
  readonly registry: Registry;
  readonly counters: PipelineCounters;
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
