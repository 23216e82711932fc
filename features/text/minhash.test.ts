import { describe, expect, it } from 'vitest';
import { VigieError } from '../../streams/errors.ts';
import {
  RELIST_SIMILARITY_THRESHOLD,
  createMinHasher,
  estimateJaccard,
  murmur3,
  normaliseText,
  shingles,
} from './index.ts';
import { mulberry32 } from '../prng.ts';

const hasher = createMinHasher();
const similarity = (a: string, b: string): number =>
  estimateJaccard(hasher.signature(normaliseText(a)), hasher.signature(normaliseText(b)));

describe('murmur3', () => {
  // Reference vectors of MurmurHash3_x86_32 (Appleby's SMHasher implementation).
  it.each([
    ['', 0, 0],
    ['', 1, 0x514e28b7],
    ['', 0xffffffff, 0x81f16f39],
    ['test', 0, 0xba6bd213],
    ['test', 0x9747b28c, 0x704b81dc],
    ['Hello, world!', 0x9747b28c, 0x24884cba],
    ['The quick brown fox jumps over the lazy dog', 0, 0x2e4ff723],
    ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
    ['ππππππππ', 0x9747b28c, 0xd58063c1],
    ['abc', 0x9747b28c, 0xc84a62dd],
  ])('murmur3(%j, %i)', (text, seed, expected) => {
    expect(murmur3(text, seed)).toBe(expected);
  });
});

describe('shingles', () => {
  it('are unigrams and bigrams, numbers weighing double', () => {
    expect(shingles(['iphone', '12', 'pro'])).toEqual([
      'iphone',
      '12',
      '#12',
      'pro',
      'iphone 12',
      '12 pro',
    ]);
    expect(shingles(['a', 'b', 'c'], 1)).toEqual(['a', 'b', 'c']);
    expect(() => shingles(['a'], 0)).toThrow(VigieError);
  });
});

describe('MinHash', () => {
  it('is seeded: same text and seed give the same signature, another seed another one', () => {
    const text = normaliseText('poupée réaliste reborn 55 cm');
    expect(createMinHasher().signature(text)).toEqual(hasher.signature(text));
    expect(createMinHasher({ seed: 7 }).signature(text)).not.toEqual(hasher.signature(text));
    expect(hasher.numHashes).toBe(128);
  });

  it('estimates Jaccard similarity without bias', () => {
    const random = mulberry32(1234);
    let absError = 0;
    let signedError = 0;
    const trials = 200;
    for (let t = 0; t < trials; t += 1) {
      const shared = Math.floor(random() * 40);
      const onlyA = 1 + Math.floor(random() * 20);
      const onlyB = 1 + Math.floor(random() * 20);
      const a: string[] = [];
      const b: string[] = [];
      for (let i = 0; i < shared; i += 1) {
        a.push(`s${t}-${i}`);
        b.push(`s${t}-${i}`);
      }
      for (let i = 0; i < onlyA; i += 1) a.push(`a${t}-${i}`);
      for (let i = 0; i < onlyB; i += 1) b.push(`b${t}-${i}`);
      const exact = shared / (shared + onlyA + onlyB);
      const estimate = estimateJaccard(hasher.signature(a), hasher.signature(b));
      absError += Math.abs(estimate - exact);
      signedError += estimate - exact;
    }
    // 128 independent slots: standard error ≤ 0.045, so the mean absolute error is ≈ 0.03.
    expect(absError / trials).toBeLessThan(0.045);
    expect(Math.abs(signedError / trials)).toBeLessThan(0.01);
  });

  it('gives empty texts no similarity, not a perfect one', () => {
    expect(estimateJaccard(hasher.signature([]), hasher.signature([]))).toBe(0);
    expect(similarity('', 'poupée')).toBe(0);
  });

  it('rejects signatures of different lengths', () => {
    const short = createMinHasher({ numHashes: 64 }).signature(['x']);
    expect(() => estimateJaccard(short, hasher.signature(['x']))).toThrow(VigieError);
    expect(() => createMinHasher({ numHashes: 0 })).toThrow(VigieError);
  });
});

describe('signTokens', () => {
  it('signs and counts the shingles as signature(shingles(tokens)) does, in either backend', () => {
    const random = mulberry32(99);
    const words = ['poupée', 'reborn', '55', 'cm', 'ππ', 'ab', '2024', 'x', '', '𝒜𝒷'];
    const lists: string[][] = [
      [],
      ['12'],
      ['a', 'a', 'a'],
      // A space or a `#` in a token (never from normaliseText) takes the string path.
      ['a b', 'a', 'b'],
      ['#1', '1', '1'],
      // More tokens than bigrams are paired for.
      Array.from({ length: 20_000 }, (_, i) => `t${i}`),
      ...Array.from({ length: 200 }, () =>
        Array.from(
          { length: Math.floor(random() * 40) },
          () => words[Math.floor(random() * words.length)] as string,
        ),
      ),
    ];
    for (const wasm of [true, false]) {
      const h = createMinHasher({ wasm });
      for (const tokens of lists) {
        const items = shingles(tokens);
        const signed = h.signTokens(tokens);
        expect(signed.shingles).toBe(items.length);
        expect([...signed.signature]).toEqual([...h.signature(items)]);
      }
    }
  });
});

describe('re-list matching at RELIST_SIMILARITY_THRESHOLD', () => {
  const original = 'Poupée reborn réaliste 55 cm yeux bleus, vêtements inclus';

  it.each([
    [
      'Cyrillic look-alikes',
      '\u0420\u043eupée reb\u043ern réaliste 55 cm yeux bleus, vêtements inclus',
    ],
    [
      'Greek look-alikes',
      'P\u03bfupée reb\u03bfrn réaliste 55 cm \u03a5eux bleus, vêtements inclus',
    ],
    ['leetspeak', 'p0upé3 r3b0rn r3aliste 55cm y3ux bl3us, vêt3ments inclus'],
    ['dotted letters', 'p.o.u.p.é.e r.e.b.o.r.n réaliste 55 cm yeux bleus, vêtements inclus'],
    ['hyphens and spaces', 'p-o-u-p-é-e reborn r é a l i s t e 55 cm yeux bleus vêtements inclus'],
    [
      'zero-width spaces',
      'Pou\u200bpée re\u200bborn réa\u200cliste 55 cm yeux bl\u200deus, vête\u2060ments inclus',
    ],
    ['mixed', 'р0upée r.e.b.o.r.n ré\u200bаliste 55cm yeux bleus !!! vêtements inclus'],
    [
      'mixed with one word added',
      'р0upée r.e.b.o.r.n ré\u200bаliste 55cm yeux bleus, vêtements inclus, neuve',
    ],
  ])('%s: matches its original with similarity ≥ 0.8', (_name, relist) => {
    const s = similarity(original, relist);
    expect(s).toBeGreaterThanOrEqual(0.8);
    expect(s).toBeGreaterThanOrEqual(RELIST_SIMILARITY_THRESHOLD);
  });

  it('English re-lists match too', () => {
    expect(
      similarity('child size doll realistic', '\u0441hild s1ze d.o.l.l realistic'),
    ).toBeGreaterThanOrEqual(0.8);
  });

  it.each([
    [
      'two different dolls',
      'poupée Barbie vintage 1985 robe rose',
      'poupée Corolle bébé 36 cm neuve',
    ],
    [
      'two phone models, one template',
      'iPhone 12 Pro 128 Go noir très bon état',
      'iPhone 13 Pro 128 Go noir très bon état',
    ],
    [
      'two phone models, one brand',
      'Samsung Galaxy S21 Ultra 256 Go noir',
      'Samsung Galaxy S22 Ultra 256 Go noir',
    ],
    [
      'same doll line, other size',
      original,
      'Poupée reborn réaliste 42 cm yeux marron, vêtements inclus',
    ],
    ['same dress, other age', 'Robe fille 4 ans rose coton', 'Robe fille 6 ans rose coton'],
  ])('%s: honest neighbours stay below the threshold', (_name, a, b) => {
    expect(similarity(a, b)).toBeLessThan(RELIST_SIMILARITY_THRESHOLD);
  });
});
