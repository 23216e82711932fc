import type { RecordBatch } from '../../streams/contract/index.ts';

export interface BatchCoalescerOptions {
  /** Runs one (merged) batch through the pipeline; resolves once it is acknowledged. */
  process: (batch: RecordBatch) => Promise<unknown>;
  /** Records merged into one run at most (a single larger batch still goes alone). Default 20,000. */
  maxRecords?: number;
  /**
   * Runs in flight at most. Default 1: the next run starts once the previous one is acknowledged.
   * With 2, it starts once the previous run is taken (`RecordBatch.taken`: its CPU part done), so
   * that run's writes and detector pass overlap the next one's work; the pipeline keeps the runs'
   * CPU parts, snapshot writes and hooks in order.
   */
  depth?: number;
  /**
   * With depth 2, the smallest run whose constituents are told they are taken (so that their
   * sources fetch on). A smaller run goes one at a time: near real time, runs are small, and
   * overlapping them only makes more and smaller runs, each paying its store round trips,
   * inserts and detector pass; waiting lets the next run grow. Default 0: every run.
   */
  overlapFrom?: number;
}

interface Waiting {
  batch: RecordBatch;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Merges the batches handed over while a run is in progress (or in the same turn of the event
 * loop) into one pipeline run. kafkajs calls `eachBatch` once per partition, several at a time
 * (`partitionsConsumedConcurrently`); the pipeline serialises them, so without merging every
 * partition's slice of a fetch pays its own store round trips, snapshots and detector pass, and
 * the inserts are small (chDB makes one part per insert). Each constituent batch is acknowledged,
 * in arrival order, only when the merged run has stored and applied everything; a failed run
 * fails every constituent, whose sources then deliver them again (the pipeline deduplicates).
 */
export function createBatchCoalescer(
  options: BatchCoalescerOptions,
): (batch: RecordBatch) => Promise<void> {
  const maxRecords = options.maxRecords ?? 20_000;
  const depth = options.depth ?? 1;
  const overlapFrom = options.overlapFrom ?? 0;
  /** Runs started and not yet settled (acknowledged or failed). */
  const running = new Set<Promise<void>>();
  let waiting: Waiting[] = [];
  let draining = false;

  function takeGroup(): Waiting[] {
    let records = 0;
    let n = 0;
    while (n < waiting.length) {
      const size = waiting[n]!.batch.records.length;
      if (n > 0 && records + size > maxRecords) break;
      records += size;
      n += 1;
    }
    const group = waiting.slice(0, n);
    waiting = waiting.slice(n);
    return group;
  }

  async function drain(): Promise<void> {
    draining = true;
    try {
      while (waiting.length > 0) {
        while (running.size >= depth) await Promise.race(running);
        // One macrotask: the other partitions' batches of the same fetch are handed over now.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const group = takeGroup();
        if (group.length === 0) continue;
        let markTaken!: () => void;
        const taken = new Promise<void>((resolve) => (markTaken = resolve));
        const records =
          group.length === 1 ? group[0]!.batch.records : group.flatMap((w) => w.batch.records);
        const merged: RecordBatch = {
          records,
          priority: group[0]!.batch.priority ?? false,
          ack: async () => {
            for (const w of group) await w.batch.ack();
          },
          taken: () => {
            if (records.length >= overlapFrom) for (const w of group) w.batch.taken?.();
            markTaken();
          },
        };
        const run = options.process(merged).then(
          () => {
            for (const w of group) w.resolve();
          },
          (err: unknown) => {
            for (const w of group) w.reject(err);
          },
        );
        running.add(run);
        void run.finally(() => running.delete(run));
        await Promise.race([taken, run]);
      }
    } finally {
      draining = false;
    }
  }

  return (batch) =>
    new Promise<void>((resolve, reject) => {
      waiting.push({ batch, resolve, reject });
      if (!draining) void drain();
    });
}
