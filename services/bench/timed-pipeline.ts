import type { RecordBatch } from '../../streams/contract/index.ts';
import type { BatchResult, Pipeline } from '../pipeline/index.ts';
import type { BatchTrace } from './latency-tail.ts';

/** Counts of one lane (main or priority) as the timed pipeline saw them. */
export interface LaneCounts {
  records: number;
  batches: number;
  accepted: number;
  duplicates: number;
  rejected: number;
}

/**
 * The real pipeline with a stopwatch around it: the bench hands this to the Kafka service in its
 * place. A batch's `process` resolves once the batch is stored, its sellers' features written and
 * scored (the detector runs in `onChanged`) and its offsets committed, so "done" here is "the
 * seller's score is updated", measured in-process with the same clock the producer used.
 */
export interface TimedPipeline {
  readonly pipeline: Pipeline;
  readonly main: LaneCounts;
  readonly priority: LaneCounts;
  /** Distinct sellers whose features were (re)computed. */
  readonly sellers: ReadonlySet<string>;
  /** performance.now() when the first batch came in, and when the latest finished. */
  firstBatchAt(): number | undefined;
  lastDoneAt(): number | undefined;
  /**
   * Resolves when a batch holding `eventId` is done: performance.now() then and when the
   * pipeline was handed the batch, its lane, and its ms per pipeline stage.
   */
  watch(eventId: string): Promise<WatchedBatch>;
  /**
   * From now on, records in `into` when each event id is first done (performance.now() of this
   * thread; no promise per id: many thousands), until `stopRecording`.
   */
  recordDone(into: Map<string, number>): void;
  stopRecording(into: Map<string, number>): void;
  /**
   * From now on, appends each main-lane batch done to `into`: when it was taken and done, its
   * records and its ms per pipeline stage (read from the pipeline's metrics), until
   * `stopTracing`.
   */
  traceBatches(into: BatchTrace[]): void;
  stopTracing(into: BatchTrace[]): void;
  /** Resolves when `lane` has handled at least `records` records. */
  untilRecords(lane: 'main' | 'priority', records: number): Promise<void>;
}

export interface WatchedBatch {
  takenAt: number;
  doneAt: number;
  priority: boolean;
  stages: Record<string, number>;
}

const ID_KEY = Buffer.from('"event_id":"');

/**
 * The event id of a raw record without parsing it: the contract's envelope field, as producers
 * write it (`"event_id":"…"`, no escapes in ids). Records where that fails are not watched.
 */
export function eventIdOf(bytes: Buffer): string | undefined {
  const at = bytes.indexOf(ID_KEY);
  if (at < 0) return undefined;
  const start = at + ID_KEY.length;
  const end = bytes.indexOf(0x22, start);
  return end < 0 ? undefined : bytes.toString('latin1', start, end);
}

export function createTimedPipeline(inner: Pipeline): TimedPipeline {
  const main: LaneCounts = { records: 0, batches: 0, accepted: 0, duplicates: 0, rejected: 0 };
  const priority: LaneCounts = { ...main };
  const sellers = new Set<string>();
  const waiting = new Map<string, (v: WatchedBatch) => void>();
  const bulk = new Set<Map<string, number>>();
  const thresholds: Array<{ lane: 'main' | 'priority'; records: number; resolve: () => void }> = [];
  const traces = new Set<BatchTrace[]>();
  let first: number | undefined;
  let last: number | undefined;

  // A batch's stages reach the metrics together, just before its `process` resolves (one
  // synchronous step of the pipeline, then its `batch` call): collected here per batch of each
  // lane in that order, and taken by `settle` in the same order (a lane's batches finish in
  // order).
  const metrics = inner.metrics;
  const recordStage = metrics.stage.bind(metrics);
  const recordBatch = metrics.batch.bind(metrics);
  type Stages = Record<string, number>;
  const stages: Record<'main' | 'priority', Stages> = { main: {}, priority: {} };
  const staged: Record<'main' | 'priority', Stages[]> = { main: [], priority: [] };
  metrics.stage = (lane, stage, seconds) => {
    recordStage(lane, stage, seconds);
    stages[lane][stage] = (stages[lane][stage] ?? 0) + seconds * 1000;
  };
  metrics.batch = (lane, seconds, ok) => {
    recordBatch(lane, seconds, ok);
    if (ok) staged[lane].push(stages[lane]);
    stages[lane] = {};
  };

  function settle(batch: RecordBatch, result: BatchResult, takenAt: number): void {
    const doneAt = performance.now();
    last = doneAt;
    const batchStages = staged[batch.priority === true ? 'priority' : 'main'].shift() ?? {};
    if (batch.priority !== true) {
      for (const into of traces) {
        into.push({ takenAt, doneAt, records: batch.records.length, stages: batchStages });
      }
    }
    const lane = batch.priority === true ? priority : main;
    lane.records += batch.records.length;
    lane.batches += 1;
    lane.accepted += result.accepted;
    lane.duplicates += result.duplicates;
    lane.rejected += result.rejected;
    for (const s of result.changedSellers) sellers.add(s);
    if (waiting.size > 0 || bulk.size > 0) {
      for (const record of batch.records) {
        const id = eventIdOf(record.bytes);
        if (id === undefined) continue;
        const resolve = waiting.get(id);
        if (resolve) {
          waiting.delete(id);
          resolve({ takenAt, doneAt, priority: batch.priority === true, stages: batchStages });
        }
        for (const into of bulk) if (!into.has(id)) into.set(id, doneAt);
      }
    }
    for (let i = thresholds.length - 1; i >= 0; i--) {
      const t = thresholds[i]!;
      if ((t.lane === 'main' ? main : priority).records >= t.records) {
        thresholds.splice(i, 1);
        t.resolve();
      }
    }
  }

  const pipeline: Pipeline = {
    get metrics() {
      return inner.metrics;
    },
    async process(batch) {
      const takenAt = performance.now();
      first ??= takenAt;
      const result = await inner.process(batch);
      settle(batch, result, takenAt);
      return result;
    },
    rebuild: () => inner.rebuild(),
    reassigned: () => inner.reassigned(),
    forget: (sellerIds) => inner.forget(sellerIds),
    stop: () => inner.stop(),
  };

  return {
    pipeline,
    main,
    priority,
    sellers,
    firstBatchAt: () => first,
    lastDoneAt: () => last,
    watch: (eventId) => new Promise((resolve) => waiting.set(eventId, resolve)),
    recordDone: (into) => {
      bulk.add(into);
    },
    stopRecording: (into) => {
      bulk.delete(into);
    },
    traceBatches: (into) => {
      traces.add(into);
    },
    stopTracing: (into) => {
      traces.delete(into);
    },
    untilRecords(lane, records) {
      if ((lane === 'main' ? main : priority).records >= records) return Promise.resolve();
      return new Promise((resolve) => thresholds.push({ lane, records, resolve }));
    },
  };
}
