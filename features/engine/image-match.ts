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
 * map entry per value). `get` gives the values of a key in insertion order, as a
 * `Map<number, number[]>` would. Keys sit in an open-addressing table (linear probing, at most
 * half full), each with the newest of its values; values are chained per key, newest first.
 * With millions of values every step in the table or a chain is a cache miss, and most probes
 * ask for an absent key (band codes of a new text, image chunks): a one-hash Bloom filter of the
 * keys, 4 bits a slot (so it stays in cache), answers most of those without touching the table.
 */
export class IntMultimap {
  /** Per slot: key, then 1 + the cell of its newest value (0: empty slot). */
  private slots: Int32Array<ArrayBuffer>;
  /** Per value: the value, then the cell of the key's previous value or -1. */
  private cells: Int32Array<ArrayBuffer>;
  /** Bit `filterBit(key)` set for every key held. */
  private filter: Int32Array<ArrayBuffer>;
  private count = 0;
  private keys = 0;

  /** `capacity`: the values expected (it grows past them). */
  constructor(capacity = 16) {
    const n = Math.max(16, capacity);
    this.cells = new Int32Array(n * 2);
    let slots = 16;
    while (slots < 2 * n) slots *= 2;
    this.slots = new Int32Array(slots * 2);
    this.filter = new Int32Array(slots >> 3);
  }

  get size(): number {
    return this.count;
  }

  private static hash(key: number): number {
    let h = Math.imul(key ^ (key >>> 16), 0x45d9f3b);
    h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
    return h ^ (h >>> 16);
  }

  /** The filter bit of a key's hash: the top bits of a remix, where the slot takes low ones. */
  private filterBit(h: number): number {
    // `filter.length` · 32 bits, a power of two: log2 of it is 36 − clz32(length).
    return Math.imul(h, 0x9e3779b1) >>> (Math.clz32(this.filter.length) - 4);
  }

  /** The slot of `key` (hash `h`): its own, or the empty one that ends its probe. */
  private slot(key: number, h: number): number {
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      if (slots[2 * s + 1] === 0 || slots[2 * s] === key) return s;
    }
  }

  add(key: number, value: number): void {
    if (this.count * 2 === this.cells.length) {
      const cells = new Int32Array(Math.ceil(this.count * 1.5) * 2);
      cells.set(this.cells);
      this.cells = cells;
    }
    const i = this.count;
    this.count += 1;
    const h = IntMultimap.hash(key);
    let s = this.slot(key, h);
    if (this.slots[2 * s + 1] === 0) {
      this.keys += 1;
      if (this.keys * 2 > this.slots.length >> 1) {
        this.grow();
        s = this.slot(key, h);
      }
      const b = this.filterBit(h);
      this.filter[b >>> 5] = (this.filter[b >>> 5] as number) | (1 << (b & 31));
    }
    this.cells[2 * i] = value;
    this.cells[2 * i + 1] = (this.slots[2 * s + 1] as number) - 1;
    this.slots[2 * s] = key;
    this.slots[2 * s + 1] = i + 1;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    this.filter = new Int32Array(this.filter.length * 2);
    const mask = (this.slots.length >> 1) - 1;
    for (let t = 0; t < old.length; t += 2) {
      if (old[t + 1] === 0) continue;
      const h = IntMultimap.hash(old[t] as number);
      let s = h & mask;
      while (this.slots[2 * s + 1] !== 0) s = (s + 1) & mask;
      this.slots[2 * s] = old[t] as number;
      this.slots[2 * s + 1] = old[t + 1] as number;
      const b = this.filterBit(h);
      this.filter[b >>> 5] = (this.filter[b >>> 5] as number) | (1 << (b & 31));
    }
  }

  /**
   * Lays each key's values out in consecutive cells (oldest first, linked newest first as
   * before), for a map built in bulk and then mostly read: the steps of a chain then share a
   * cache line or two. Values keep their order, and adding after packing stays correct.
   */
  pack(): void {
    const old = this.cells;
    const cells = new Int32Array(old.length);
    const slots = this.slots;
    let p = 0;
    for (let t = 1; t < slots.length; t += 2) {
      const head = (slots[t] as number) - 1;
      if (head < 0) continue;
      let length = 0;
      for (let i = head; i >= 0; i = old[2 * i + 1] as number) length += 1;
      let q = p + length - 1;
      slots[t] = q + 1;
      for (let i = head; i >= 0; i = old[2 * i + 1] as number) {
        cells[2 * q] = old[2 * i] as number;
        cells[2 * q + 1] = q > p ? q - 1 : -1;
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
    const h = IntMultimap.hash(key);
    const b = this.filterBit(h);
    if (((this.filter[b >>> 5] as number) & (1 << (b & 31))) === 0) return 0;
    const head = (this.slots[2 * this.slot(key, h) + 1] as number) - 1;
    const cells = this.cells;
    let n = 0;
    for (let i = head; i >= 0; i = cells[2 * i + 1] as number) {
      if (n === this.found.length) {
        const found = new Int32Array(n * 2);
        found.set(this.found);
        this.found = found;
      }
      this.found[n] = cells[2 * i] as number;
      n += 1;
    }
    const found = this.found;
    for (let a = 0, z = n - 1; a < z; a += 1, z -= 1) {
      const t = found[a] as number;
      found[a] = found[z] as number;
      found[z] = t;
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
 * `capacity`: the image hashes expected (it grows past them).
 */
export function createImageMatcher<T>(nearFraction: number, capacity = 16) {
  /** Per indexed hash: its listing, its encoded list, its start in it, the last probe seen. */
  const refs: T[] = [];
  const lists: string[] = [];
  let starts = new Int32Array(Math.max(16, capacity));
  let stamps = new Int32Array(Math.max(16, capacity)).fill(-1);
  /**
   * (length · 128 + chunk position) · 65536 + chunk value → hash numbers (length < 256): a PDQ
   * hash (32 bytes) is indexed under 16 chunks.
   */
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
    /**
     * Calls `found(ref, level, at, chunk, hash)` for each verified reuse (a ref may come more
     * than once), in the order of (`at`: the probe hash's position in `images`, `chunk`, `hash`:
     * the indexed hash's number, in adding order), which the three numbers give for merging the
     * answers of several matchers.
     */
    candidates(
      images: string,
      found: (ref: T, level: 1 | 2, at: number, chunk: number, hash: number) => void,
    ): void {
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
            if (d <= radius) found(refs[e] as T, d === 0 ? 2 : 1, p, c, e);
          }
        }
        p += n + 1;
      }
    },
  };
}
