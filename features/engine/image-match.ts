/**
 * Perceptual image-hash reuse on a compact binary form: a listing's hashes (hex, per the
 * contract) are stored as one string of records `[byte length][bytes…]`, one char per byte, so
 * they cost half their hex size, stay one byte per char in V8, and compare without parsing. Near
 * means a Hamming distance ≤ ⌊nearFraction × bits⌋ (PDQ: 31 of 256), for hashes of 64+ bits.
 */

const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i += 1) POPCOUNT[i] = (POPCOUNT[i >> 1] as number) + (i & 1);

const HEX = new Uint8Array(128);
for (let i = 0; i < 10; i += 1) HEX[48 + i] = i;
for (let i = 0; i < 6; i += 1) HEX[97 + i] = 10 + i;

/** Canonical binary form of image hashes: lower-cased, deduplicated, sorted; odd hex is 0-padded. */
export function encodeImages(hashes: readonly string[] | undefined): string {
  if (hashes === undefined || hashes.length === 0) return '';
  const canonical = [
    ...new Set(hashes.map((h) => (h.length % 2 === 1 ? `0${h}` : h).toLowerCase())),
  ]
    .filter((h) => h.length > 0 && h.length <= 510)
    .sort();
  const codes: number[] = [];
  for (const hex of canonical) {
    codes.push(hex.length / 2);
    for (let i = 0; i < hex.length; i += 2) {
      codes.push(((HEX[hex.charCodeAt(i)] ?? 0) << 4) | (HEX[hex.charCodeAt(i + 1)] ?? 0));
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

/** Calls `fn(start, length)` for each hash of an encoded list. */
function each(images: string, fn: (start: number, length: number) => boolean | void): void {
  for (let p = 0; p < images.length;) {
    const n = images.charCodeAt(p);
    if (fn(p + 1, n) === true) return;
    p += n + 1;
  }
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
  each(a, (i, n) => {
    each(b, (j, m) => {
      if (n !== m) return false;
      const radius = n >= 8 ? radiusOf(n, nearFraction) : 0;
      const d = distance(a, i, b, j, n, radius);
      if (d === 0) best = 2;
      else if (d <= radius) best = 1;
      return best === 2;
    });
    return best === 2;
  });
  return best;
}

/**
 * Finds, among indexed listings, those reusing a probe's images, with the reuse level (2 exact,
 * 1 near). The index is keyed by (length, 16-bit chunk position, chunk value); a pair sharing a
 * chunk is verified. Pigeonhole guarantees a shared chunk below as many differing bits as there
 * are chunks (16 for PDQ); up to the PDQ threshold of 31 bits, spread differences still share one
 * with probability ≈ 0.9 at 31 bits and 0.999 at 16. Random hashes share a chunk once in 4,000
 * pairs, so buckets stay small whatever the population.
 */
export function createImageMatcher<T>(nearFraction: number) {
  interface Entry {
    ref: T;
    images: string;
    start: number;
    stamp: number;
  }
  /** Per hash length in bytes: chunk position · 65536 + chunk value → entries. */
  const tables = new Map<number, Map<number, Entry[]>>();
  let size = 0;
  let stamp = 0;
  const chunk = (images: string, start: number, n: number, c: number): number =>
    c * 65536 +
    (images.charCodeAt(start + 2 * c) << 8) +
    (2 * c + 1 < n ? images.charCodeAt(start + 2 * c + 1) : 0);
  return {
    get size() {
      return size;
    },
    add(images: string, ref: T): void {
      for (let p = 0; p < images.length;) {
        const n = images.charCodeAt(p);
        let table = tables.get(n);
        if (table === undefined) tables.set(n, (table = new Map()));
        const e: Entry = { ref, images, start: p + 1, stamp: -1 };
        size += 1;
        const chunks = n < 8 ? 1 : Math.ceil(n / 2);
        for (let c = 0; c < chunks; c += 1) {
          const key = chunk(images, p + 1, n, c);
          const list = table.get(key);
          if (list === undefined) table.set(key, [e]);
          else list.push(e);
        }
        p += n + 1;
      }
    },
    /** Calls `found(ref, level)` for each verified reuse (a ref may come more than once). */
    candidates(images: string, found: (ref: T, level: 1 | 2) => void): void {
      for (let p = 0; p < images.length;) {
        const n = images.charCodeAt(p);
        const table = tables.get(n);
        stamp += 1;
        if (table !== undefined) {
          // Hashes under 64 bits only match exactly: their first chunk is key enough.
          const radius = n >= 8 ? radiusOf(n, nearFraction) : 0;
          const chunks = n < 8 ? 1 : Math.ceil(n / 2);
          for (let c = 0; c < chunks; c += 1) {
            for (const e of table.get(chunk(images, p + 1, n, c)) ?? []) {
              if (e.stamp === stamp) continue;
              e.stamp = stamp;
              const d = distance(images, p + 1, e.images, e.start, n, radius);
              if (d <= radius) found(e.ref, d === 0 ? 2 : 1);
            }
          }
        }
        p += n + 1;
      }
    },
  };
}
