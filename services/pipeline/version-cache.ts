import type { ListingTextRow } from '../../features/store/index.ts';

/** A stored listing version's identity, as the key-only check reads it back. */
export interface StoredVersionKey {
  seller_id: string;
  listing_id: string;
  /** Epoch ms. */
  version_at: number;
  event_id: string;
}

export interface VersionCacheOptions {
  /** Listings remembered (least recently used first out). */
  maxListings: number;
  /** Versions remembered per listing (newest kept). */
  maxVersions: number;
  /**
   * Raw text's time to live (`listing_texts` TTL), ms. A version older than it is never answered
   * from memory: the store may have blanked its text, and the process must not keep text longer
   * than the store does.
   */
  textTtlMs: number;
  now: () => number;
}

export interface VersionCacheAnswer {
  /** Versions of the listings whose stored versions are all remembered. */
  versions: ListingTextRow[];
  /** Listings to read from the store: not remembered, or remembered differently from the store. */
  misses: Array<{ sellerId: string; listingId: string }>;
}

const keyOf = (sellerId: string, listingId: string) => `${sellerId}\u0000${listingId}`;

/**
 * The listing versions this process wrote or read, so that an edit's earlier versions need not
 * be read back from `listing_texts` with their heavy columns (title, description, 128-slot
 * signature, image hashes): reading them under FINAL was the largest statement cost of a
 * near-real-time batch. The store stays the authority: the caller reads only the stored
 * versions' keys (`StoredVersionKey`) and `answer` takes a listing from memory only if the
 * remembered versions are exactly the stored ones (same times and events) among those the
 * edit may build on; anything else (another instance wrote one, a version was evicted, a write
 * failed after being remembered) is a miss, read from the store as before.
 */
export function createVersionCache(options: VersionCacheOptions) {
  const { maxListings, maxVersions, textTtlMs, now } = options;
  /** Per listing, its versions by `version_at` ascending; Map order is recency of use. */
  const listings = new Map<string, ListingTextRow[]>();

  const touch = (key: string, versions: ListingTextRow[]): void => {
    listings.delete(key);
    listings.set(key, versions);
    while (listings.size > maxListings) listings.delete(listings.keys().next().value as string);
  };

  /** Adds versions (one time per listing: a later write of the same time replaces the earlier, as the table's key does). */
  const remember = (rows: readonly ListingTextRow[]): void => {
    for (const row of rows) {
      const key = keyOf(row.seller_id, row.listing_id);
      const versions = listings.get(key) ?? [];
      const same = versions.findIndex((v) => v.version_at === row.version_at);
      if (same >= 0) versions[same] = row;
      else {
        let at = versions.length;
        while (at > 0 && (versions[at - 1] as ListingTextRow).version_at > row.version_at) at -= 1;
        versions.splice(at, 0, row);
        if (versions.length > maxVersions) versions.splice(0, versions.length - maxVersions);
      }
      touch(key, versions);
    }
  };

  return {
    remember,
    /**
     * Replaces what is remembered of `listings` by the versions the store answered for them
     * (all it holds before `until`, up to the query's limit), as a read after a miss gives.
     */
    replace(
      missed: ReadonlyArray<{ sellerId: string; listingId: string }>,
      rows: readonly ListingTextRow[],
    ): void {
      for (const m of missed) listings.delete(keyOf(m.sellerId, m.listingId));
      remember(rows);
    },
    /**
     * For each listing, the remembered versions before `until` (the latest `n`) if they are the
     * stored ones: `stored` is what the store holds of these listings before `until` (keys
     * only, duplicates of an unmerged part included; any number per listing).
     */
    answer(
      wanted: ReadonlyArray<{ sellerId: string; listingId: string }>,
      stored: readonly StoredVersionKey[],
      until: number,
      n: number,
    ): VersionCacheAnswer {
      const inStore = new Map<string, Map<number, string | null>>();
      for (const k of stored) {
        const key = keyOf(k.seller_id, k.listing_id);
        let times = inStore.get(key);
        if (times === undefined) inStore.set(key, (times = new Map()));
        const seen = times.get(k.version_at);
        // Two events at one time: which one the table keeps is not known here.
        if (seen === undefined) times.set(k.version_at, k.event_id);
        else if (seen !== k.event_id) times.set(k.version_at, null);
      }
      const oldest = now() - textTtlMs;
      const out: VersionCacheAnswer = { versions: [], misses: [] };
      for (const w of wanted) {
        const key = keyOf(w.sellerId, w.listingId);
        const times = [...(inStore.get(key) ?? new Map<number, string | null>())]
          .sort((a, b) => b[0] - a[0])
          .slice(0, n);
        const remembered = (listings.get(key) ?? [])
          .filter((v) => v.version_at < until)
          .reverse()
          .slice(0, n);
        const same =
          times.length === remembered.length &&
          times.every(([at, eventId], i) => {
            const v = remembered[i] as ListingTextRow;
            return v.version_at === at && v.event_id === eventId && at >= oldest;
          });
        // A listing with no stored version is a hit too: nothing to read either way.
        if (!same) {
          out.misses.push(w);
          continue;
        }
        for (const v of remembered) out.versions.push(v);
        const all = listings.get(key);
        if (all !== undefined) touch(key, all);
      }
      return out;
    },
    /** Forgets every listing, or those of these sellers (a rebalance, an erasure). */
    forget(sellerIds?: readonly string[]): void {
      if (sellerIds === undefined) {
        listings.clear();
        return;
      }
      const gone = new Set(sellerIds);
      for (const [key, versions] of listings) {
        if (gone.has((versions[0] as ListingTextRow).seller_id)) listings.delete(key);
      }
    },
    get size(): number {
      return listings.size;
    },
  };
}

export type VersionCache = ReturnType<typeof createVersionCache>;
