import type {
  CrossSellerFacts,
  CrossSellerLookups,
  CrossSellerRequest,
  IdentifierKind,
  LinkSanction,
  ListingFingerprint,
} from '../engine/index.ts';
import { emptyLookups } from '../engine/index.ts';
import type { ClickHouseExecutor } from './executor.ts';
import { listingFingerprintsTable } from './tables/listing-fingerprints.ts';
import type { ListingFingerprintRow } from './tables/listing-fingerprints.ts';

/** The engine's cross-seller exchange answered from the store (async: it does I/O). */
export interface StoreCrossSellerLookups {
  answer(request: CrossSellerRequest): Promise<CrossSellerLookups>;
  record(facts: CrossSellerFacts): Promise<void>;
  stats(): { queries: number; cacheHits: number };
}

export interface StoreCrossSellerLookupsOptions {
  executor: ClickHouseExecutor;
  /** Must match the engine's `bands` (band keys are recomputed only when a fact lacks them). */
  bands?: number;
  /** Entries of the cache of immutable answers (published fingerprints, sanctions). Default 50,000. */
  cacheSize?: number;
  /**
   * Sanctions stored (by any instance) up to this long before the last poll are re-read at every
   * batch, so a seller held here is linked to an account sanctioned on another instance after the
   * seller registered. Default 10 minutes: instance lag and clock skew must stay under it.
   */
  sanctionPollMarginMs?: number;
  now?: () => number;
}

/** A small LRU over Map's insertion order: get moves an entry to the back. */
function createLru<V>(max: number) {
  const map = new Map<string, V>();
  return {
    get(key: string): V | undefined {
      const v = map.get(key);
      if (v !== undefined) {
        map.delete(key);
        map.set(key, v);
      }
      return v;
    },
    set(key: string, value: V): void {
      map.delete(key);
      map.set(key, value);
      if (map.size > max) map.delete(map.keys().next().value as string);
    },
  };
}

const SANCTIONS = ['suspension', 'termination'] as const;

interface FingerprintRecord {
  fact: string;
  seller_id: string;
  listing_id: string;
  at_ms: string | number;
  signature: number[];
  band_keys: string[];
  image_hashes: string[];
  shingles: number;
  title_shingles: number;
}

const toFingerprint = (r: FingerprintRecord): ListingFingerprint => ({
  sellerId: r.seller_id,
  listingId: r.listing_id,
  at: Number(r.at_ms),
  signature: Uint32Array.from(r.signature),
  bandKeys: r.band_keys,
  imageHashes: r.image_hashes,
  shingles: Number(r.shingles),
  titleShingles: Number(r.title_shingles),
});

const FP_COLUMNS =
  'fact, seller_id, listing_id, toUnixTimestamp64Milli(at) AS at_ms, signature, band_keys, ' +
  'image_hashes, shingles, title_shingles';

const listingKey = (sellerId: string, listingId: string): string => `${sellerId}\u0000${listingId}`;

const contentKeys = (fps: readonly ListingFingerprint[]) => {
  const bands = new Set<string>();
  const images = new Set<string>();
  for (const fp of fps) {
    for (const k of fp.bandKeys ?? []) bands.add(k);
    for (const h of fp.imageHashes) images.add(h.toLowerCase());
  }
  return { bands: [...bands], images: [...images] };
};

/**
 * Store edge of the engine's cross-seller protocol (docs/features.md): one query per request
 * kind per batch, keys bound as arrays. Identifier holders come from `identifier_links` and
 * sanctions from `events` (both written by the pipeline before the engine runs); fingerprints
 * from `listing_fingerprints`, which `record` fills. Image reuse across instances is found on
 * exact hashes (near ones only within an instance's batch).
 */
export function createStoreCrossSellerLookups(
  options: StoreCrossSellerLookupsOptions,
): StoreCrossSellerLookups {
  const { executor } = options;
  const cacheSize = options.cacheSize ?? 50_000;
  const margin = options.sanctionPollMarginMs ?? 10 * 60_000;
  const now = options.now ?? Date.now;
  // Immutable answers: a listing's publication fingerprint, a seller's earliest sanctions.
  const fingerprints = createLru<ListingFingerprint>(cacheSize);
  const sanctionsOf = createLru<Array<{ action: LinkSanction; at: number }>>(cacheSize);
  let pollFrom = 0;
  let queries = 0;
  let cacheHits = 0;

  const query = async <T>(sql: string, params: Record<string, unknown>): Promise<T[]> => {
    queries += 1;
    // Inside the engine's work on a chunk: started at once, beside the pipeline's (QueryOptions).
    return executor.query<T>(sql, { params, inlineParams: true });
  };

  async function identifiers(request: CrossSellerRequest, out: CrossSellerLookups) {
    const polledAt = now();
    const since = Math.max(0, pollFrom - margin);
    pollFrom = polledAt;
    const rows = await query<{ hash: string; seller_id: string; kind: IdentifierKind }>(
      `SELECT DISTINCT identifier_hash AS hash, seller_id, identifier_kind AS kind
       FROM identifier_links
       WHERE identifier_hash IN {hashes:Array(String)}
          OR identifier_hash IN (
            SELECT identifier_hash FROM identifier_links
            WHERE seller_id IN {sanctioned:Array(String)}
               OR seller_id IN (
                 SELECT seller_id FROM events
                 WHERE type = 'seller.sanctioned' AND action IN ('suspension', 'termination')
                   AND received_at >= fromUnixTimestamp64Milli({since:Int64}, 'UTC')))`,
      {
        hashes: request.identifierHashes.map((h) => h.toLowerCase()),
        sanctioned: request.sanctionedSellerIds,
        since,
      },
    );
    const named = new Set<string>();
    for (const r of rows) {
      out.identifiers.push({ hash: r.hash, sellerId: r.seller_id, kind: r.kind });
      named.add(r.seller_id);
    }
    // Sanctions: the cache answers sellers already known to be sanctioned (the earliest time
    // per action does not move); the rest in one query.
    const ask: string[] = [];
    for (const id of named) {
      const known = sanctionsOf.get(id);
      if (known === undefined) ask.push(id);
      else {
        cacheHits += 1;
        for (const s of known) out.sanctions.push({ sellerId: id, ...s });
      }
    }
    if (ask.length === 0) return;
    const sanctions = await query<{ seller_id: string; action: LinkSanction; at_ms: string }>(
      `SELECT seller_id, action, toUnixTimestamp64Milli(min(occurred_at)) AS at_ms
       FROM events
       WHERE type = 'seller.sanctioned' AND action IN {actions:Array(String)}
         AND seller_id IN {ids:Array(String)}
       GROUP BY seller_id, action`,
      { actions: [...SANCTIONS], ids: ask },
    );
    const found = new Map<string, Array<{ action: LinkSanction; at: number }>>();
    for (const r of sanctions) {
      const s = { action: r.action, at: Number(r.at_ms) };
      out.sanctions.push({ sellerId: r.seller_id, ...s });
      found.set(r.seller_id, [...(found.get(r.seller_id) ?? []), s]);
    }
    // Only terminated sellers are cached: a suspended one may still be terminated later.
    for (const [id, list] of found) {
      if (list.some((s) => s.action === 'termination') && list.length === 2)
        sanctionsOf.set(id, list);
    }
  }

  async function candidates(
    fact: 'taken_down' | 'published',
    probes: readonly ListingFingerprint[],
    windowMs: number,
  ): Promise<ListingFingerprint[]> {
    if (probes.length === 0) return [];
    const { bands, images } = contentKeys(probes);
    if (bands.length === 0 && images.length === 0) return [];
    const times = probes.map((p) => p.at);
    // Taken down in [at − window, at) for publications; published in (at, at + window] for
    // takedowns. One range for the batch: the engine checks each pair's window itself.
    const [from, to] =
      fact === 'taken_down'
        ? [Math.min(...times) - windowMs, Math.max(...times)]
        : [Math.min(...times), Math.max(...times) + windowMs];
    const rows = await query<FingerprintRecord>(
      `SELECT ${FP_COLUMNS} FROM listing_fingerprints FINAL
       WHERE fact = {fact:String}
         AND at >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
         AND at <= fromUnixTimestamp64Milli({to:Int64}, 'UTC')
         AND (hasAny(band_keys, {bands:Array(String)}) OR hasAny(image_hashes, {images:Array(String)}))`,
      { fact, from: Math.max(0, from), to, bands, images },
    );
    return rows.map(toFingerprint);
  }

  async function published(request: CrossSellerRequest, out: CrossSellerLookups) {
    const ask: Array<{ sellerId: string; listingId: string }> = [];
    for (const x of request.fingerprintsOf) {
      const hit = fingerprints.get(listingKey(x.sellerId, x.listingId));
      if (hit === undefined) ask.push(x);
      else {
        cacheHits += 1;
        out.fingerprints.push(hit);
      }
    }
    if (ask.length === 0) return;
    const wanted = new Set(ask.map((x) => listingKey(x.sellerId, x.listingId)));
    const rows = await query<FingerprintRecord>(
      `SELECT ${FP_COLUMNS} FROM listing_fingerprints FINAL
       WHERE fact = 'published' AND listing_id IN {ids:Array(String)}
       ORDER BY at`,
      { ids: [...new Set(ask.map((x) => x.listingId))] },
    );
    // The latest publication of each listing asked for (ordered by time: the last one wins).
    const latest = new Map<string, ListingFingerprint>();
    for (const r of rows) {
      const key = listingKey(r.seller_id, r.listing_id);
      if (wanted.has(key)) latest.set(key, toFingerprint(r));
    }
    for (const [key, fp] of latest) {
      fingerprints.set(key, fp);
      out.fingerprints.push(fp);
    }
  }

  const toRow = (
    fact: 'published' | 'taken_down',
    fp: ListingFingerprint,
  ): ListingFingerprintRow => ({
    fact,
    seller_id: fp.sellerId,
    listing_id: fp.listingId,
    at: fp.at,
    signature: Array.from(fp.signature, (v) => v & 0xff),
    band_keys: fp.bandKeys ?? [],
    image_hashes: fp.imageHashes.map((h) => h.toLowerCase()),
    shingles: fp.shingles ?? 0,
    title_shingles: fp.titleShingles ?? 0,
  });

  return {
    async answer(request) {
      const out = emptyLookups();
      const [takenDown, fresh] = await Promise.all([
        candidates('taken_down', request.newListings, request.windowMs),
        candidates('published', request.takedowns, request.windowMs),
        identifiers(request, out),
        published(request, out),
      ]);
      out.takenDown = takenDown;
      out.published = fresh;
      return out;
    },
    async record(facts) {
      // Identifier links and sanctions are already in identifier_links and events (the
      // pipeline stores a batch's events before the engine runs); fingerprints are ours.
      const rows = [
        ...facts.published.map((fp) => toRow('published', fp)),
        ...facts.takenDown.map((fp) => toRow('taken_down', fp)),
      ];
      if (rows.length > 0) await listingFingerprintsTable.insert(executor, rows);
      for (const fp of facts.published) {
        const key = listingKey(fp.sellerId, fp.listingId);
        const known = fingerprints.get(key);
        if (known === undefined || known.at < fp.at) fingerprints.set(key, fp);
      }
    },
    stats: () => ({ queries, cacheHits }),
  };
}
