import { describe, expect, it } from 'vitest';
import { VigieError } from '../../streams/errors.ts';
import { fmix32, murmur3 } from './murmur3.ts';
import {
  assertAnalyserSettings,
  createMinHasher,
  createTextAnalyser,
  DEFAULT_MINHASH_SEED,
  normaliseText,
  shingles,
} from './index.ts';

/** The MinHash definition, slot by slot, with nothing shared with the optimised loops. */
function referenceSignature(items: string[], numHashes: number, seed: number): Uint32Array {
  const sig = new Uint32Array(numHashes).fill(0xffffffff);
  for (let i = 0; i < numHashes; i += 1) {
    const salt = fmix32((seed + Math.imul(i + 1, 0x9e3779b9)) >>> 0);
    for (const item of items) sig[i] = Math.min(sig[i]!, fmix32(murmur3(item, seed) ^ salt));
  }
  return sig;
}

const TEXTS = [
  'Poupée Corolle bébé 36 cm neuve, 15 €\nTrès bon état, 36 cm, 36 cm',
  'iPhone 12 Pro 128 Go noir\nPS5, Galaxy S21, 36cm, 4x4, 1m80, mp3 12 12',
  '\u0440\u043eupée réaliste p.o.u.p.é.e ch!ld d0ll pou\u200bpée\nчистый текст ж',
  'Œuvre cœur naïve, Straße, łódź, 中文 ½ prix\n\uff50\uff4f\uff55\uff50\uff45\uff45 \u{1d41d}',
  'le la les\nde du',
  '',
  'a a a a b a b a b',
];

describe('createTextAnalyser', () => {
  it.each([1, 7, 128])('gives what normaliseText, shingles and a %i-slot MinHash give', (n) => {
    const analyser = createTextAnalyser({ numHashes: n });
    for (const text of TEXTS) {
      const norm = normaliseText(text);
      const items = shingles(norm.tokens);
      const a = analyser.analyse(text);
      expect(a).toMatchObject({
        text,
        normalised: norm.normalised,
        tokens: norm.tokens,
        obfuscation: norm.obfuscation,
        shingles: items.length,
      });
      const expected = referenceSignature(items, n, DEFAULT_MINHASH_SEED);
      expect(a.signature).toEqual(expected);
      expect(createMinHasher({ numHashes: n }).signature(items)).toEqual(expected);
    }
  });

  it('analyses a text once per owner, and afresh when the owner brings another text', () => {
    const analyser = createTextAnalyser();
    const event = {};
    const first = analyser.analyse(TEXTS[0]!, event);
    expect(analyser.analyse(`${TEXTS[0]!}`, event)).toBe(first);
    const other = analyser.analyse(TEXTS[1]!, event);
    expect(other).not.toBe(first);
    expect(other.normalised).toBe(normaliseText(TEXTS[1]!).normalised);
    expect(analyser.analyse(TEXTS[1]!, {})).not.toBe(other);
    expect(analyser.analyse(TEXTS[1]!)).not.toBe(other);
    const forgetful = createTextAnalyser({ byOwner: false });
    expect(forgetful.analyse(TEXTS[0]!, event)).not.toBe(forgetful.analyse(TEXTS[0]!, event));
  });

  it('refuses to serve users with other MinHash settings', () => {
    const analyser = createTextAnalyser({ numHashes: 64, seed: 7 });
    expect(() => assertAnalyserSettings(analyser, { numHashes: 64, seed: 7 })).not.toThrow();
    expect(() => assertAnalyserSettings(analyser, { numHashes: 128, seed: 7 })).toThrow(VigieError);
    expect(() => assertAnalyserSettings(analyser, { numHashes: 64, seed: 8 })).toThrow(VigieError);
  });
});
