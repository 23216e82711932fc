/**
 * A bounded set of recently processed event ids (oldest evicted first). It is the cheap first
 * check against redelivery: a hit means "stored and applied by this process", so the event is
 * skipped without a store query. A miss proves nothing (the store is asked next).
 */
export interface RecentIds {
  has(id: string): boolean;
  addAll(ids: Iterable<string>): void;
  readonly size: number;
}

export function createRecentIds(capacity: number): RecentIds {
  // id → sequence number of its latest insertion. Eviction walks an insertion-order queue
  // instead of the Map's own order: V8 leaves deleted entries as holes at the front of a Map or
  // Set until it rehashes, so taking "the first key" after many evictions skips all of them,
  // which made a full cache quadratic (1M ids through a 200k cache: ~130 s; now < 1 s).
  const latest = new Map<string, number>();
  let queue: string[] = [];
  let seqs: number[] = [];
  let head = 0;
  let seq = 0;
  return {
    has: (id) => latest.has(id),
    addAll(newIds) {
      for (const id of newIds) {
        // Re-inserting moves an id to the young end, so hot ids stay; its older queue entry
        // becomes stale and is skipped on eviction.
        latest.set(id, seq);
        queue.push(id);
        seqs.push(seq);
        seq += 1;
      }
      while (latest.size > capacity) {
        const id = queue[head] as string;
        if (latest.get(id) === seqs[head]) latest.delete(id);
        head += 1;
      }
      // The evicted head is dropped in bulk, and stale entries too once they pile up (the same
      // ids re-added again and again): amortised O(1) per id, the queue stays O(capacity).
      if (queue.length - head > 2 * capacity + 1024) {
        const live = [...latest].sort((a, b) => a[1] - b[1]);
        queue = live.map(([id]) => id);
        seqs = live.map(([, s]) => s);
        head = 0;
      } else if (head > 1024 && head * 2 > queue.length) {
        queue = queue.slice(head);
        seqs = seqs.slice(head);
        head = 0;
      }
    },
    get size() {
      return latest.size;
    },
  };
}
