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
  const ids = new Set<string>();
  return {
    has: (id) => ids.has(id),
    addAll(newIds) {
      for (const id of newIds) {
        // Re-inserting moves an id to the young end, so hot ids stay.
        ids.delete(id);
        ids.add(id);
      }
      while (ids.size > capacity) {
        const oldest = ids.values().next().value as string;
        ids.delete(oldest);
      }
    },
    get size() {
      return ids.size;
    },
  };
}
