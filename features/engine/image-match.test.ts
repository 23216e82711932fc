import { describe, expect, it } from 'vitest';
import { createImageMatcher, decodeImages, encodeImages, IntMultimap } from './image-match.ts';
import { mulberry32 } from '../prng.ts';

/** Seeded, so failures reproduce. */
const random = mulberry32;

const hex = (next: () => number, bytes: number): string =>
  Array.from({ length: bytes }, () =>
    Math.floor(next() * 256)
      .toString(16)
      .padStart(2, '0'),
  ).join('');

/** `h` with the given bits flipped (bit i of byte i >> 3). */
function flip(h: string, bits: readonly number[]): string {
  const bytes = h.match(/../g)?.map((b) => parseInt(b, 16)) ?? [];
  for (const i of bits) bytes[i >> 3] = (bytes[i >> 3] as number) ^ (1 << (i & 7));
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
}

describe('IntMultimap', () => {
  it('gives the values of a key in insertion order, as a map of arrays would, across growth', () => {
    const next = random(7);
    const map = new IntMultimap();
    const reference = new Map<number, number[]>();
    // Few distinct keys (long chains) and int32 extremes, past several resizes.
    const keys = [
      0,
      -1,
      2 ** 31 - 1,
      -(2 ** 31),
      ...Array.from({ length: 60 }, (_, i) => i * 65536),
    ];
    for (let v = 0; v < 5_000; v += 1) {
      const key = keys[Math.floor(next() * keys.length)] as number;
      map.add(key, v);
      reference.set(key, [...(reference.get(key) ?? []), v]);
    }
    expect(map.size).toBe(5_000);
    for (const key of [...keys, 12345]) {
      const n = map.get(key);
      expect([...map.found.subarray(0, n)]).toEqual(reference.get(key) ?? []);
    }
  });

  it('keeps the values and their order when packed, then added to and grown', () => {
    const next = random(11);
    const map = new IntMultimap(1_000);
    const reference = new Map<number, number[]>();
    const keys = [0, -1, 2 ** 31 - 1, ...Array.from({ length: 300 }, (_, i) => i * 7919)];
    const fill = (from: number, to: number): void => {
      for (let v = from; v < to; v += 1) {
        const key = keys[Math.floor(next() * keys.length)] as number;
        map.add(key, v);
        reference.set(key, [...(reference.get(key) ?? []), v]);
      }
    };
    const check = (): void => {
      for (const key of [...keys, 12345]) {
        const n = map.get(key);
        expect([...map.found.subarray(0, n)]).toEqual(reference.get(key) ?? []);
      }
    };
    fill(0, 900);
    map.pack();
    check();
    // Past the bucket count (a relink in cell order), then packed again.
    fill(900, 3_000);
    check();
    map.pack();
    check();
    fill(3_000, 3_100);
    check();
  });
});

describe('createImageMatcher', () => {
  it('finds exact and near reuse (fewer differing bits than chunks), in insertion order', () => {
    const next = random(11);
    const matcher = createImageMatcher<string>(31 / 256, 4);
    const base = hex(next, 32);
    const others = Array.from({ length: 200 }, () => hex(next, 32));
    matcher.add(encodeImages([base]), 'exact');
    matcher.add(encodeImages([flip(base, [3, 77, 140, 201, 250])]), 'near');
    for (const [i, h] of others.entries()) matcher.add(encodeImages([h]), `other-${i}`);
    // Far beyond the radius (64 bits), though it shares most chunks.
    matcher.add(
      encodeImages([
        flip(
          base,
          Array.from({ length: 64 }, (_, i) => i * 4),
        ),
      ]),
      'far',
    );
    matcher.add(encodeImages([base.slice(0, 16)]), 'shorter');
    expect(matcher.size).toBe(204);

    const found: Array<[string, number]> = [];
    matcher.candidates(encodeImages([base]), (ref, level) => found.push([ref, level]));
    expect(found).toEqual([
      ['exact', 2],
      ['near', 1],
    ]);
  });

  it('matches short hashes exactly only, and one listing once per probe hash', () => {
    const matcher = createImageMatcher<string>(0.5);
    matcher.add(encodeImages(['abcd', 'abce', 'ffffffffffffffff']), 'a');
    const found: Array<[string, number]> = [];
    matcher.candidates(encodeImages(['abcd']), (ref, level) => found.push([ref, level]));
    expect(found).toEqual([['a', 2]]);
    found.length = 0;
    matcher.candidates(encodeImages(['abcf']), (ref, level) => found.push([ref, level]));
    expect(found).toEqual([]);
  });

  it('round-trips hashes through the binary form', () => {
    expect(decodeImages(encodeImages(['FF01', 'abc', 'ff01']))).toEqual(['0abc', 'ff01']);
  });
});
