import { describe, expect, it } from 'vitest';
import { VigieError } from '../../streams/errors.ts';
import { PDQ_NEAR_DISTANCE, createImageHashIndex, hammingHex } from './index.ts';
import { mulberry32 } from '../prng.ts';

function randomHash(random: () => number, bits = 256): string {
  let hex = '';
  for (let i = 0; i < bits / 4; i += 1) hex += Math.floor(random() * 16).toString(16);
  return hex;
}

/** Flips `count` distinct bits of a hex hash. */
function flipBits(hex: string, count: number, random: () => number): string {
  const nibbles = [...hex].map((c) => parseInt(c, 16));
  const flipped = new Set<number>();
  while (flipped.size < count) flipped.add(Math.floor(random() * hex.length * 4));
  for (const bit of flipped) nibbles[bit >> 2] = (nibbles[bit >> 2] ?? 0) ^ (1 << (bit & 3));
  return nibbles.map((n) => n.toString(16)).join('');
}

describe('hammingHex', () => {
  it('counts differing bits', () => {
    const zero = '0'.repeat(64);
    expect(hammingHex(zero, zero)).toBe(0);
    expect(hammingHex(zero, 'f'.repeat(64))).toBe(256);
    expect(hammingHex(zero, `1${'0'.repeat(62)}3`)).toBe(3);
    expect(hammingHex('ABCDEF0123456789', 'abcdef0123456789')).toBe(0);
  });

  it('matches a bit flip count', () => {
    const random = mulberry32(3);
    const hash = randomHash(random);
    for (const k of [1, 7, 31, 100]) expect(hammingHex(hash, flipBits(hash, k, random))).toBe(k);
  });

  it('rejects malformed or mismatched hashes', () => {
    expect(() => hammingHex('xyz', 'xyz')).toThrow(VigieError);
    expect(() => hammingHex('0'.repeat(64), '0'.repeat(16))).toThrow(VigieError);
  });
});

describe('image hash index', () => {
  it('finds exact reuse by hash', () => {
    const index = createImageHashIndex({ maxEntries: 100 });
    const hash = 'a'.repeat(64);
    index.add('listing-1', hash, 1);
    index.add('listing-2', hash.toUpperCase(), 2);
    index.add('listing-3', 'b'.repeat(64), 3);
    expect(index.exact(hash)).toEqual(['listing-1', 'listing-2']);
    expect(index.exact('c'.repeat(64))).toEqual([]);
  });

  it('near lookups equal a brute-force scan at every radius', () => {
    const random = mulberry32(2024);
    const index = createImageHashIndex({ maxEntries: 10_000 });
    const stored: Array<{ id: string; hash: string }> = [];
    for (let i = 0; i < 3000; i += 1) {
      // A third are edits of earlier images (re-uploads, crops): near neighbours exist.
      const base = stored[Math.floor(random() * stored.length)];
      const hash =
        base !== undefined && random() < 0.33
          ? flipBits(base.hash, 1 + Math.floor(random() * 60), random)
          : randomHash(random);
      stored.push({ id: `l${i}`, hash });
      index.add(`l${i}`, hash, i);
    }
    // 0–47 use multi-index probing (16 chunks, radius 0–2); 63 falls back to a scan.
    for (const d of [0, 10, PDQ_NEAR_DISTANCE, 47, 63]) {
      for (let q = 0; q < 25; q += 1) {
        const target = stored[Math.floor(random() * stored.length)]?.hash ?? '';
        const query = flipBits(target, Math.floor(random() * (d + 1)), random);
        const expected = stored
          .map(({ id, hash }) => ({ id, distance: hammingHex(query, hash) }))
          .filter((m) => m.distance <= d)
          .sort((a, b) => a.distance - b.distance || (a.id < b.id ? -1 : 1));
        const got = index.near(query, d);
        expect(got).toEqual(expected);
        expect(got.length).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it('reports each id once, at its nearest image', () => {
    const index = createImageHashIndex({ maxEntries: 10 });
    const zero = '0'.repeat(64);
    index.add('listing-1', `${'0'.repeat(63)}1`, 1);
    index.add('listing-1', `${'0'.repeat(63)}7`, 1);
    expect(index.near(zero, 5)).toEqual([{ id: 'listing-1', distance: 1 }]);
    expect(index.size).toBe(2);
  });

  it('works with 64-bit hashes too', () => {
    const index = createImageHashIndex({ maxEntries: 10 });
    index.add('p', '0123456789abcdef', 1);
    expect(index.near('0123456789abcdee', 2)).toEqual([{ id: 'p', distance: 1 }]);
    expect(() => index.add('q', '0'.repeat(64), 2)).toThrow(VigieError);
  });

  it('stays within maxEntries and expires by time', () => {
    const random = mulberry32(8);
    const index = createImageHashIndex({ maxEntries: 50 });
    const hashes = Array.from({ length: 120 }, () => randomHash(random));
    hashes.forEach((hash, i) => index.add(`l${i}`, hash, i));
    expect(index.size).toBe(50);
    expect(index.exact(hashes[69] ?? '')).toEqual([]);
    expect(index.exact(hashes[70] ?? '')).toEqual(['l70']);
    expect(index.expireBefore(100)).toBe(30);
    expect(index.size).toBe(20);
    expect(index.near(hashes[80] ?? '', 0)).toEqual([]);
    expect(index.near(hashes[110] ?? '', 0)).toEqual([{ id: 'l110', distance: 0 }]);
  });

  it('rejects bad input', () => {
    const index = createImageHashIndex({ maxEntries: 10 });
    expect(() => index.add('x', 'not-hex', 1)).toThrow(VigieError);
    expect(() => index.add('', '0'.repeat(64), 1)).toThrow(VigieError);
    expect(() => index.near('0'.repeat(64), -1)).toThrow(VigieError);
    expect(() => createImageHashIndex({ maxEntries: 0 })).toThrow(VigieError);
  });
});
