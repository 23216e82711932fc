import { round } from './stats.ts';

/**
 * Where the slowest events of the latency run lost their time (issue 6: "where the time goes
 * when you miss"). The window means (`latency.windows`) cannot tell a run that is slow all along
 * from one that stalls now and then; this follows each event over the p99 to its batch.
 */

/** One main-lane batch of the timed pipeline, as `TimedPipeline.traceBatches` records it. */
export interface BatchTrace {
  /** performance.now() when the source handed the batch to the pipeline (`process` called). */
  takenAt: number;
  /** performance.now() when `process` resolved: stored, applied, scored, committed. */
  doneAt: number;
  records: number;
  /** The batch's ms in each pipeline stage (services/pipeline/metrics.ts `PipelineStage`). */
  stages: Record<string, number>;
}

/** A GC pause of the main thread (perf_hooks `gc` entry), performance.now() scale. */
export interface GcPause {
  start: number;
  duration: number;
}

/** Means over a set of events: before the pipeline took their batch, and inside it. */
export interface EventSplit {
  events: number;
  /** From the send to `process` being called: Kafka fetch and the source's queue. */
  before_pipeline_ms: number;
  /** From `process` being called to its end: the previous batch's CPU part, then the stages. */
  in_pipeline_ms: number;
}

/** Means over a set of batches. */
export interface BatchSplit {
  batches: number;
  records: number;
  /** `process` called to resolved. */
  wall_ms: number;
  /** GC pauses of the main thread within the batch's wall time. */
  gc_ms: number;
  /** In the pipeline but in no stage: waiting for the previous batch's CPU part and hook. */
  unstaged_ms: number;
  stages_ms: Record<string, number>;
}

export interface LatencyTail {
  /** The run's p99: the events at or over it are the tail. */
  threshold_ms: number;
  all: EventSplit;
  tail: EventSplit;
  all_batches: BatchSplit;
  /** The batches holding at least one tail event. */
  tail_batches: BatchSplit;
  /** The five longest batches, by wall time, with when they ended (s since the first send). */
  slowest: Array<BatchSplit & { end_s: number }>;
}

/** GC pause time (ms) overlapping [`from`, `to`]. */
export function gcWithin(pauses: readonly GcPause[], from: number, to: number): number {
  let ms = 0;
  for (const p of pauses) {
    const overlap = Math.min(to, p.start + p.duration) - Math.max(from, p.start);
    if (overlap > 0) ms += overlap;
  }
  return ms;
}

function batchSplit(batches: readonly BatchTrace[], pauses: readonly GcPause[]): BatchSplit {
  const n = batches.length;
  const mean = (f: (b: BatchTrace) => number) =>
    n === 0 ? 0 : round(batches.reduce((sum, b) => sum + f(b), 0) / n);
  const stageSum = (b: BatchTrace) => Object.values(b.stages).reduce((a, x) => a + x, 0);
  const stages: Record<string, number> = {};
  for (const name of new Set(batches.flatMap((b) => Object.keys(b.stages)))) {
    stages[name] = mean((b) => b.stages[name] ?? 0);
  }
  return {
    batches: n,
    records: mean((b) => b.records),
    wall_ms: mean((b) => b.doneAt - b.takenAt),
    gc_ms: mean((b) => gcWithin(pauses, b.takenAt, b.doneAt)),
    unstaged_ms: mean((b) => Math.max(0, b.doneAt - b.takenAt - stageSum(b))),
    stages_ms: stages,
  };
}

function eventSplit(events: ReadonlyArray<{ sent: number; batch: BatchTrace }>): EventSplit {
  const n = events.length;
  const mean = (f: (e: { sent: number; batch: BatchTrace }) => number) =>
    n === 0 ? 0 : round(events.reduce((sum, e) => sum + f(e), 0) / n);
  return {
    events: n,
    before_pipeline_ms: mean((e) => e.batch.takenAt - e.sent),
    in_pipeline_ms: mean((e) => e.batch.doneAt - e.batch.takenAt),
  };
}

/**
 * Splits the latency of the events done in a traced batch (matched by the batch's `doneAt`,
 * which is the done time the timed pipeline records for each of its events) into before and in
 * the pipeline, for all of them and for those at or over `thresholdMs`. Undefined when no event
 * could be matched to a batch.
 */
export function latencyTail(
  sentAt: ReadonlyMap<string, number>,
  doneAt: ReadonlyMap<string, number>,
  batches: readonly BatchTrace[],
  pauses: readonly GcPause[],
  thresholdMs: number,
): LatencyTail | undefined {
  const byDone = new Map<number, BatchTrace>();
  for (const b of batches) byDone.set(b.doneAt, b);
  const all: Array<{ sent: number; batch: BatchTrace }> = [];
  const tail: Array<{ sent: number; batch: BatchTrace }> = [];
  const tailBatches = new Set<BatchTrace>();
  for (const [id, sent] of sentAt) {
    const done = doneAt.get(id);
    const batch = done === undefined ? undefined : byDone.get(done);
    if (batch === undefined || done === undefined) continue;
    all.push({ sent, batch });
    if (done - sent >= thresholdMs) {
      tail.push({ sent, batch });
      tailBatches.add(batch);
    }
  }
  if (all.length === 0) return undefined;
  let firstSent = Infinity;
  for (const e of all) firstSent = Math.min(firstSent, e.sent);
  const slowest = [...batches]
    .sort((a, b) => b.doneAt - b.takenAt - (a.doneAt - a.takenAt))
    .slice(0, 5)
    .map((b) => ({ ...batchSplit([b], pauses), end_s: round((b.doneAt - firstSent) / 1000) }));
  return {
    threshold_ms: round(thresholdMs),
    all: eventSplit(all),
    tail: eventSplit(tail),
    all_batches: batchSplit(batches, pauses),
    tail_batches: batchSplit([...tailBatches], pauses),
    slowest,
  };
}
