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
  const canonical = [...new Set(hashes.map((h) => (h.length % 2 === 1 ? `0${h}` : h).toLowerCase()))]
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
  for (let p = 0; p < images.length; ) {
    const n = images.charCodeAt(p);
    let hex = '';
    for (let i = 1; i <= n; i += 1) hex += images.charCodeAt(p + i).toString(16).padStart(2, '0');
    out.push(hex);
    p += n + 1;
  }
  return out;
}

/** Calls `fn(start, length)` for each hash of an encoded list. */
function each(images: string, fn: (start: number, length: number) => boolean | void): void {
  for (let p = 0; p < images.length; ) {
    const n = images.charCodeAt(p);
    if (fn(p + 1, n) === true) return;
    p += n + 1;
  }
}

const radiusOf = (bytes: number, nearFraction: number): number => Math.floor(nearFraction * bytes * 8);

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
 * Finds, among indexed listings, those that may reuse a probe's images. Pigeonhole: two hashes of
 * n bytes within r < n bits share at least n − r identical bytes; the index is keyed by
 * (length, byte position, byte value) and a candidate must share two bytes with a probe hash
 * (one would flood the candidates: 1 in 8 random PDQ pairs share a byte). For PDQ (n = 32,
 * r = 31) that misses only pairs at exactly 31 bits with the difference spread one bit per byte
 * over 31 bytes. Callers verify with `imageReuse`. With r ≥ n − 1 (a very loose threshold) every
 * indexed listing of that length is a candidate.
 */
export function createImageMatcher<T>(nearFraction: number) {
  const table = new Map<number, T[]>();
  const push = (key: number, ref: T): void => {
    const list = table.get(key);
    if (list === undefined) table.set(key, [ref]);
    else if (list[list.length - 1] !== ref) list.push(ref);
  };
  const keys = (images: string, fn: (key: number) => void): void => {
    each(images, (start, n) => {
      if (n >= 8 && radiusOf(n, nearFraction) >= n - 1) {
        fn(n * 1_000_000 - 1); // loose threshold: one bucket per length
        return;
      }
      for (let k = 0; k < n; k += 1) fn(n * 1_000_000 + k * 256 + images.charCodeAt(start + k));
    });
  };
  let size = 0;
  return {
    get size() {
      return size;
    },
    add(images: string, ref: T): void {
      keys(images, (key) => push(key, ref));
      if (images !== '') size += 1;
    },
    candidates(images: string, out: Set<T>): void {
      each(images, (start, n) => {
        const hits = new Map<T, number>();
        keys(images.slice(start - 1, start + n), (key) => {
          for (const ref of table.get(key) ?? []) {
            const seen = hits.get(ref) ?? 0;
            // Short hashes and loose buckets match on one key; PDQ-sized ones need two bytes.
            if (n < 8 || key % 1_000_000 === 999_999 || seen === 1) out.add(ref);
            hits.set(ref, seen + 1);
          }
        });
      });
    },
  };
}
