import {
  createImageHashIndex,
  createLshIndex,
  createMinHasher,
  DEFAULT_BANDS,
  normaliseText,
  PDQ_NEAR_DISTANCE,
  type ImageHashIndex,
  type LshIndex,
  type MinHasher,
} from '../../features/text/index.ts';
import { formatDateTime64, type ClickHouseExecutor } from '../../features/store/index.ts';
import type { Logger } from '../shared/logger.ts';
import { foldVersions, type ListingVersion, type VersionRow } from './listing-versions.ts';

/** A taken-down listing close to a draft. */
export interface TakedownMatch {
  listingId: string;
  sellerId: string;
  /** Estimated Jaccard similarity of the de-obfuscated texts, or 1 − Hamming/bits for images. */
  similarity: number;
  via: 'text' | 'image';
  /** Images only: Hamming distance in bits (0 = the same picture). */
  distance?: number;
}

export interface TakedownIndexOptions {
  executor: ClickHouseExecutor;
  logger: Logger;
  /** Most listing versions (and as many image hashes) kept; the oldest takedowns leave first. */
  maxEntries: number;
  /** Period of the incremental refresh, ms (0: only on demand). */
  refreshMs: number;
  /** Period of the full reload (drops erased sellers' listings), ms. Default 1 h. */
  fullReloadMs?: number;
  now?: () => number;
}

export interface TakedownIndex {
  /** Rebuilds the index from the store (at start, after an erasure, every `fullReloadMs`). */
  load(): Promise<void>;
  /** Adds takedowns stored since the last refresh; returns the listing versions added. */
  refresh(): Promise<number>;
  /** Taken-down listings whose text or images are close to the draft's, best first. */
  match(
    signature: Uint32Array,
    imageHashes: readonly string[],
    options: { minSimilarity: number; limit: number },
  ): TakedownMatch[];
  readonly hasher: MinHasher;
  /** Listing versions indexed. */
  readonly size: number;
  start(): void;
  stop(): Promise<void>;
}

/**
 * A takedown stored late (a batch received at T is written a little after T) must still be
 * picked up: each refresh looks back this far before the previous one.
 */
const OVERLAP_MS = 5 * 60_000;
/** Takedown keys fetched per versions query. */
const CHUNK = 2_000;
/** Takedowns whose listing versions have not arrived yet, retried at each refresh. */
const MAX_PENDING = 10_000;
const PENDING_TTL_MS = 3_600_000;

interface Takedown {
  sellerId: string;
  listingId: string;
  /** Event time of the latest takedown of the listing. */
  at: number;
  received: number;
}

interface Generation {
  lsh: LshIndex<string>;
  images: ImageHashIndex;
}

const SEP = '\u0001';
const keyOf = (sellerId: string, listingId: string): string => `${sellerId}${SEP}${listingId}`;

/**
 * The taken-down listings of the platform, in memory for /v1/listings/check: each version's
 * de-obfuscated text as a MinHash signature in an LSH index, and its image hashes in a Hamming
 * index. Both are bounded. Texts come from `listing_texts` when the pipeline wrote them, else
 * from the raw events; both are joined to the `listing.taken_down` events.
 */
export function createTakedownIndex(options: TakedownIndexOptions): TakedownIndex {
  const { executor } = options;
  const log = options.logger.child({ component: 'app.takedown-index' });
  const now = options.now ?? Date.now;
  const hasher = createMinHasher();
  const fresh = (): Generation => ({
    lsh: createLshIndex<string>({
      numHashes: hasher.numHashes,
      bands: DEFAULT_BANDS,
      maxEntries: options.maxEntries,
    }),
    images: createImageHashIndex({ maxEntries: options.maxEntries }),
  });
  let gen = fresh();
  /** Takedowns seen in the overlap window (not fetched twice). */
  let recent = new Map<string, number>();
  let pending = new Map<string, Takedown & { since: number }>();
  let since = 0;
  let lastFull = 0;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  /** Runs index updates one at a time (a refresh and a reload never interleave). */
  function serial<T>(task: () => Promise<T>): Promise<T> {
    const next = running.then(task);
    running = next.catch(() => undefined);
    return next;
  }

  async function takedownsSince(from: number, limit: number): Promise<Takedown[]> {
    const rows = await executor.query<{ s: string; l: string; at: string; rcv: string }>(
      `SELECT seller_id AS s, listing_id AS l,
              toString(toUnixTimestamp64Milli(max(occurred_at))) AS at,
              toString(toUnixTimestamp64Milli(max(received_at))) AS rcv
       FROM events
       WHERE type = 'listing.taken_down' AND listing_id != ''
         AND received_at >= {from:DateTime64(3, 'UTC')}
       GROUP BY seller_id, listing_id
       ORDER BY max(occurred_at) DESC LIMIT {n:UInt64}`,
      { params: { from: formatDateTime64(Math.max(0, from)), n: limit } },
    );
    return rows.map((r) => ({
      sellerId: r.s,
      listingId: r.l,
      at: Number(r.at),
      received: Number(r.rcv),
    }));
  }

  /** Every stored version (events and listing_texts) of these listings, folded per listing. */
  async function versionsOf(
    takedowns: readonly Takedown[],
  ): Promise<Map<string, ListingVersion[]>> {
    const wanted = new Set(takedowns.map((t) => keyOf(t.sellerId, t.listingId)));
    const params = {
      sellers: [...new Set(takedowns.map((t) => t.sellerId))],
      listings: [...new Set(takedowns.map((t) => t.listingId))],
    };
    const [events, texts] = await Promise.all([
      executor.query<VersionRow>(
        `SELECT seller_id, listing_id, toString(toUnixTimestamp64Milli(occurred_at)) AS at,
                type, raw, '' AS title, '' AS description, [] AS minhash, [] AS image_hashes
         FROM events
         WHERE seller_id IN {sellers:Array(String)} AND listing_id IN {listings:Array(String)}
           AND type IN ('listing.published', 'listing.edited')
         ORDER BY occurred_at, event_id LIMIT 1 BY event_id`,
        { params },
      ),
      executor.query<VersionRow>(
        `SELECT seller_id, listing_id, toString(toUnixTimestamp64Milli(version_at)) AS at,
                'listing_texts' AS type, '' AS raw, title, description, minhash, image_hashes
         FROM listing_texts
         WHERE seller_id IN {sellers:Array(String)} AND listing_id IN {listings:Array(String)}
         ORDER BY version_at LIMIT 1 BY seller_id, listing_id, version_at`,
        { params },
      ),
    ]);
    const rows = [...events, ...texts].filter((r) => wanted.has(keyOf(r.seller_id, r.listing_id)));
    return foldVersions(rows, keyOf);
  }

  /** Adds the takedowns' versions up to their takedown; returns versions added and misses. */
  async function index(g: Generation, takedowns: readonly Takedown[]) {
    let added = 0;
    const missing: Takedown[] = [];
    for (let i = 0; i < takedowns.length; i += CHUNK) {
      const chunk = takedowns.slice(i, i + CHUNK);
      const versions = await versionsOf(chunk);
      for (const t of chunk) {
        const key = keyOf(t.sellerId, t.listingId);
        // What moderation removed: the versions up to the takedown, not a later clean-up edit.
        const list = (versions.get(key) ?? []).filter((v) => v.at <= t.at);
        if (list.length === 0) {
          missing.push(t);
          continue;
        }
        list.forEach((v, n) => {
          const id = `${key}${SEP}${n}`;
          const sig = v.minhash ?? hasher.signature(normaliseText(v.text));
          g.lsh.add(id, sig, t.at);
          for (const hash of v.images) {
            try {
              g.images.add(id, hash, t.at);
            } catch {
              // A hash of another length or form than the index's: not comparable, skipped.
            }
          }
          added += 1;
        });
      }
    }
    return { added, missing };
  }

  function remember(missing: readonly Takedown[], at: number): void {
    for (const t of missing) pending.set(keyOf(t.sellerId, t.listingId), { ...t, since: at });
    for (const [key, t] of pending) {
      if (pending.size <= MAX_PENDING && at - t.since < PENDING_TTL_MS) break;
      pending.delete(key);
    }
  }

  async function loadNow(): Promise<void> {
    const started = now();
    const g = fresh();
    const takedowns = await takedownsSince(0, options.maxEntries);
    // Oldest first, so that when the bound bites the newest takedowns are the ones kept.
    takedowns.sort((a, b) => a.at - b.at);
    const { added, missing } = await index(g, takedowns);
    gen = g;
    recent = new Map(takedowns.map((t) => [keyOf(t.sellerId, t.listingId), t.received]));
    pending = new Map();
    remember(missing, started);
    since = started - OVERLAP_MS;
    lastFull = started;
    log.info(
      { takedowns: takedowns.length, versions: added, ms: now() - started },
      'taken-down listing index loaded',
    );
  }

  async function refreshNow(): Promise<number> {
    const started = now();
    if (started - lastFull >= (options.fullReloadMs ?? 3_600_000)) {
      await loadNow();
      return gen.lsh.size;
    }
    const found = await takedownsSince(since, options.maxEntries);
    const unseen = found.filter((t) => recent.get(keyOf(t.sellerId, t.listingId)) !== t.received);
    const retry = [...pending.values()];
    pending = new Map();
    const { added, missing } = await index(gen, [...retry, ...unseen]);
    for (const t of unseen) recent.set(keyOf(t.sellerId, t.listingId), t.received);
    since = started - OVERLAP_MS;
    for (const [key, received] of recent) if (received < since) recent.delete(key);
    remember(missing, started);
    if (added > 0) log.debug({ versions: added }, 'taken-down listing index refreshed');
    return added;
  }

  return {
    hasher,
    get size() {
      return gen.lsh.size;
    },
    load: () => serial(loadNow),
    refresh: () => serial(refreshNow),
    match(signature, imageHashes, { minSimilarity, limit }) {
      const best = new Map<string, TakedownMatch>();
      const offer = (id: string, m: Omit<TakedownMatch, 'listingId' | 'sellerId'>): void => {
        const [sellerId = '', listingId = ''] = id.split(SEP);
        const key = keyOf(sellerId, listingId);
        const current = best.get(key);
        if (current === undefined || m.similarity > current.similarity) {
          best.set(key, { listingId, sellerId, ...m });
        }
      };
      for (const e of gen.lsh.similar(signature, minSimilarity)) {
        offer(e.id, { similarity: e.similarity, via: 'text' });
      }
      for (const hash of imageHashes) {
        try {
          const bits = hash.length * 4;
          // PDQ's 31 of 256 bits, scaled to the hash length in use.
          const radius = Math.floor((PDQ_NEAR_DISTANCE / 256) * bits);
          for (const m of gen.images.near(hash, radius)) {
            const similarity = 1 - m.distance / bits;
            offer(m.id, { similarity, via: 'image', distance: m.distance });
          }
        } catch {
          // Not comparable with the indexed hashes (other length or not hex): no image match.
        }
      }
      return [...best.values()]
        .sort(
          (a, b) =>
            b.similarity - a.similarity ||
            (a.listingId < b.listingId ? -1 : a.listingId > b.listingId ? 1 : 0),
        )
        .slice(0, limit);
    },
    start() {
      if (options.refreshMs <= 0 || timer !== undefined) return;
      let busy = false;
      timer = setInterval(() => {
        // A refresh slower than the period is not queued behind itself: the next tick catches up.
        if (busy) return;
        busy = true;
        serial(refreshNow)
          .catch((err: unknown) => {
            log.warn({ code: (err as { code?: string }).code }, 'taken-down index refresh failed');
          })
          .finally(() => {
            busy = false;
          });
      }, options.refreshMs);
      timer.unref();
    },
    async stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
