import { describe, expect, it } from 'vitest';
import { VigieError } from '../../streams/errors.ts';
import {
  DEFAULT_BANDS,
  RELIST_SIMILARITY_THRESHOLD,
  bandKeys,
  createLshIndex,
  createMinHasher,
  normaliseText,
} from './index.ts';
import { mulberry32 } from '../prng.ts';

const hasher = createMinHasher();
const options = { numHashes: hasher.numHashes, bands: DEFAULT_BANDS, maxEntries: 10_000 };

/** A random listing: 10–16 tokens from a 3,000-word vocabulary. */
function randomTokens(random: () => number): string[] {
  const n = 10 + Math.floor(random() * 7);
  return Array.from({ length: n }, () => `w${Math.floor(random() * 3000)}`);
}

describe('bandKeys', () => {
  it('gives one stable key per band, prefixed by the band', () => {
    const sig = hasher.signature(normaliseText('poupée réaliste reborn 55 cm'));
    const keys = bandKeys(sig, 32);
    expect(keys).toHaveLength(32);
    expect(keys[7]).toMatch(/^7:[0-9a-f]{16}$/);
    expect(bandKeys(sig.slice(), 32)).toEqual(keys);
    expect(new Set(keys).size).toBe(32);
  });

  it('agrees on a band exactly when the band rows agree', () => {
    const a = hasher.signature(['x', 'y', 'z']);
    const b = a.slice();
    b[0] = (b[0] ?? 0) ^ 1; // band 0 differs, all others are equal
    const ka = bandKeys(a, 32);
    const kb = bandKeys(b, 32);
    expect(ka[0]).not.toBe(kb[0]);
    expect(ka.slice(1)).toEqual(kb.slice(1));
  });

  it('rejects a band count that does not divide the signature', () => {
    expect(() => bandKeys(hasher.signature(['x']), 30)).toThrow(VigieError);
  });
});

describe('LSH index', () => {
  it('finds near-duplicates above the re-list threshold with high probability', () => {
    const random = mulberry32(99);
    const index = createLshIndex<string>(options);
    const originals: string[][] = [];
    for (let i = 0; i < 2000; i += 1) {
      const tokens = randomTokens(random);
      originals.push(tokens);
      index.add(`l${i}`, hasher.signature(tokens), i);
    }
    let found = 0;
    let verified = 0;
    let candidates = 0;
    const probes = 200;
    for (let p = 0; p < probes; p += 1) {
      const target = Math.floor(random() * originals.length);
      // A re-list: the same tokens with one appended, exact Jaccard of shingles ≥ 0.8.
      const relist = [...(originals[target] ?? []), `w${Math.floor(random() * 3000)}`];
      const sig = hasher.signature(relist);
      const ids = index.query(sig);
      candidates += ids.length;
      if (ids.includes(`l${target}`)) found += 1;
      const similar = index.similar(sig, RELIST_SIMILARITY_THRESHOLD);
      if (similar[0]?.id === `l${target}`) verified += 1;
    }
    // Theory for 32 bands × 4 rows at s = 0.8: miss probability (1 − 0.8⁴)³² ≈ 5e-8.
    expect(found).toBe(probes);
    expect(verified).toBeGreaterThanOrEqual(probes * 0.97);
    // Unrelated listings rarely collide: few candidates beyond the true one.
    expect(candidates / probes).toBeLessThan(3);
  });

  it('returns candidates best first and finds nothing for an empty text', () => {
    const index = createLshIndex<number>(options);
    const base = ['poupe', 'reborn', 'realiste', '55', 'cm', 'yeux', 'bleu', 'vetement', 'inclu'];
    index.add(1, hasher.signature(base), 1);
    index.add(2, hasher.signature([...base.slice(0, 7), 'neuve']), 2);
    index.add(3, hasher.signature([]), 3);
    const results = index.similar(hasher.signature(base), 0);
    expect(results.map((r) => r.id)).toEqual([1, 2]);
    expect(results[0]?.similarity).toBe(1);
    expect(index.query(hasher.signature([]))).toEqual([]);
    expect(index.size).toBe(3);
  });

  it('stays within maxEntries, evicting the oldest by event time whatever the arrival order', () => {
    const random = mulberry32(5);
    const items = Array.from({ length: 250 }, (_, i) => ({
      id: `l${i}`,
      time: i,
      sig: hasher.signature(randomTokens(random)),
    }));
    const shuffled = [...items].sort(() => random() - 0.5);
    const survivors = (order: typeof items): string[] => {
      const index = createLshIndex<string>({ ...options, maxEntries: 100 });
      for (const item of order) {
        index.add(item.id, item.sig, item.time);
        expect(index.size).toBeLessThanOrEqual(100);
      }
      return items.filter((item) => index.has(item.id)).map((item) => item.id);
    };
    const inOrder = survivors(items);
    expect(inOrder).toEqual(items.slice(150).map((item) => item.id));
    expect(survivors(shuffled)).toEqual(inOrder);
  });

  it('expires entries before a time and removes by id', () => {
    const index = createLshIndex<string>(options);
    const sig = hasher.signature(['a', 'b', 'c']);
    index.add('old', sig, 10);
    index.add('mid', sig, 20);
    index.add('new', sig, 30);
    expect(index.expireBefore(20)).toBe(1);
    expect(index.query(sig).sort()).toEqual(['mid', 'new']);
    index.remove('mid');
    index.remove('absent');
    expect(index.query(sig)).toEqual(['new']);
    index.add('new', sig, 40); // re-adding replaces, it does not duplicate
    expect(index.size).toBe(1);
    expect(index.expireBefore(35)).toBe(0);
    expect(index.expireBefore(41)).toBe(1);
    expect(index.size).toBe(0);
  });

  it('rejects malformed signatures and options', () => {
    const index = createLshIndex<string>(options);
    expect(() => index.add('x', new Uint32Array(64), 1)).toThrow(VigieError);
    expect(() => index.add('x', hasher.signature(['a']), Number.NaN)).toThrow(VigieError);
    expect(() => createLshIndex({ numHashes: 128, bands: 30, maxEntries: 10 })).toThrow(VigieError);
    expect(() => createLshIndex({ numHashes: 128, bands: 32, maxEntries: 0 })).toThrow(VigieError);
  });
});
