import { describe, expect, it } from 'vitest';
import { encodeImages, imageReuse } from './image-match.ts';
import { bandCodes, titleShingleEstimate } from './listing-text.ts';
import { mulberry32 } from '../prng.ts';

/**
 * The allocation-free rewrites of per-event helpers give what the plain versions they replaced
 * gave (kept here as references).
 */

/** Seeded, so failures reproduce. */
const random = mulberry32;

const HEX = '0123456789abcdefABCDEF';

function referenceEncode(hashes: readonly string[]): string {
  if (hashes.length === 0) return '';
  const canonical = [
    ...new Set(hashes.map((h) => (h.length % 2 === 1 ? `0${h}` : h).toLowerCase())),
  ]
    .filter((h) => h.length > 0 && h.length <= 510)
    .sort();
  const codes: number[] = [];
  for (const h of canonical) {
    codes.push(h.length / 2);
    for (let i = 0; i < h.length; i += 2) codes.push(Number.parseInt(h.slice(i, i + 2), 16));
  }
  return String.fromCharCode(...codes);
}

function referenceReuse(a: string, b: string, nearFraction: number): number {
  const records = (s: string): Array<[number, number]> => {
    const out: Array<[number, number]> = [];
    for (let p = 0; p < s.length; p += s.charCodeAt(p) + 1) out.push([p + 1, s.charCodeAt(p)]);
    return out;
  };
  let best = 0;
  for (const [i, n] of records(a)) {
    for (const [j, m] of records(b)) {
      if (n !== m) continue;
      let d = 0;
      for (let k = 0; k < n; k += 1) {
        let x = (a.charCodeAt(i + k) ^ b.charCodeAt(j + k)) & 0xff;
        for (; x !== 0; x >>= 1) d += x & 1;
      }
      const radius = n >= 8 ? Math.floor(nearFraction * n * 8) : 0;
      if (d === 0) return 2;
      if (d <= radius) best = 1;
    }
  }
  return best;
}

describe('per-event helpers', () => {
  it('encodeImages: canonical form (case, odd length, duplicates, order, size limit)', () => {
    const next = random(7);
    for (let t = 0; t < 2_000; t += 1) {
      const hashes: string[] = [];
      const count = Math.floor(next() * 6);
      for (let h = 0; h < count; h += 1) {
        const length = next() < 0.1 ? Math.floor(next() * 5) : next() < 0.05 ? 520 : 16;
        let s = '';
        for (let k = 0; k < length; k += 1) s += HEX[Math.floor(next() * HEX.length)];
        hashes.push(s);
        if (next() < 0.2) hashes.push(s.toUpperCase());
      }
      expect(encodeImages(hashes)).toBe(referenceEncode(hashes));
    }
    expect(encodeImages(undefined)).toBe('');
  });

  it('imageReuse: exact, near and no reuse as a pairwise scan finds them', () => {
    const next = random(11);
    const bytes = (n: number): string => {
      let s = '';
      for (let k = 0; k < n; k += 1)
        s += Math.floor(next() * 256)
          .toString(16)
          .padStart(2, '0');
      return s;
    };
    for (let t = 0; t < 500; t += 1) {
      const a = [bytes(32), bytes(8), bytes(4)].slice(0, 1 + Math.floor(next() * 3));
      const b = a.map((h) => {
        const r = next();
        if (r < 0.3) return h;
        if (r < 0.6) return `${h.slice(0, -2)}00`;
        return bytes(h.length / 2);
      });
      const ea = encodeImages(a);
      const eb = encodeImages(b);
      expect(imageReuse(ea, eb, 31 / 256)).toBe(referenceReuse(ea, eb, 31 / 256));
    }
  });

  it('titleShingleEstimate counts letter and digit runs', () => {
    for (const title of ['', '   ', 'Poupée 30 cm', "l'enfant, neuf!", 'ж ß 𝔸𝔹 x1']) {
      const words = title.match(/[\p{L}\p{N}]+/gu)?.length ?? 0;
      expect(titleShingleEstimate(title)).toBe(words === 0 ? 0 : 2 * words - 1);
      // The global expression is reset between calls.
      expect(titleShingleEstimate(title)).toBe(words === 0 ? 0 : 2 * words - 1);
    }
  });

  it('bandCodes packs up to 4 rows and hashes longer bands', () => {
    const next = random(3);
    let sketch = '';
    for (let k = 0; k < 128; k += 1) sketch += String.fromCharCode(Math.floor(next() * 256));
    for (const bands of [16, 32, 64, 128]) {
      const rows = 128 / bands;
      const expected = Array.from({ length: bands }, (_, b) => {
        let h = rows <= 4 ? 0 : 0x811c9dc5;
        for (let r = b * rows; r < (b + 1) * rows; r += 1) {
          h =
            rows <= 4
              ? (h << 8) | sketch.charCodeAt(r)
              : Math.imul(h ^ sketch.charCodeAt(r), 0x01000193);
        }
        return h;
      });
      expect([...bandCodes(sketch, bands)]).toEqual(expected);
    }
  });
});
