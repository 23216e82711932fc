import { VigieError } from '../../streams/errors.ts';
import { compactOf, withCompact } from './cross-seller.ts';
import type {
  CrossSellerFacts,
  CrossSellerIndex,
  CrossSellerLookups,
  CrossSellerRequest,
  IdentifierKind,
  LinkSanction,
  ListingFingerprint,
} from './cross-seller.ts';
import { createImageMatcher, decodeImages, encodeImages } from './image-match.ts';
import { bandCodes, signatureOf, sketchFromSignature } from './listing-text.ts';
import { DAY, HOUR } from './seller-state.ts';

export interface InMemoryCrossSellerIndexOptions {
  /** Must match the engine's. Default 32. */
  bands?: number;
  /** Taken-down listings are searchable this long after their takedown. Default 8 days. */
  takedownDays?: number;
  /**
   * Published listings are searchable (for a takedown arriving after a copy of it) this long
   * before the newest fact: one engine sees every seller, so only the contract's lateness
   * matters. Default 24 hours.
   */
  publishedSearchHours?: number;
  /** Published fingerprints answer `fingerprintsOf` this long. Default 14 days. */
  fingerprintDays?: number;
  /** Bounds on kept fingerprints and identifier hashes. Defaults 200,000 and 2,000,000. */
  maxFingerprints?: number;
  maxIdentifiers?: number;
}

interface Stored {
  sellerId: string;
  listingId: string;
  at: number;
  sketch: string;
  /** Binary form of image-match.ts. */
  images: string;
  shingles: number;
  titleShingles: number;
}

const toStored = (fp: ListingFingerprint): Stored => {
  const compact = compactOf(fp);
  return {
    sellerId: fp.sellerId,
    listingId: fp.listingId,
    at: fp.at,
    sketch: compact?.sketch ?? sketchFromSignature(fp.signature),
    images: compact?.images ?? encodeImages(fp.imageHashes),
    shingles: fp.shingles ?? 0,
    titleShingles: fp.titleShingles ?? 0,
  };
};

const toFingerprint = (s: Stored): ListingFingerprint => {
  let signature: Uint32Array | undefined;
  let imageHashes: string[] | undefined;
  const fp: ListingFingerprint = {
    sellerId: s.sellerId,
    listingId: s.listingId,
    at: s.at,
    get signature() {
      return (signature ??= signatureOf(s.sketch));
    },
    get imageHashes() {
      return (imageHashes ??= decodeImages(s.images));
    },
    shingles: s.shingles,
    titleShingles: s.titleShingles,
  };
  return withCompact(fp, { sketch: s.sketch, images: s.images });
};

/**
 * A searchable population of fingerprints (by LSH band and image), rebuilt from the retained
 * entries when old ones expire: building is cheap, and rebuilding keeps removal out of the
 * bucket structures.
 */
function createSearch(bands: number, nearFraction: number) {
  let byBand = Array.from({ length: bands }, () => new Map<number, Stored[]>());
  let images = createImageMatcher<Stored>(nearFraction);
  const add = (s: Stored): void => {
    if (s.sketch.length > 0 && s.sketch.length % bands === 0) {
      const codes = bandCodes(s.sketch, bands);
      for (let b = 0; b < bands; b += 1) {
        const map = byBand[b] as Map<number, Stored[]>;
        const list = map.get(codes[b] as number);
        if (list === undefined) map.set(codes[b] as number, [s]);
        else list.push(s);
      }
    }
    images.add(s.images, s);
  };
  return {
    add,
    rebuild(entries: Iterable<Stored>): void {
      byBand = Array.from({ length: bands }, () => new Map<number, Stored[]>());
      images = createImageMatcher<Stored>(nearFraction);
      for (const s of entries) add(s);
    },
    search(probe: Stored, out: Set<Stored>): void {
      if (probe.sketch.length > 0 && probe.sketch.length % bands === 0) {
        const codes = bandCodes(probe.sketch, bands);
        for (let b = 0; b < bands; b += 1) {
          for (const s of (byBand[b] as Map<number, Stored[]>).get(codes[b] as number) ?? [])
            out.add(s);
        }
      }
      images.candidates(probe.images, (s) => out.add(s));
    },
  };
}

/**
 * Answers the engine's cross-seller requests from the facts the engine recorded: the
 * single-instance stand-in for the store (tests, file replay). Bounded by time windows and
 * `maxFingerprints` / `maxIdentifiers` (oldest first out).
 */
export function createInMemoryCrossSellerIndex(
  options: InMemoryCrossSellerIndexOptions = {},
): CrossSellerIndex {
  const bands = options.bands ?? 32;
  const takedownMs = (options.takedownDays ?? 8) * DAY;
  const publishedMs = (options.publishedSearchHours ?? 24) * HOUR;
  const fingerprintMs = (options.fingerprintDays ?? 14) * DAY;
  const maxFingerprints = options.maxFingerprints ?? 200_000;
  const maxIdentifiers = options.maxIdentifiers ?? 2_000_000;
  if (!Number.isInteger(bands) || bands < 1 || maxFingerprints < 1 || maxIdentifiers < 1) {
    throw new VigieError(
      'INVALID_CONFIG',
      'in-memory cross-seller index: bands, maxFingerprints and maxIdentifiers must be ≥ 1',
      { context: { bands, maxFingerprints, maxIdentifiers } },
    );
  }
  const holders = new Map<string, Map<string, IdentifierKind>>();
  const hashesOf = new Map<string, Set<string>>();
  const sanctions = new Map<string, Map<LinkSanction, number>>();
  const takenDown = new Map<string, Stored>();
  const published = new Map<string, Stored>();
  // Search structures (filled with the image near fraction of the first request).
  let nearFraction = Number.NaN;
  let takenSearch = createSearch(bands, 0.12);
  /** Recent publications in arrival order: searched only for takedowns that came after them. */
  let recent: Stored[] = [];
  let watermark = -Infinity;
  let sinceExpiry = 0;

  const key = (sellerId: string, listingId: string): string => `${sellerId}\u0000${listingId}`;

  const expire = (): void => {
    const bound = (map: Map<string, Stored>, before: number): void => {
      for (const [k, s] of map) if (s.at < before) map.delete(k);
      if (map.size > maxFingerprints) {
        const oldest = [...map.entries()].sort((a, b) => a[1].at - b[1].at);
        for (const [k] of oldest.slice(0, map.size - maxFingerprints)) map.delete(k);
      }
    };
    bound(takenDown, watermark - takedownMs);
    bound(published, watermark - fingerprintMs);
    takenSearch.rebuild(takenDown.values());
    recent = recent.filter((s) => s.at >= watermark - publishedMs);
  };

  return {
    record(facts: CrossSellerFacts) {
      for (const x of facts.identifiers) {
        const hash = x.hash.toLowerCase();
        let group = holders.get(hash);
        if (group === undefined) {
          if (holders.size >= maxIdentifiers) holders.delete(holders.keys().next().value as string);
          holders.set(hash, (group = new Map()));
        }
        group.set(x.sellerId, x.kind);
        let own = hashesOf.get(x.sellerId);
        if (own === undefined) hashesOf.set(x.sellerId, (own = new Set()));
        own.add(hash);
      }
      for (const x of facts.sanctions) {
        let s = sanctions.get(x.sellerId);
        if (s === undefined) sanctions.set(x.sellerId, (s = new Map()));
        s.set(x.action, Math.min(s.get(x.action) ?? Infinity, x.at));
      }
      for (const fp of facts.takenDown) {
        // A listing taken down twice is searchable under each takedown.
        const s = toStored(fp);
        takenDown.set(`${key(fp.sellerId, fp.listingId)}\u0000${fp.at}`, s);
        takenSearch.add(s);
        watermark = Math.max(watermark, fp.at);
      }
      for (const fp of facts.published) {
        const k = key(fp.sellerId, fp.listingId);
        if ((published.get(k)?.at ?? Infinity) <= fp.at) continue;
        const s = toStored(fp);
        published.set(k, s);
        recent.push(s);
        watermark = Math.max(watermark, fp.at);
      }
      sinceExpiry += facts.published.length + facts.takenDown.length;
      if (sinceExpiry > 20_000) {
        sinceExpiry = 0;
        expire();
      }
    },

    answer(request: CrossSellerRequest): CrossSellerLookups {
      if (request.imageNearFraction !== nearFraction) {
        nearFraction = request.imageNearFraction;
        takenSearch = createSearch(bands, nearFraction);
        expire();
      }
      const out: CrossSellerLookups = {
        identifiers: [],
        sanctions: [],
        takenDown: [],
        published: [],
        fingerprints: [],
      };
      const named = new Set<string>();
      const emit = (hash: string): void => {
        for (const [sellerId, kind] of holders.get(hash) ?? []) {
          out.identifiers.push({ hash, sellerId, kind });
          named.add(sellerId);
        }
      };
      for (const h of request.identifierHashes) emit(h.toLowerCase());
      for (const sellerId of request.sanctionedSellerIds) {
        for (const h of hashesOf.get(sellerId) ?? []) emit(h);
      }
      for (const sellerId of named) {
        for (const [action, at] of sanctions.get(sellerId) ?? []) {
          out.sanctions.push({ sellerId, action, at });
        }
      }
      const found = new Set<Stored>();
      const taken = new Set<Stored>();
      for (const fp of request.newListings) {
        found.clear();
        takenSearch.search(toStored(fp), found);
        for (const s of found) {
          if (s.at < fp.at && s.at >= fp.at - request.windowMs) taken.add(s);
        }
      }
      for (const s of taken) out.takenDown.push(toFingerprint(s));
      // Publications after the earliest takedown asked about: usually the last minutes only.
      const fresh = new Set<Stored>();
      const since = Math.min(...request.takedowns.map((fp) => fp.at));
      const publishedSearch = createSearch(bands, nearFraction);
      if (request.takedowns.length > 0) {
        publishedSearch.rebuild(recent.filter((s) => s.at > since));
      }
      for (const fp of request.takedowns) {
        found.clear();
        publishedSearch.search(toStored(fp), found);
        for (const s of found) {
          if (s.at > fp.at && s.at <= fp.at + request.windowMs) fresh.add(s);
        }
      }
      for (const s of fresh) out.published.push(toFingerprint(s));
      for (const x of request.fingerprintsOf) {
        const s = published.get(key(x.sellerId, x.listingId));
        if (s !== undefined) out.fingerprints.push(toFingerprint(s));
      }
      return out;
    },
  };
}
