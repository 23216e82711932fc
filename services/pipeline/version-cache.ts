/**
 * The latest versions of listings this process wrote, so that an edit's earlier version comes
 * from memory instead of a `listing_texts FINAL` read (issue 6: that read was a third of the
 * ingestion's CPU at 1M events, 118 µs per event, growing with the table).
 *
 * A listing's cached versions are used only once they are known to be all its stored versions
 * (`verified`): the store then holds exactly as many distinct versions of it as this cache has
 * counted, and every one of those the cache counted is stored. That is checked once per listing
 * by a key-only count in the store (`unverified`, `confirm`); afterwards, while this process is
 * the listing's only writer (its seller's partition stays assigned: `clear` after a rebalance),
 * each version it builds is stored by it, so the cache stays complete. A listing whose count
 * differs (versions written before a restart, by another instance, or a write that failed)
 * goes to the store, and may be seeded from that read (`seed`).
 *
 * Bounded: `capacity` listings in two generations (a hit or a write moves a listing to the young
 * one; the old one is dropped whole when the young one is full), and text is held no longer than
 * the store keeps it: a version is not served, and is dropped by `sweep`, within `ttlMarginMs`
 * of its text TTL (after it, the store may have blanked the text, and an edit must build on what
 * the store holds).
 */

/** A listing version as an edit needs it: what an edit that omits a field keeps. */
export interface CachedVersion {
  listing_id: string;
  seller_id: string;
  version_at: number;
  category: string;
  title: string;
  description: string;
  image_hashes: string[];
}

interface Entry {
  sellerId: string;
  /** The latest versions, oldest first, at most `keep`. */
  versions: CachedVersion[];
  /** Distinct version times counted for the listing, including those no longer in `versions`. */
  count: number;
  verified: boolean;
}

export interface VersionCacheOptions {
  /** Listings held (two generations of up to half each); 0 disables the cache. */
  capacity: number;
  /** The store's text TTL in days (`VIGIE_TEXT_TTL_DAYS`): text is not held past it. */
  textTtlDays: number;
  /** Versions kept per listing, for edits that arrive out of order (default 4). */
  keep?: number;
  /** How long before its text TTL a version stops being served (default 1 hour). */
  ttlMarginMs?: number;
  now?: () => number;
}

export interface CacheAnswer {
  /** The cached versions the edits build on (their listings are verified). */
  versions: CachedVersion[];
  /** Listings (keys) the store must answer for. */
  misses: string[];
}

/** What `unverified` found: the keys, and the held ones' entries and counts at that moment. */
export interface Check {
  readonly keys: readonly string[];
  readonly held: ReadonlyMap<string, { entry: Entry; count: number }>;
}

export interface VersionCacheStats {
  hits: number;
  misses: number;
  checked: number;
  confirmed: number;
  seeded: number;
  listings: number;
}

export interface VersionCache {
  readonly enabled: boolean;
  /**
   * For edits (listing key → the edit times in the chunk): the versions they build on, from
   * verified listings whose versions cover them; every other listing is a miss.
   */
  lookup(edits: ReadonlyMap<string, readonly number[]>): CacheAnswer;
  /**
   * Of these listing keys, those not verified (`keys`: held ones to check against the store's
   * counts, the others to seed), with what the cache held of them at this moment.
   */
  unverified(keys: readonly string[]): Check;
  /**
   * The store's count of distinct versions per checked key (absent: none stored), read after
   * every version the cache counted was written: a listing held then, and not changed since,
   * whose count is the store's is verified; one whose count differs is dropped.
   */
  confirm(check: Check, storedCounts: ReadonlyMap<string, number>): void;
  /**
   * A listing's latest stored versions as the store answered (`count` in all, `versions` the
   * newest of them, any order): held as verified if they are all of them or the newest `keep`,
   * and if the listing is not held (a version recorded since the store was asked).
   */
  seed(key: string, count: number, versions: readonly CachedVersion[]): void;
  /** Versions just built (before they are written): counted, and held as the latest. */
  record(versions: readonly CachedVersion[]): void;
  /** Drops every listing (rebalance, failed write) or these sellers' listings (erasure). */
  clear(sellerIds?: readonly string[]): void;
  /** Drops listings whose newest text is past (or within the margin of) its TTL. */
  sweep(): void;
  stats(): VersionCacheStats;
}

const DAY_MS = 86_400_000;

export const versionKey = (sellerId: string, listingId: string) => `${sellerId}\u0000${listingId}`;

export function createVersionCache(options: VersionCacheOptions): VersionCache {
  const keep = options.keep ?? 4;
  const half = Math.max(1, Math.ceil(options.capacity / 2));
  const ttlMs = options.textTtlDays * DAY_MS;
  const margin = options.ttlMarginMs ?? 3_600_000;
  const now = options.now ?? Date.now;
  const enabled = options.capacity > 0;
  let young = new Map<string, Entry>();
  let old = new Map<string, Entry>();
  const stats = { hits: 0, misses: 0, checked: 0, confirmed: 0, seeded: 0 };

  const blank = (v: CachedVersion) => v.title === '' && v.description === '';
  /** Text of a version written at `at` is still held by the store, with the margin. */
  const fresh = (at: number) => at + ttlMs - margin > now();

  function get(key: string): Entry | undefined {
    const y = young.get(key);
    if (y !== undefined) return y;
    const o = old.get(key);
    if (o !== undefined) {
      old.delete(key);
      put(key, o);
    }
    return o;
  }

  function put(key: string, entry: Entry): void {
    young.set(key, entry);
    if (young.size >= half) {
      old = young;
      young = new Map();
    }
  }

  function drop(key: string): void {
    young.delete(key);
    old.delete(key);
  }

  /** The latest version before `at`; null when the listing has none; undefined when unknown. */
  function before(entry: Entry, at: number): CachedVersion | null | undefined {
    for (let i = entry.versions.length - 1; i >= 0; i -= 1) {
      const v = entry.versions[i]!;
      // No raw text (past its TTL, or none ever): an edit keeping it needs the stored signature.
      if (v.version_at < at) return fresh(v.version_at) && !blank(v) ? v : undefined;
    }
    return entry.count === entry.versions.length ? null : undefined;
  }

  return {
    enabled,

    lookup(edits) {
      const versions: CachedVersion[] = [];
      const misses: string[] = [];
      for (const [key, times] of edits) {
        const entry = enabled ? get(key) : undefined;
        let served: CachedVersion[] | undefined = [];
        if (entry?.verified) {
          for (const at of times) {
            const v = before(entry, at);
            if (v === undefined) {
              served = undefined;
              break;
            }
            if (v !== null && !served.includes(v)) served.push(v);
          }
        } else served = undefined;
        if (served === undefined) {
          misses.push(key);
          stats.misses += 1;
        } else {
          versions.push(...served);
          stats.hits += 1;
        }
      }
      return { versions, misses };
    },

    unverified(keys) {
      const out: string[] = [];
      const held = new Map<string, { entry: Entry; count: number }>();
      if (!enabled) return { keys: out, held };
      for (const key of keys) {
        const entry = get(key);
        if (entry?.verified) continue;
        out.push(key);
        if (entry !== undefined) held.set(key, { entry, count: entry.count });
      }
      stats.checked += held.size;
      return { keys: out, held };
    },

    confirm(check, storedCounts) {
      for (const [key, { entry, count }] of check.held) {
        const now = get(key);
        if (now === undefined) continue;
        // Changed while the store was asked (a version recorded meanwhile): not known, dropped.
        if (now === entry && entry.count === count && (storedCounts.get(key) ?? 0) === count) {
          entry.verified = true;
          stats.confirmed += 1;
        } else drop(key);
      }
    },

    seed(key, count, stored) {
      if (!enabled) return;
      if (get(key) !== undefined) {
        // Held again since the store was asked (a version recorded meanwhile, or versions that
        // did not cover an out-of-order edit): which one is newest is not known, dropped.
        drop(key);
        return;
      }
      const versions = [...stored].sort((a, b) => a.version_at - b.version_at).slice(-keep);
      // Held only if these are the newest versions: every one, or at least `keep` of them.
      if (count === 0 || (versions.length < keep && versions.length !== count)) {
        drop(key);
        return;
      }
      put(key, { sellerId: versions[0]!.seller_id, versions, count, verified: true });
      stats.seeded += 1;
    },

    record(built) {
      if (!enabled) return;
      for (const v of built) {
        const key = versionKey(v.seller_id, v.listing_id);
        const entry = get(key);
        if (entry === undefined) {
          put(key, { sellerId: v.seller_id, versions: [v], count: 1, verified: false });
          continue;
        }
        const { versions } = entry;
        let i = versions.length;
        while (i > 0 && versions[i - 1]!.version_at > v.version_at) i -= 1;
        if (i > 0 && versions[i - 1]!.version_at === v.version_at) {
          versions[i - 1] = v; // the same stored row (same key): replaced, not counted again
          continue;
        }
        if (i === 0 && entry.count > versions.length) {
          // Older than every held version of a listing with more: whether it is a new time or
          // one already counted cannot be told, so the count is no longer known.
          drop(key);
          continue;
        }
        versions.splice(i, 0, v);
        entry.count += 1;
        if (versions.length > keep) versions.shift();
      }
    },

    clear(sellerIds) {
      if (sellerIds === undefined) {
        young = new Map();
        old = new Map();
        return;
      }
      const sellers = new Set(sellerIds);
      for (const map of [young, old]) {
        for (const [key, entry] of map) if (sellers.has(entry.sellerId)) map.delete(key);
      }
    },

    sweep() {
      for (const map of [young, old]) {
        for (const [key, entry] of map) {
          const { versions } = entry;
          // Oldest first: the stale ones lead (still counted, no longer held).
          while (versions.length > 0 && !fresh(versions[0]!.version_at)) versions.shift();
          if (versions.length === 0) map.delete(key);
        }
      }
    },

    stats: () => ({ ...stats, listings: young.size + old.size }),
  };
}
