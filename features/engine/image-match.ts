/**
 * Perceptual image-hash reuse on a compact binary form: a listing's hashes (hex, per the
 * contract) are stored as one string of records `[byte length][bytes…]`, one char per byte, so
 * they cost half their hex size, stay one byte per char in V8, and compare without parsing. Near
 * means a Hamming distance ≤ ⌊nearFraction × bits⌋ (PDQ: 31 of 256), for hashes of 64+ bits.
 */

import { scratchCodes } from './codes.ts';

const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i += 1) POPCOUNT[i] = (POPCOUNT[i >> 1] as number) + (i & 1);

const HEX = new Uint8Array(128);
for (let i = 0; i < 10; i += 1) HEX[48 + i] = i;
for (let i = 0; i < 6; i += 1) HEX[97 + i] = 10 + i;

/** Canonical binary form of image hashes: lower-cased, deduplicated, sorted; odd hex is 0-padded. */
export function encodeImages(hashes: readonly string[] | undefined): string {
  if (hashes === undefined || hashes.length === 0) return '';
  // Listings have a few hashes: an insertion sort that drops duplicates as it goes, rather than
  // a map, a set, a filter and a sort. `<` orders by UTF-16 code units, as `sort()` does.
  const canonical: string[] = [];
  let n = 0;
  for (let k = 0; k < hashes.length; k += 1) {
    const h = hashes[k] as string;
    const hex = (h.length % 2 === 1 ? `0${h}` : h).toLowerCase();
    if (hex.length === 0 || hex.length > 510) continue;
    let i = canonical.length;
    while (i > 0 && (canonical[i - 1] as string) > hex) i -= 1;
    if (i > 0 && canonical[i - 1] === hex) continue;
    canonical.splice(i, 0, hex);
    n += 1 + hex.length / 2;
  }
  const codes = scratchCodes(n);
  let p = 0;
  for (let k = 0; k < canonical.length; k += 1) {
    const hex = canonical[k] as string;
    codes[p] = hex.length / 2;
    p += 1;
    for (let i = 0; i < hex.length; i += 2, p += 1) {
      codes[p] = ((HEX[hex.charCodeAt(i)] ?? 0) << 4) | (HEX[hex.charCodeAt(i + 1)] ?? 0);
    }
  }
  return String.fromCharCode(...codes);
}

/** Back to hex strings (for the store and lookups). */
export function decodeImages(images: string): string[] {
  const out: string[] = [];
  for (let p = 0; p < images.length;) {
    const n = images.charCodeAt(p);
    let hex = '';
    for (let i = 1; i <= n; i += 1)
      hex += images
        .charCodeAt(p + i)
        .toString(16)
        .padStart(2, '0');
    out.push(hex);
    p += n + 1;
  }
  return out;
}

const radiusOf = (bytes: number, nearFraction: number): number =>
  Math.floor(nearFraction * bytes * 8);

function distance(a: string, i: number, b: string, j: number, n: number, limit: number): number {
  let d = 0;
  for (let k = 0; k < n && d <= limit; k += 1) {
    d += POPCOUNT[(a.charCodeAt(i + k) ^ b.charCodeAt(j + k)) & 0xff] as number;
  }
  return d;
}

/** 2 when an image hash is shared exactly, 1 when two are near, else 0. */
export function imageReuse(a: string, b: string, nearFraction: number): 0 | 1 | 2 {
  if (a === '' || b === '') return 0;
  let best: 0 | 1 | 2 = 0;
  // Every pair of records `[length][bytes…]` (plain loops: this runs for every candidate pair,
  // and callbacks would allocate closures each time).
  for (let p = 0; p < a.length; p += a.charCodeAt(p) + 1) {
    const n = a.charCodeAt(p);
    for (let q = 0; q < b.length; q += b.charCodeAt(q) + 1) {
      if (b.charCodeAt(q) !== n) continue;
      const radius = n >= 8 ? radiusOf(n, nearFraction) : 0;
      const d = distance(a, p + 1, b, q + 1, n, radius);
      if (d === 0) return 2;
      if (d <= radius) best = 1;
    }
  }
  return best;
}

/**
 * An append-only multimap from int32 keys to int32 values in typed arrays (no object, array or
 * map entry per value): chains of a hashed bucket table (at most one value a bucket on average),
 * newest first. `get` gives the values of a key in insertion order, as a
 * `Map<number, number[]>` would. A chain step reads one cell of `cells` (key, value and next
 * link side by side): with millions of values, every step is a cache miss, and three parallel
 * arrays made it three.
 */
export class IntMultimap {
  /** Per value: key, value, index of the next (older) value of the bucket or -1. */
  private cells: Int32Array<ArrayBuffer>;
  private heads: Int32Array<ArrayBuffer>;
  private count = 0;

  /** `capacity`: the values expected (it grows past them). */
  constructor(capacity = 16) {
    const n = Math.max(16, capacity);
    this.cells = new Int32Array(n * 3);
    let buckets = 8;
    while (buckets < n) buckets *= 2;
    this.heads = new Int32Array(buckets).fill(-1);
  }

  get size(): number {
    return this.count;
  }

  private bucket(key: number): number {
    let h = Math.imul(key ^ (key >>> 16), 0x45d9f3b);
    h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
    return (h ^ (h >>> 16)) & (this.heads.length - 1);
  }

  add(key: number, value: number): void {
    if (this.count * 3 === this.cells.length) {
      const cells = new Int32Array(Math.ceil(this.count * 1.5) * 3);
      cells.set(this.cells);
      this.cells = cells;
    }
    const i = this.count;
    this.cells[i * 3] = key;
    this.cells[i * 3 + 1] = value;
    this.count += 1;
    if (this.count > this.heads.length) {
      // Relinking in insertion order keeps every chain newest first.
      this.heads = new Int32Array(this.heads.length * 2).fill(-1);
      for (let k = 0; k < this.count; k += 1) this.link(k);
    } else this.link(i);
  }

  private link(i: number): void {
    const b = this.bucket(this.cells[i * 3] as number);
    this.cells[i * 3 + 2] = this.heads[b] as number;
    this.heads[b] = i;
  }

  /**
   * Lays the cells out bucket by bucket, each chain in consecutive cells (oldest first, linked
   * newest first as before), for a map built in bulk and then mostly read. Chains of a map
   * filled over time are scattered, so each step of a `get` was a cache miss; packed, the steps
   * of a chain share a cache line or two. Values keep their order, and adding or growing after
   * packing stays correct: a relink in cell order sees each key's values in insertion order.
   */
  pack(): void {
    const old = this.cells;
    const cells = new Int32Array(old.length);
    const heads = this.heads;
    let p = 0;
    for (let b = 0; b < heads.length; b += 1) {
      const head = heads[b] as number;
      let length = 0;
      for (let i = head; i >= 0; i = old[i * 3 + 2] as number) length += 1;
      if (length === 0) continue;
      let q = p + length - 1;
      heads[b] = q;
      for (let i = head; i >= 0; i = old[i * 3 + 2] as number) {
        cells[q * 3] = old[i * 3] as number;
        cells[q * 3 + 1] = old[i * 3 + 1] as number;
        cells[q * 3 + 2] = q > p ? q - 1 : -1;
        q -= 1;
      }
      p += length;
    }
    this.cells = cells;
  }

  /** Values found by the last `get`, oldest first (valid until the next call). */
  found = new Int32Array(16);

  /** Puts the values of `key` in `found`, oldest first; returns how many. */
  get(key: number): number {
    const cells = this.cells;
    let n = 0;
    for (let i = this.heads[this.bucket(key)] as number; i >= 0; i = cells[i * 3 + 2] as number) {
      if (cells[i * 3] !== key) continue;
      if (n === this.found.length) {
        const found = new Int32Array(n * 2);
        found.set(this.found);
        this.found = found;
      }
      this.found[n] = cells[i * 3 + 1] as number;
      n += 1;
    }
    const found = this.found;
    for (let a = 0, b = n - 1; a < b; a += 1, b -= 1) {
      const t = found[a] as number;
      found[a] = found[b] as number;
      found[b] = t;
    }
    return n;
  }
}

/**
 * Finds, among indexed listings, those reusing a probe's images, with the reuse level (2 exact,
 * 1 near). The index is keyed by (length, 16-bit chunk position, chunk value); a pair sharing a
 * chunk is verified. Pigeonhole guarantees a shared chunk below as many differing bits as there
 * are chunks (16 for PDQ); up to the PDQ threshold of 31 bits, spread differences still share one
 * with probability ≈ 0.9 at 31 bits and 0.999 at 16. Random hashes share a chunk once in 4,000
 * pairs, so buckets stay small whatever the population. Entries are numbered (parallel arrays)
 * and the chunk keys packed in one int32 key, so an indexed hash costs a few dozen bytes.
 */
export function createImageMatcher<T>(nearFraction: number, capacity = 16) {
  /** Per indexed hash: its listing, its encoded list, its start in it, the last probe seen. */
  const refs: T[] = [];
  const lists: string[] = [];
  let starts = new Int32Array(Math.max(16, capacity));
  let stamps = new Int32Array(Math.max(16, capacity)).fill(-1);
  /** (length · 128 + chunk position) · 65536 + chunk value → hash numbers (length < 256). */
  const table = new IntMultimap(capacity * 16);
  let stamp = 0;
  const chunk = (images: string, start: number, n: number, c: number): number =>
    (n * 128 + c) * 65536 +
    (images.charCodeAt(start + 2 * c) << 8) +
    (2 * c + 1 < n ? images.charCodeAt(start + 2 * c + 1) : 0);
  return {
    get size() {
      return refs.length;
    },
    /** See `IntMultimap.pack`: for a matcher filled in bulk, then probed many times. */
    pack(): void {
      table.pack();
    },
    add(images: string, ref: T): void {
      for (let p = 0; p < images.length;) {
        const n = images.charCodeAt(p);
        const e = refs.length;
        if (e === starts.length) {
          const s = new Int32Array(Math.ceil(e * 1.5));
          s.set(starts);
          starts = s;
          const t = new Int32Array(Math.ceil(e * 1.5)).fill(-1);
          t.set(stamps);
          stamps = t;
        }
        refs.push(ref);
        lists.push(images);
        starts[e] = p + 1;
        stamps[e] = -1;
        const chunks = n < 8 ? 1 : Math.ceil(n / 2);
        for (let c = 0; c < chunks; c += 1) table.add(chunk(images, p + 1, n, c), e);
        p += n + 1;
      }
    },
    /** Calls `found(ref, level)` for each verified reuse (a ref may come more than once). */
    candidates(images: string, found: (ref: T, level: 1 | 2) => void): void {
      for (let p = 0; p < images.length;) {
        const n = images.charCodeAt(p);
        stamp += 1;
        // Hashes under 64 bits only match exactly: their first chunk is key enough.
        const radius = n >= 8 ? radiusOf(n, nearFraction) : 0;
        const chunks = n < 8 ? 1 : Math.ceil(n / 2);
        for (let c = 0; c < chunks; c += 1) {
          const count = table.get(chunk(images, p + 1, n, c));
          for (let k = 0; k < count; k += 1) {
            const e = table.found[k] as number;
            if (stamps[e] === stamp) continue;
            stamps[e] = stamp;
            const d = distance(images, p + 1, lists[e] as string, starts[e] as number, n, radius);
            if (d <= radius) found(refs[e] as T, d === 0 ? 2 : 1);
          }
        }
        p += n + 1;
      }
    },
  };
}
