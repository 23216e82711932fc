import { VigieError } from '../../streams/errors.ts';
import {
  compactOf,
  IDENTIFIER_KINDS,
  MIN_SHARED_BANDS,
  withCompact,
  withCounted,
} from './cross-seller.ts';
import type {
  CrossSellerFacts,
  CrossSellerIndex,
  CrossSellerLookups,
  CrossSellerRequest,
  IdentifierKind,
  LinkSanction,
  ListingFingerprint,
} from './cross-seller.ts';
import { createImageMatcher, decodeImages, encodeImages, IntMultimap } from './image-match.ts';
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
  /**
   * Published fingerprints answer `fingerprintsOf` this long before the newest fact. Default 15
   * days: the engine uses one up to `publishedContentDays` (14) after its publication, and the
   * day more keeps them for events behind the newest (partitions drained at different paces).
   */
  fingerprintDays?: number;
  /** Bounds on kept fingerprints and identifier hashes. Defaults 200,000 and 2,000,000. */
  maxFingerprints?: number;
  maxIdentifiers?: number;
  /**
   * Expired entries are dropped after this many new publications and takedowns. Default 20,000.
   */
  expireEvery?: number;
  /**
   * Taken-down listings per segment of their search: expiry drops whole segments, with no
   * rebuild; a search probes every segment still in its window. Default 4,096.
   */
  takenSegment?: number;
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

const KIND_CODES: Record<IdentifierKind, number> = {
  email_hash: 0,
  phone_hash: 1,
  device_hash: 2,
  payout_hash: 3,
};

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

/** Image hashes expected per listing (2.5 in the simulated marketplace). */
const IMAGES_PER_LISTING = 3;

/**
 * What searches did, summed over every segment they probed (for benchmarks): text probes, the
 * band-bucket entries they met (the work that grows with how many similar listings are held),
 * and the entries met in `MIN_SHARED_BANDS` bands or more (handed on to be verified).
 */
export interface SearchWork {
  probes: number;
  bandEntries: number;
  candidates: number;
}

const newSearchWork = (): SearchWork => ({ probes: 0, bandEntries: 0, candidates: 0 });

/**
 * A searchable population of fingerprints (by LSH band and image), append-only: removal is
 * `createSegmentedSearch`'s, by segments. Entries are numbered; band buckets are typed-array
 * multimaps.
 *
 * A search answers only the entries the engine can match (`crossMatchListings`): those sharing
 * at least `MIN_SHARED_BANDS` bands with the probe, or reusing one of its images. The shared
 * bands are counted per entry here, in typed arrays, so that the many entries sharing a band or
 * two by chance (listings of the same product) are neither collected nor handed on: with a
 * million events of state they were most of the engine's time.
 */
function createSearch(
  bands: number,
  nearFraction: number,
  capacity = 16,
  work: SearchWork = newSearchWork(),
) {
  const entries: Stored[] = [];
  const byBand = Array.from({ length: bands }, () => new IntMultimap(capacity));
  // The matcher counts image hashes: sized for a few per listing, so that a full segment does
  // not grow its tables several times while it fills.
  const images = createImageMatcher<Stored>(nearFraction, capacity * IMAGES_PER_LISTING);
  /** Per entry: the last search that reached it, and the bands it shared with that probe. */
  let reached = new Int32Array(Math.max(16, capacity));
  let shared = new Uint16Array(Math.max(16, capacity));
  let probe = 0;
  /** Band codes of the entry added or searched (scratch: allocating each was a hotspot). */
  const codes = new Int32Array(bands);
  const add = (s: Stored): void => {
    if (s.sketch.length > 0 && s.sketch.length % bands === 0) {
      bandCodes(s.sketch, bands, codes);
      const e = entries.length;
      entries.push(s);
      if (e === reached.length) {
        const r = new Int32Array(e * 2);
        r.set(reached);
        reached = r;
        shared = new Uint16Array(e * 2);
      }
      reached[e] = 0;
      for (let b = 0; b < bands; b += 1) (byBand[b] as IntMultimap).add(codes[b] as number, e);
    }
    images.add(s.images, s);
  };
  return {
    add,
    /** For a population probed many times, with no more additions (`IntMultimap.pack`). */
    pack(): void {
      for (const band of byBand) band.pack();
      images.pack();
    },
    /**
     * Fills `found` with the entries the engine can match (each once), in discovery order.
     * `probeCodes`: the probe's band codes when the caller has them (several searches).
     */
    search(fp: Stored, found: Found, probeCodes?: Int32Array): void {
      const { refs } = found;
      clearFound(found);
      if (fp.sketch.length > 0 && fp.sketch.length % bands === 0) {
        const at = probeCodes ?? bandCodes(fp.sketch, bands, codes);
        probe += 1;
        const hit = found.entries;
        hit.length = 0;
        for (let b = 0; b < bands; b += 1) {
          const band = byBand[b] as IntMultimap;
          const count = band.get(at[b] as number);
          work.bandEntries += count;
          for (let k = 0; k < count; k += 1) {
            const e = band.found[k] as number;
            if (reached[e] !== probe) {
              reached[e] = probe;
              shared[e] = 1;
            } else shared[e] = (shared[e] as number) + 1;
            if (shared[e] === MIN_SHARED_BANDS) {
              hit.push(e);
              refs.push(entries[e] as Stored);
              found.hitBand.push(b);
            }
          }
        }
        work.probes += 1;
        work.candidates += hit.length;
        // Counts are final once every band is probed.
        for (const e of hit) {
          found.bands.push(shared[e] as number);
          found.image.push(0);
        }
      }
      if (fp.images === '') return;
      let at: Map<Stored, number> | undefined;
      images.candidates(fp.images, (s, level, position, chunk, hash) => {
        at ??= new Map(refs.map((r, k) => [r, k]));
        let k = at.get(s);
        if (k === undefined) {
          k = refs.length;
          at.set(s, k);
          refs.push(s);
          found.bands.push(0);
          found.image.push(0);
          found.imageKeys.push(position, chunk, hash);
        }
        if (level > (found.image[k] as number)) found.image[k] = level;
      });
    },
  };
}

type Search = ReturnType<typeof createSearch>;

interface Segment {
  search: Search;
  entries: Stored[];
  /** Latest `at` of its entries: a search for newer entries only passes it by. */
  maxAt: number;
}

/**
 * A search over entries in adding order, held in segments of `segmentSize` (each sealed and
 * packed when full), from which entries are removed (`remove`) without rebuilding anything: a
 * removed entry is no longer answered, and a segment goes once all of its entries are removed
 * (`reclaim`). The answer is the one a single search over the entries not removed would give,
 * in the same order: the segments' answers are merged by where each ref was first met (band,
 * then adding order; image-only refs after, by probe hash, chunk, adding order).
 *
 * It replaces rebuilding one search from the retained entries at every expiry: with a million
 * events of state, building the taken-down search (8,000 entries) and the day of publications
 * (37,000) again took 0.5 to 1.2 s of the main thread every 20,000 facts, one fifth of the
 * engine's time and the longest stalls of the real-time pipeline.
 */
function createSegmentedSearch(
  bands: number,
  nearFraction: number,
  segmentSize: number,
  /** Entries expected in the first segment (it grows past them up to `segmentSize`). */
  firstCapacity = segmentSize,
  work: SearchWork = newSearchWork(),
) {
  let segments: Segment[] = [];
  const removed = new Set<Stored>();
  const scratch = newFound();
  const probeCodes = new Int32Array(bands);
  const bandHits: Array<{
    ref: Stored;
    band: number;
    segment: number;
    entry: number;
    bands: number;
    image: number;
  }> = [];
  const imageHits: Array<{
    ref: Stored;
    at: number;
    chunk: number;
    segment: number;
    hash: number;
    image: number;
  }> = [];

  /** `from`'s answer into `to`, less removed entries (same order). */
  const copyAnswer = (from: Found, to: Found): void => {
    const hits = from.hitBand.length;
    for (let i = 0; i < from.refs.length; i += 1) {
      const ref = from.refs[i] as Stored;
      if (removed.size > 0 && removed.has(ref)) continue;
      to.refs.push(ref);
      to.bands.push(from.bands[i] as number);
      to.image.push(from.image[i] as number);
      if (i < hits) {
        to.hitBand.push(from.hitBand[i] as number);
        to.entries.push(from.entries[i] as number);
      } else {
        const j = 3 * (i - hits);
        to.imageKeys.push(
          from.imageKeys[j] as number,
          from.imageKeys[j + 1] as number,
          from.imageKeys[j + 2] as number,
        );
      }
    }
  };
  /** A segment's answer (already without removed entries, or filtered here) for merging. */
  const collect = (from: Found, segment: number): void => {
    const hits = from.hitBand.length;
    for (let i = 0; i < from.refs.length; i += 1) {
      const ref = from.refs[i] as Stored;
      if (removed.size > 0 && removed.has(ref)) continue;
      if (i < hits) {
        bandHits.push({
          ref,
          band: from.hitBand[i] as number,
          segment,
          entry: from.entries[i] as number,
          bands: from.bands[i] as number,
          image: from.image[i] as number,
        });
      } else {
        const j = 3 * (i - hits);
        imageHits.push({
          ref,
          at: from.imageKeys[j] as number,
          chunk: from.imageKeys[j + 1] as number,
          segment,
          hash: from.imageKeys[j + 2] as number,
          image: from.image[i] as number,
        });
      }
    }
  };
  return {
    get size(): number {
      let n = 0;
      for (const segment of segments) n += segment.entries.length;
      return n - removed.size;
    },
    add(s: Stored): void {
      let last = segments[segments.length - 1];
      if (last === undefined || last.entries.length >= segmentSize) {
        last?.search.pack();
        last = {
          search: createSearch(
            bands,
            nearFraction,
            segments.length === 0
              ? Math.min(segmentSize, Math.max(16, firstCapacity))
              : segmentSize,
            work,
          ),
          entries: [],
          maxAt: -Infinity,
        };
        segments.push(last);
      }
      last.search.add(s);
      last.entries.push(s);
      if (s.at > last.maxAt) last.maxAt = s.at;
    },
    /** No longer answered (an entry of this search). */
    remove(s: Stored): void {
      removed.add(s);
    },
    /** Drops the segments whose entries are all removed. */
    reclaim(): void {
      if (removed.size === 0) return;
      segments = segments.filter((segment) => {
        for (const s of segment.entries) if (!removed.has(s)) return true;
        for (const s of segment.entries) removed.delete(s);
        return false;
      });
    },
    /**
     * Fills `found` as `Search.search` does, over the entries not removed, passing by the
     * segments whose entries are all older than `from` (the caller's own time check would
     * refuse them).
     */
    search(fp: Stored, found: Found, from = -Infinity): void {
      let only: number | undefined;
      let several = false;
      for (let k = 0; k < segments.length; k += 1) {
        if ((segments[k] as Segment).maxAt < from) continue;
        if (only === undefined) only = k;
        else several = true;
      }
      const { refs } = found;
      clearFound(found);
      if (only === undefined) return;
      if (!several && removed.size === 0) {
        (segments[only] as Segment).search.search(fp, found);
        return;
      }
      bandHits.length = 0;
      imageHits.length = 0;
      const codes =
        fp.sketch.length > 0 && fp.sketch.length % bands === 0
          ? bandCodes(fp.sketch, bands, probeCodes)
          : undefined;
      // Most probes meet entries in one segment at most: its answer, less removed entries, is
      // already in order. Only answers from several segments are merged.
      let answering: number | undefined;
      let merge = false;
      for (let k = only; k < segments.length; k += 1) {
        const segment = segments[k] as Segment;
        if (segment.maxAt < from) continue;
        segment.search.search(fp, scratch, codes);
        if (scratch.refs.length === 0) continue;
        if (answering === undefined && !merge) {
          answering = k;
          copyAnswer(scratch, found);
          continue;
        }
        if (!merge) {
          merge = true;
          collect(found, answering as number);
          clearFound(found);
        }
        collect(scratch, k);
      }
      if (!merge) return;
      bandHits.sort((a, b) => a.band - b.band || a.segment - b.segment || a.entry - b.entry);
      imageHits.sort(
        (a, b) => a.at - b.at || a.chunk - b.chunk || a.segment - b.segment || a.hash - b.hash,
      );
      for (const h of bandHits) {
        refs.push(h.ref);
        found.bands.push(h.bands);
        found.image.push(h.image);
        found.hitBand.push(h.band);
      }
      for (const h of imageHits) {
        refs.push(h.ref);
        found.bands.push(0);
        found.image.push(h.image);
        found.imageKeys.push(h.at, h.chunk, h.hash);
      }
    },
  };
}

/**
 * What a search met: entries sharing `MIN_SHARED_BANDS` bands or more (with their count), then
 * those reusing an image only (bands 0), with the image reuse of each (0–2).
 */
interface Found {
  refs: Stored[];
  bands: number[];
  image: number[];
  /** Scratch: entry numbers of the band hits. */
  entries: number[];
  /**
   * Where each ref was first met, to merge several searches' answers in the order one search
   * over all their entries would give: per band hit (the first refs), the band that made it one;
   * per image-only ref (the rest), three numbers (probe hash position, chunk, indexed hash).
   */
  hitBand: number[];
  imageKeys: number[];
}

function clearFound(found: Found): void {
  found.refs.length = 0;
  found.bands.length = 0;
  found.image.length = 0;
  found.entries.length = 0;
  found.hitBand.length = 0;
  found.imageKeys.length = 0;
}

const newFound = (): Found => ({
  refs: [],
  bands: [],
  image: [],
  entries: [],
  hitBand: [],
  imageKeys: [],
});

/** One string instance per seller id, and a small integer handle for it. */
function createSellerIds() {
  const ids: string[] = [];
  const handles = new Map<string, number>();
  return {
    handle(id: string): number {
      let h = handles.get(id);
      if (h === undefined) {
        h = ids.length;
        ids.push(id);
        handles.set(id, h);
      }
      return h;
    },
    find: (id: string): number | undefined => handles.get(id),
    id: (h: number): string => ids[h] as string,
  };
}

/** Fields of an entry the typed arrays cannot hold (none the engine builds). */
interface Odd {
  sketch?: string;
  images?: string;
  shingles?: number;
  titleShingles?: number;
}

/**
 * `list` with `x` at the end: copied while short (V8 grows a pushed array by half plus 16
 * slots, a lot for the 2–4 holders of most identifiers), pushed beyond.
 */
function appended<T>(list: T[], x: T): T[] {
  if (list.length >= 16) {
    list.push(x);
    return list;
  }
  const out = new Array<T>(list.length + 1);
  for (let i = 0; i < list.length; i += 1) out[i] = list[i] as T;
  out[list.length] = x;
  return out;
}

const isInt32 = (x: number): boolean => (x | 0) === x && !Object.is(x, -0);

/**
 * Published fingerprints, numbered in arrival order, in parallel typed arrays: sketch and image
 * bytes in one byte arena, sellers as handles, listing ids in one array (the engine's string
 * instances). The current (earliest-published) entry of each (seller, listing) is found through
 * an open-addressing table of entry numbers; older ones stay while `recent` holds them, until
 * `compact` reclaims what nothing holds.
 */
class PublishedFingerprints {
  count = 0;
  /** Current entries (the earliest publication of their listing, still answering). */
  live = 0;
  seller = new Int32Array(1024);
  at = new Float64Array(1024);
  /** When the entry's (seller, listing) became current: ties of the size bound, oldest first. */
  order = new Float64Array(1024);
  private shingles = new Int32Array(1024);
  private titleShingles = new Int32Array(1024);
  /** Start of the entry's bytes in `bytes`: sketch, then images. */
  private offset = new Int32Array(1025);
  private sketchLength = new Int32Array(1024);
  /** `hash` of the entry's (seller, listing) before masking: a rehash reads no listing id. */
  private hashes = new Int32Array(1024);
  current = new Uint8Array(1024);
  listingIds: string[] = [];
  private bytes = new Uint8Array(1 << 16);
  private odd = new Map<number, Odd>();
  /** Entry number + 1 per cell (0: empty); at most one cell per (seller, listing). */
  private table = new Int32Array(2048);
  private used = 0;
  private sequence = 0;

  private hash(seller: number, listingId: string): number {
    let h = Math.imul(seller ^ 0x9e3779b9, 0x01000193);
    for (let k = 0; k < listingId.length; k += 1) {
      h = Math.imul(h ^ listingId.charCodeAt(k), 0x01000193);
    }
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
    return h ^ (h >>> 12);
  }

  /** The cell of (seller, listing): its own, or the empty one that ends its probe. */
  private cell(seller: number, listingId: string, hash = this.hash(seller, listingId)): number {
    const mask = this.table.length - 1;
    for (let c = hash & mask; ; c = (c + 1) & mask) {
      const i = (this.table[c] as number) - 1;
      if (i < 0 || (this.seller[i] === seller && this.listingIds[i] === listingId)) return c;
    }
  }

  /** The current entry of a listing. */
  find(seller: number, listingId: string): number | undefined {
    const i = (this.table[this.cell(seller, listingId)] as number) - 1;
    return i >= 0 && this.current[i] === 1 ? i : undefined;
  }

  /** Makes the publication current for its listing (replacing `old`, the current entry). */
  add(seller: number, s: Stored, old: number | undefined): number {
    const i = this.count;
    if (i === this.seller.length) this.resize(Math.ceil(i * 1.25));
    const start = this.offset[i] as number;
    const end = start + s.sketch.length + s.images.length;
    if (end > this.bytes.length) {
      const bytes = new Uint8Array(Math.ceil(end * 1.25));
      bytes.set(this.bytes.subarray(0, start));
      this.bytes = bytes;
    }
    const odd: Odd = {};
    let p = start;
    for (const [name, text] of [
      ['sketch', s.sketch],
      ['images', s.images],
    ] as const) {
      for (let k = 0; k < text.length; k += 1, p += 1) {
        const c = text.charCodeAt(k);
        if (c > 255) odd[name] = text;
        this.bytes[p] = c;
      }
    }
    if (!isInt32(s.shingles)) odd.shingles = s.shingles;
    if (!isInt32(s.titleShingles)) odd.titleShingles = s.titleShingles;
    if (Object.keys(odd).length > 0) this.odd.set(i, odd);
    this.seller[i] = seller;
    this.at[i] = s.at;
    this.shingles[i] = s.shingles;
    this.titleShingles[i] = s.titleShingles;
    this.sketchLength[i] = s.sketch.length;
    const hash = this.hash(seller, s.listingId);
    this.hashes[i] = hash;
    this.offset[i + 1] = end;
    this.listingIds[i] = s.listingId;
    this.count = i + 1;
    if (old === undefined) {
      this.order[i] = this.sequence += 1;
      this.live += 1;
    } else {
      this.order[i] = this.order[old] as number;
      this.current[old] = 0;
    }
    this.current[i] = 1;
    const c = this.cell(seller, s.listingId, hash);
    if (this.table[c] === 0) this.used += 1;
    this.table[c] = i + 1;
    if (this.used * 2 > this.table.length) this.rehash();
    return i;
  }

  /** Stops answering for an entry. */
  drop(i: number): void {
    if (this.current[i] === 0) return;
    this.current[i] = 0;
    this.live -= 1;
  }

  private text(from: number, to: number): string {
    // Through a plain array: spreading a typed array is several times slower.
    let out = '';
    for (let p = from; p < to; p += 4096) {
      const codes = new Array<number>(Math.min(to - p, 4096));
      for (let k = 0; k < codes.length; k += 1) codes[k] = this.bytes[p + k] as number;
      out += String.fromCharCode(...codes);
    }
    return out;
  }

  stored(i: number, sellerId: string): Stored {
    const start = this.offset[i] as number;
    const mid = start + (this.sketchLength[i] as number);
    const odd = this.odd.get(i);
    return {
      sellerId,
      listingId: this.listingIds[i] as string,
      at: this.at[i] as number,
      sketch: odd?.sketch ?? this.text(start, mid),
      images: odd?.images ?? this.text(mid, this.offset[i + 1] as number),
      shingles: odd?.shingles ?? (this.shingles[i] as number),
      titleShingles: odd?.titleShingles ?? (this.titleShingles[i] as number),
    };
  }

  private resize(capacity: number): void {
    const n = Math.min(this.count, capacity);
    const copy = <A extends Int32Array | Float64Array | Uint8Array>(a: A, b: A): A => {
      b.set(a.subarray(0, n));
      return b;
    };
    this.seller = copy(this.seller, new Int32Array(capacity));
    this.at = copy(this.at, new Float64Array(capacity));
    this.order = copy(this.order, new Float64Array(capacity));
    this.shingles = copy(this.shingles, new Int32Array(capacity));
    this.titleShingles = copy(this.titleShingles, new Int32Array(capacity));
    this.sketchLength = copy(this.sketchLength, new Int32Array(capacity));
    this.hashes = copy(this.hashes, new Int32Array(capacity));
    this.current = copy(this.current, new Uint8Array(capacity));
    const offset = new Int32Array(capacity + 1);
    offset.set(this.offset.subarray(0, n + 1));
    this.offset = offset;
  }

  /** Rebuilds the table from the current entries, at most half full. */
  private rehash(): void {
    let size = 2048;
    while (size < this.live * 2.5) size *= 2;
    const table = new Int32Array(size);
    const mask = size - 1;
    this.used = 0;
    for (let i = 0; i < this.count; i += 1) {
      if (this.current[i] === 0) continue;
      // Current entries are distinct listings: the first empty cell of the probe is theirs.
      let c = (this.hashes[i] as number) & mask;
      while (table[c] !== 0) c = (c + 1) & mask;
      table[c] = i + 1;
      this.used += 1;
    }
    this.table = table;
  }

  /**
   * Keeps the current entries and those `keep` says (in order), renumbered; returns the new
   * number of each old one (−1: dropped).
   */
  compact(keep: (i: number) => boolean): Int32Array {
    const renumber = new Int32Array(this.count).fill(-1);
    let n = 0;
    let p = 0;
    const odd = new Map<number, Odd>();
    // Kept entries come in runs of adjacent bytes: one move per run (each lands at or before
    // its source, and past the runs before it).
    let runFrom = 0;
    let runTo = 0;
    let runAt = 0;
    for (let i = 0; i < this.count; i += 1) {
      if (this.current[i] === 0 && !keep(i)) continue;
      const start = this.offset[i] as number;
      const end = this.offset[i + 1] as number;
      if (start !== runTo) {
        if (runTo > runFrom) this.bytes.copyWithin(runAt, runFrom, runTo);
        runFrom = start;
        runAt = p;
      }
      runTo = end;
      this.seller[n] = this.seller[i] as number;
      this.at[n] = this.at[i] as number;
      this.order[n] = this.order[i] as number;
      this.shingles[n] = this.shingles[i] as number;
      this.titleShingles[n] = this.titleShingles[i] as number;
      this.sketchLength[n] = this.sketchLength[i] as number;
      this.hashes[n] = this.hashes[i] as number;
      this.current[n] = this.current[i] as number;
      this.listingIds[n] = this.listingIds[i] as string;
      const o = this.odd.size === 0 ? undefined : this.odd.get(i);
      if (o !== undefined) odd.set(n, o);
      this.offset[n] = p;
      p += end - start;
      renumber[i] = n;
      n += 1;
    }
    if (runTo > runFrom) this.bytes.copyWithin(runAt, runFrom, runTo);
    this.offset[n] = p;
    this.odd = odd;
    this.listingIds.length = n;
    this.count = n;
    // In place: the arrays are shrunk only when far larger than what is kept. A new copy of each
    // (tens of MB with a million events of state) was a burst of allocation in the middle of a
    // batch, ~0.7 s with the major GC it made V8 finish there; in place it is ~60 ms (the GC then
    // comes with the next large allocation instead: docs/performance.md, fifteenth session). The
    // room they keep is what the next entries fill.
    if (this.seller.length > 2 * n + 1024) this.resize(Math.max(1024, Math.ceil(n * 1.125)));
    if (this.bytes.length > 2 * p + (1 << 16)) {
      this.bytes = this.bytes.slice(0, Math.max(1 << 16, Math.ceil(p * 1.125)));
    }
    this.rehash();
    return renumber;
  }
}

/** Publications per segment of the search over recent publications. */
const PUBLISHED_SEGMENT = 4096;

/** The in-memory index, with what its searches cost so far (for benchmarks). */
export interface InMemoryCrossSellerIndex extends CrossSellerIndex {
  /**
   * Publications indexed in the search over recent publications so far, and the work of the
   * searches over taken-down listings (`taken`, probed by publications) and over recent
   * publications (`recent`, probed by takedowns), summed since the index was made.
   */
  searchStats(): { indexed: number; taken: SearchWork; recent: SearchWork };
}

/**
 * Answers the engine's cross-seller requests from the facts the engine recorded: the
 * single-instance stand-in for the store (tests, file replay). Bounded by time windows and
 * `maxFingerprints` / `maxIdentifiers` (oldest first out).
 */
export function createInMemoryCrossSellerIndex(
  options: InMemoryCrossSellerIndexOptions = {},
): InMemoryCrossSellerIndex {
  const bands = options.bands ?? 32;
  const takedownMs = (options.takedownDays ?? 8) * DAY;
  const publishedMs = (options.publishedSearchHours ?? 24) * HOUR;
  const fingerprintMs = (options.fingerprintDays ?? 15) * DAY;
  const maxFingerprints = options.maxFingerprints ?? 200_000;
  const maxIdentifiers = options.maxIdentifiers ?? 2_000_000;
  const expireEvery = options.expireEvery ?? 20_000;
  const takenSegment = options.takenSegment ?? 4096;
  if (
    !Number.isInteger(bands) ||
    bands < 1 ||
    maxFingerprints < 1 ||
    maxIdentifiers < 1 ||
    !(expireEvery >= 1) ||
    !Number.isInteger(takenSegment) ||
    takenSegment < 1
  ) {
    throw new VigieError(
      'INVALID_CONFIG',
      'in-memory cross-seller index: bands, maxFingerprints, maxIdentifiers, expireEvery and ' +
        'takenSegment must be ≥ 1',
      { context: { bands, maxFingerprints, maxIdentifiers, expireEvery, takenSegment } },
    );
  }
  const sellerIds = createSellerIds();
  /** Identifier hash → holders, each `seller handle · 4 + kind`, in first-holding order. */
  const holders = new Map<string, number | number[]>();
  const hashesOf = new Map<number, string | string[]>();
  const sanctions = new Map<string, Map<LinkSanction, number>>();
  const takenDown = new Map<string, Stored>();
  const published = new PublishedFingerprints();
  // Search structures (filled with the image near fraction of the first request).
  let nearFraction = Number.NaN;
  /** Work of the searches over taken-down listings and over recent publications. */
  const takenWork = newSearchWork();
  const recentWork = newSearchWork();
  /** A search of full-size segments from the start, adding to `work`. */
  const segmented = (fraction: number, size: number, work: SearchWork) =>
    createSegmentedSearch(bands, fraction, size, size, work);
  let takenSearch = segmented(0.12, takenSegment, takenWork);
  /** Recent publications (slab entries) in arrival order: searched only for takedowns after them. */
  let recent: number[] = [];
  /**
   * The search over `recent`, filled as publications are recorded and emptied as they leave
   * `recent`: each publication is indexed once, in the batch that brings it. (It was built on
   * demand, over the range a request's takedowns could match, and kept while later requests fell
   * in it; late takedowns reaching further back built it again, up to 18,000 publications at
   * once: a stall of up to a second.) Requests for takedowns in the last minutes pass by its
   * older segments (`SegmentedSearch.search`'s `from`).
   */
  let recentSearch = segmented(0.12, PUBLISHED_SEGMENT, recentWork);
  /** Per `recent` entry (same positions), its entry in `recentSearch`. */
  let recentStored: Stored[] = [];
  /** Publications indexed in `recentSearch` so far (for benchmarks). */
  let recentIndexed = 0;
  let watermark = -Infinity;
  let sinceExpiry = 0;

  const key = (sellerId: string, listingId: string): string => `${sellerId}\u0000${listingId}`;
  const publishedEntry = (sellerId: string, listingId: string): number | undefined => {
    const h = sellerIds.find(sellerId);
    return h === undefined ? undefined : published.find(h, listingId);
  };
  const storedAt = (i: number): Stored =>
    published.stored(i, sellerIds.id(published.seller[i] as number));

  const expire = (): void => {
    for (const [k, s] of takenDown) {
      if (s.at < watermark - takedownMs) {
        takenDown.delete(k);
        takenSearch.remove(s);
      }
    }
    if (takenDown.size > maxFingerprints) {
      const oldest = [...takenDown.entries()].sort((a, b) => a[1].at - b[1].at);
      for (const [k, s] of oldest.slice(0, takenDown.size - maxFingerprints)) {
        takenDown.delete(k);
        takenSearch.remove(s);
      }
    }
    const before = watermark - fingerprintMs;
    for (let i = 0; i < published.count; i += 1) if (published.at[i]! < before) published.drop(i);
    if (published.live > maxFingerprints) {
      const all: number[] = [];
      for (let i = 0; i < published.count; i += 1) if (published.current[i] === 1) all.push(i);
      const { at, order } = published;
      all.sort((a, b) => at[a]! - at[b]! || order[a]! - order[b]!);
      for (const i of all.slice(0, published.live - maxFingerprints)) published.drop(i);
    }
    takenSearch.reclaim();
    // Publications leaving `recent` leave its search too.
    const keptRecent: number[] = [];
    const keptStored: Stored[] = [];
    for (let k = 0; k < recent.length; k += 1) {
      const i = recent[k] as number;
      const s = recentStored[k] as Stored;
      if (published.at[i]! >= watermark - publishedMs) {
        keptRecent.push(i);
        keptStored.push(s);
      } else recentSearch.remove(s);
    }
    recent = keptRecent;
    recentStored = keptStored;
    recentSearch.reclaim();
    // Reclaim the entries nothing holds any more, once they are a quarter of the slab: compacting
    // moves all of it (~60 ms at 250,000 entries), while an expiry frees a few per cent.
    const inRecent = new Uint8Array(published.count);
    for (const i of recent) inRecent[i] = 1;
    let held = 0;
    for (let i = 0; i < published.count; i += 1) {
      if (published.current[i] === 1 || inRecent[i] === 1) held += 1;
    }
    if (published.count - held > published.count / 4) {
      const renumber = published.compact((i) => inRecent[i] === 1);
      recent = recent.map((i) => renumber[i] as number);
    }
  };

  /** The searches made again from what they hold, for another image near fraction. */
  const remakeSearches = (): void => {
    takenSearch = segmented(nearFraction, takenSegment, takenWork);
    for (const s of takenDown.values()) takenSearch.add(s);
    recentSearch = segmented(nearFraction, PUBLISHED_SEGMENT, recentWork);
    for (const s of recentStored) recentSearch.add(s);
  };

  return {
    searchStats: () => ({
      indexed: recentIndexed,
      taken: { ...takenWork },
      recent: { ...recentWork },
    }),
    record(facts: CrossSellerFacts) {
      for (const x of facts.identifiers) {
        const hash = x.hash.toLowerCase();
        const seller = sellerIds.handle(x.sellerId);
        const holder = seller * 4 + KIND_CODES[x.kind];
        const group = holders.get(hash);
        if (group === undefined) {
          if (holders.size >= maxIdentifiers) holders.delete(holders.keys().next().value as string);
          holders.set(hash, holder);
        } else if (typeof group === 'number') {
          holders.set(hash, group >> 2 === seller ? holder : [group, holder]);
        } else {
          const at = group.findIndex((g) => g >> 2 === seller);
          if (at >= 0) group[at] = holder;
          else holders.set(hash, appended(group, holder));
        }
        const own = hashesOf.get(seller);
        if (own === undefined) hashesOf.set(seller, hash);
        else if (typeof own === 'string') {
          if (own !== hash) hashesOf.set(seller, [own, hash]);
        } else if (!own.includes(hash)) hashesOf.set(seller, appended(own, hash));
      }
      for (const x of facts.sanctions) {
        let s = sanctions.get(x.sellerId);
        if (s === undefined) sanctions.set(x.sellerId, (s = new Map()));
        s.set(x.action, Math.min(s.get(x.action) ?? Infinity, x.at));
      }
      for (const fp of facts.takenDown) {
        // A listing taken down twice is searchable under each takedown.
        const s = toStored(fp);
        s.sellerId = sellerIds.id(sellerIds.handle(fp.sellerId));
        const k = `${key(fp.sellerId, fp.listingId)}\u0000${fp.at}`;
        const again = takenDown.get(k);
        if (again !== undefined) takenSearch.remove(again);
        takenDown.set(k, s);
        takenSearch.add(s);
        watermark = Math.max(watermark, fp.at);
      }
      for (const fp of facts.published) {
        const old = publishedEntry(fp.sellerId, fp.listingId);
        if ((old === undefined ? Infinity : published.at[old]!) <= fp.at) continue;
        const seller = sellerIds.handle(fp.sellerId);
        const s = toStored(fp);
        s.sellerId = sellerIds.id(seller);
        recent.push(published.add(seller, s, old));
        recentStored.push(s);
        recentSearch.add(s);
        recentIndexed += 1;
        watermark = Math.max(watermark, fp.at);
      }
      sinceExpiry += facts.published.length + facts.takenDown.length;
      if (sinceExpiry > expireEvery) {
        sinceExpiry = 0;
        expire();
      }
    },

    answer(request: CrossSellerRequest): CrossSellerLookups {
      if (request.imageNearFraction !== nearFraction) {
        nearFraction = request.imageNearFraction;
        expire();
        remakeSearches();
      }
      const out: CrossSellerLookups = {
        identifiers: [],
        sanctions: [],
        takenDown: [],
        published: [],
        fingerprints: [],
      };
      const named = new Set<string>();
      const emitOne = (hash: string, holder: number): void => {
        const sellerId = sellerIds.id(holder >> 2);
        out.identifiers.push({ hash, sellerId, kind: IDENTIFIER_KINDS[holder & 3] });
        named.add(sellerId);
      };
      const emit = (hash: string): void => {
        const group = holders.get(hash);
        if (typeof group === 'number') emitOne(hash, group);
        else for (const holder of group ?? []) emitOne(hash, holder);
      };
      for (const h of request.identifierHashes) emit(h.toLowerCase());
      for (const sellerId of request.sanctionedSellerIds) {
        const h = sellerIds.find(sellerId);
        const own = h === undefined ? undefined : hashesOf.get(h);
        if (typeof own === 'string') emit(own);
        else for (const hash of own ?? []) emit(hash);
      }
      for (const sellerId of named) {
        for (const [action, at] of sanctions.get(sellerId) ?? []) {
          out.sanctions.push({ sellerId, action, at });
        }
      }
      const found = newFound();
      // Each taken-down candidate once, numbered in `out.takenDown`; and the pairs counted.
      const taken = new Map<Stored, number>();
      const start = new Int32Array(request.newListings.length + 1);
      const pairs: { taken: number[]; shared: number[]; image: number[] } = {
        taken: [],
        shared: [],
        image: [],
      };
      request.newListings.forEach((fp, j) => {
        takenSearch.search(toStored(fp), found, fp.at - request.windowMs);
        for (let k = 0; k < found.refs.length; k += 1) {
          const s = found.refs[k] as Stored;
          if (!(s.at < fp.at && s.at >= fp.at - request.windowMs)) continue;
          let t = taken.get(s);
          if (t === undefined) {
            t = out.takenDown.length;
            taken.set(s, t);
            out.takenDown.push(toFingerprint(s));
          }
          pairs.taken.push(t);
          pairs.shared.push(found.bands[k] as number);
          pairs.image.push(found.image[k] as number);
        }
        start[j + 1] = pairs.taken.length;
      });
      withCounted(out, {
        bands,
        nearFraction,
        windowMs: request.windowMs,
        newListings: request.newListings,
        start,
        taken: Int32Array.from(pairs.taken),
        shared: Uint16Array.from(pairs.shared),
        image: Uint8Array.from(pairs.image),
      });
      // Publications after each takedown asked about: usually the last minutes only.
      const fresh = new Set<Stored>();
      for (const fp of request.takedowns) {
        recentSearch.search(toStored(fp), found, fp.at);
        for (const s of found.refs) {
          if (s.at > fp.at && s.at <= fp.at + request.windowMs) fresh.add(s);
        }
      }
      // In publication order: the same answer whatever else the search holds.
      const answered = [...fresh].sort(
        (a, b) =>
          a.at - b.at ||
          (a.sellerId < b.sellerId ? -1 : a.sellerId > b.sellerId ? 1 : 0) ||
          (a.listingId < b.listingId ? -1 : a.listingId > b.listingId ? 1 : 0),
      );
      for (const s of answered) out.published.push(toFingerprint(s));
      for (const x of request.fingerprintsOf) {
        const i = publishedEntry(x.sellerId, x.listingId);
        if (i !== undefined) out.fingerprints.push(toFingerprint(storedAt(i)));
      }
      return out;
    },
  };
}
