import { describe, expect, it } from 'vitest';
import { flipBits, imageHash } from './identifiers.ts';
import {
  HOMOGLYPHS,
  LEET,
  obfuscate,
  OBFUSCATION_TECHNIQUES,
  SEPARATORS,
  ZERO_WIDTH,
} from './obfuscate.ts';
import { Rng } from './prng.ts';

const SYNONYMS = { poupée: ['figurine'], doll: ['figure'] };

describe('obfuscate', () => {
  it('always changes the text, with the technique it says it used', () => {
    const rng = new Rng(11);
    const titles = [
      'Poupée réaliste taille enfant 100 cm',
      'Realistic child size doll 100 cm',
      'Laser 5000 mW',
    ];
    for (let i = 0; i < 3_000; i++) {
      const title = titles[i % titles.length]!;
      const technique = OBFUSCATION_TECHNIQUES[i % OBFUSCATION_TECHNIQUES.length]!;
      const out = obfuscate(rng, title, SYNONYMS, [technique]);
      expect(out.text).not.toBe(title);
      if (out.techniques.includes('homoglyph')) {
        const glyphs = new Set(Object.values(HOMOGLYPHS).flat());
        expect([...out.text].some((c) => glyphs.has(c))).toBe(true);
      }
      if (out.techniques.includes('zero_width')) {
        expect([...out.text].some((c) => (ZERO_WIDTH as readonly string[]).includes(c))).toBe(true);
      }
      if (out.techniques.includes('separator')) {
        const count = (text: string, sep: string) => text.split(sep).length - 1;
        expect(SEPARATORS.some((sep) => count(out.text, sep) >= count(title, sep) + 2)).toBe(true);
      }
      if (out.techniques.includes('leet')) {
        const signs = new Set(Object.values(LEET).flat());
        const before = [...title].filter((c) => signs.has(c)).length;
        expect([...out.text].filter((c) => signs.has(c)).length).toBeGreaterThan(before);
      }
      if (out.techniques.includes('synonym'))
        expect(out.text.toLowerCase()).toMatch(/figurine|figure/);
    }
  });
});

describe('image hashes', () => {
  it('near duplicates differ by exactly the flipped bits', () => {
    const rng = new Rng(5);
    for (let i = 0; i < 200; i++) {
      const hash = imageHash(rng);
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      const bits = rng.int(1, 8);
      const near = flipBits(rng, hash, bits);
      let distance = 0;
      for (let k = 0; k < 64; k++) {
        let x = parseInt(hash[k]!, 16) ^ parseInt(near[k]!, 16);
        while (x) {
          distance += x & 1;
          x >>= 1;
        }
      }
      expect(distance).toBe(bits);
    }
  });
});
