import { VigieError } from '../../streams/errors.ts';
import {
  createImageHashIndex,
  createLshIndex,
  type ImageHashIndex,
  type LshIndex,
} from '../text/index.ts';
import type {
  CrossSellerFacts,
  CrossSellerIndex,
  CrossSellerLookups,
  CrossSellerRequest,
  IdentifierKind,
  LinkSanction,
  ListingFingerprint,
} from './cross-seller.ts';
import { signatureOf, sketchFromSignature } from './listing-text.ts';
import { DAY } from './seller-state.ts';

export interface InMemoryCrossSellerIndexOptions {
  /** Must match the engine's. Defaults 128 and 32. */
  numHashes?: number;
  bands?: number;
  /** Published fingerprints answer `fingerprintsOf` this long. Default 30 days. */
  fingerprintDays?: number;
  /** Taken-down and published listings are searchable this long. Default 8 days (7 + lateness). */
  searchDays?: number;
  /** Bound on fingerprints (each kind) and on identifier hashes. Defaults 200,000 and 2,000,000. */
  maxFingerprints?: number;
  maxIdentifiers?: number;
}

interface Stored {
  sellerId: string;
  listingId: string;
  at: number;
  sketch: string;
  images: string[];
  shingles: number;
  titleShingles: number;
}

const HEX = /^[0-9a-f]+$/;
const indexable = (h: string): boolean => h.length >= 16 && h.length % 4 === 0 && HEX.test(h);

/** One searchable population (taken-down, or published) of fingerprints. */
function createPopulation(numHashes: number, bands: number, max: number) {
  const byKey = new Map<string, Stored>();
  const lsh: LshIndex<string> = createLshIndex({ numHashes, bands, maxEntries: max });
  const images = new Map<number, ImageHashIndex>();
  const exactOnly = new Map<string, Set<string>>();
  const imagesOf = (length: number): ImageHashIndex => {
    let index = images.get(length);
    if (index === undefined) {
      index = createImageHashIndex({ maxEntries: max });
      images.set(length, index);
    }
    return index;
  };
  return {
    byKey,
    add(key: string, s: Stored, searchable: boolean): void {
      const old = byKey.get(key);
      if (old !== undefined && old.at >= s.at) return;
      byKey.set(key, s);
      if (!searchable) return;
      if (s.sketch.length === numHashes) lsh.add(key, signatureOf(s.sketch), s.at);
      for (const h of s.images) {
        if (indexable(h)) imagesOf(h.length).add(key, h, s.at);
        else exactOnly.set(h, (exactOnly.get(h) ?? new Set()).add(key));
      }
    },
    search(fp: ListingFingerprint, nearFraction: number): Set<string> {
      const out = new Set<string>();
      if (fp.signature.length === numHashes) {
        for (const key of lsh.query(Uint32Array.from(fp.signature, (v) => v & 0xff))) out.add(key);
      }
      for (const raw of fp.imageHashes) {
        const h = raw.toLowerCase();
        if (indexable(h)) {
          const index = images.get(h.length);
          const radius = Math.floor(nearFraction * h.length * 4);
          for (const m of index?.near(h, radius) ?? []) out.add(m.id);
        } else {
          for (const key of exactOnly.get(h) ?? []) out.add(key);
        }
      }
      return out;
    },
    expire(searchBefore: number, keepBefore: number, maxEntries: number): void {
      lsh.expireBefore(searchBefore);
      for (const index of images.values()) index.expireBefore(searchBefore);
      for (const [h, keys] of exactOnly) {
        for (const key of keys) if ((byKey.get(key)?.at ?? -Infinity) < searchBefore) keys.delete(key);
        if (keys.size === 0) exactOnly.delete(h);
      }
      for (const [key, s] of byKey) if (s.at < keepBefore) byKey.delete(key);
      if (byKey.size > maxEntries) {
        const oldest = [...byKey.entries()].sort((a, b) => a[1].at - b[1].at);
        for (const [key] of oldest.slice(0, byKey.size - maxEntries)) byKey.delete(key);
      }
    },
  };
}

const toStored = (fp: ListingFingerprint): Stored => ({
  sellerId: fp.sellerId,
  listingId: fp.listingId,
  at: fp.at,
  sketch: sketchFromSignature(fp.signature),
  images: fp.imageHashes.map((h) => h.toLowerCase()),
  shingles: fp.shingles ?? 0,
  titleShingles: fp.titleShingles ?? 0,
});

const toFingerprint = (s: Stored): ListingFingerprint => ({
  sellerId: s.sellerId,
  listingId: s.listingId,
  at: s.at,
  signature: signatureOf(s.sketch),
  imageHashes: s.images,
  shingles: s.shingles,
  titleShingles: s.titleShingles,
});

/**
 * Answers the engine's cross-seller requests from the facts the engine recorded: the
 * single-instance stand-in for the store (tests, file replay). Bounded: fingerprints are kept
 * `fingerprintDays` (searchable `searchDays`) and at most `maxFingerprints` of each kind;
 * identifier hashes at most `maxIdentifiers` (oldest registrations first out).
 */
export function createInMemoryCrossSellerIndex(
  options: InMemoryCrossSellerIndexOptions = {},
): CrossSellerIndex {
  const numHashes = options.numHashes ?? 128;
  const bands = options.bands ?? 32;
  const fingerprintDays = options.fingerprintDays ?? 30;
  const searchDays = options.searchDays ?? 8;
  const maxFingerprints = options.maxFingerprints ?? 200_000;
  const maxIdentifiers = options.maxIdentifiers ?? 2_000_000;
  if (numHashes % bands !== 0 || searchDays > fingerprintDays || maxFingerprints < 1) {
    throw new VigieError(
      'INVALID_CONFIG',
      'in-memory cross-seller index: bands must divide numHashes, searchDays ≤ fingerprintDays, maxFingerprints ≥ 1',
      { context: { numHashes, bands, searchDays, fingerprintDays, maxFingerprints } },
    );
  }
  const holders = new Map<string, Map<string, IdentifierKind>>();
  const hashesOf = new Map<string, Set<string>>();
  const sanctions = new Map<string, Map<LinkSanction, number>>();
  const takenDown = createPopulation(numHashes, bands, maxFingerprints);
  const published = createPopulation(numHashes, bands, maxFingerprints);
  let watermark = -Infinity;
  let sinceExpiry = 0;

  const key = (fp: ListingFingerprint): string => `${fp.sellerId}\u0000${fp.listingId}`;

  return {
    record(facts: CrossSellerFacts) {
      for (const x of facts.identifiers) {
        const hash = x.hash.toLowerCase();
        let group = holders.get(hash);
        if (group === undefined) {
          if (holders.size >= maxIdentifiers) {
            const first = holders.keys().next().value as string;
            holders.delete(first);
          }
          group = new Map();
          holders.set(hash, group);
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
        // A listing taken down twice is searchable under its latest takedown.
        takenDown.add(`${key(fp)}\u0000${fp.at}`, toStored(fp), true);
        watermark = Math.max(watermark, fp.at);
      }
      for (const fp of facts.published) {
        published.add(key(fp), toStored(fp), true);
        watermark = Math.max(watermark, fp.at);
      }
      sinceExpiry += facts.published.length + facts.takenDown.length;
      if (sinceExpiry > 10_000) {
        sinceExpiry = 0;
        const search = watermark - searchDays * DAY;
        takenDown.expire(search, search, maxFingerprints);
        published.expire(search, watermark - fingerprintDays * DAY, maxFingerprints);
      }
    },

    answer(request: CrossSellerRequest): CrossSellerLookups {
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
      const seen = new Set<string>();
      for (const fp of request.newListings) {
        for (const k of takenDown.search(fp, request.imageNearFraction)) {
          const s = takenDown.byKey.get(k);
          if (s === undefined || seen.has(k)) continue;
          if (s.at < fp.at && s.at >= fp.at - request.windowMs) {
            seen.add(k);
            out.takenDown.push(toFingerprint(s));
          }
        }
      }
      seen.clear();
      for (const fp of request.takedowns) {
        for (const k of published.search(fp, request.imageNearFraction)) {
          const s = published.byKey.get(k);
          if (s === undefined || seen.has(k)) continue;
          if (s.at > fp.at && s.at <= fp.at + request.windowMs) {
            seen.add(k);
            out.published.push(toFingerprint(s));
          }
        }
      }
      for (const x of request.fingerprintsOf) {
        const s = published.byKey.get(`${x.sellerId}\u0000${x.listingId}`);
        if (s !== undefined) out.fingerprints.push(toFingerprint(s));
      }
      return out;
    },
  };
}
