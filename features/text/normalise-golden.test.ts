/**
 * Pins the exact output of the text normalisation, shingling and MurmurHash3 on seeded corpora:
 * listing-like texts with every obfuscation the simulator uses, random strings of adversarial
 * code points (zero-width characters, combining marks, look-alikes, emoji, astral letters, lone
 * surrogates) and every code point from U+0080 to U+21FF. Stored signatures, LSH band keys and the
 * engine's features depend on these outputs, so a rewrite for speed must not move them. The
 * digests are those of the implementation before the third session's rewrite (commit 6d21a3f),
 * which this file compared against verbatim while it was rewritten; they match the current code.
 * A failure means an output changed: if that is intended (a new folding rule), check the examples
 * in normalise.test.ts, then replace the digest with the one the failure prints.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { murmur3 } from './murmur3.ts';
import { normaliseText } from './normalise.ts';
import { shingles } from './shingles.ts';
import { mulberry32 } from '../prng.ts';

const WORDS = [
  'poupée',
  'réaliste',
  'enfant',
  'child',
  'doll',
  'size',
  'iphone',
  'classe',
  'bijoux',
  'cheveux',
  'jeux',
  'dolls',
  'poupees',
  'lot',
  'très',
  'état',
  "l'enfant",
  'd’éveil',
  'qu’il',
  'Straße',
  'Œuvre',
  'cœur',
  'naïve',
  'łódź',
  'Noël',
  'ps5',
  's21',
  '36cm',
  '4x4',
  '1m80',
  'mp3',
  '100',
  'U.S.A',
  'T.38',
  '3-4',
  'S',
  'M',
  'L',
  'кукла',
  'мама',
  'Привет',
  'αβγ',
  'tapis',
  'robe',
  'livraison',
  'offerte',
  'coolll',
  'chiiiild',
  'pass',
  'boss',
  'a',
  'le',
  'the',
  '2ᵉ',
  '1º',
  'n°',
];

/** Single code points (or short sequences) that exercise every branch of the folding. */
const PIECES = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  ...'@$!|€.-_*·•~+ \t\u00a0\n,;:/%()?\'’ʼ`"«»—–',
  // zero-width and other default-ignorables, variation selectors, CGJ
  ...'\u200b\u200c\u200d\u2060\ufeff\u00ad\u034f\ufe0f\ufe0e\u180e\u2061',
  // combining marks: everyday, unusual, enclosing, stacked
  ...'\u0301\u0300\u0302\u0308\u030c\u0327\u0328\u0323\u031b\u0337\u0336\u0338\u20d2\u20dd\u0489',
  // Cyrillic and Greek look-alikes and letters, capitals too
  ...'аеорсухіјһѕкАЕОРСКМНТІЈѴԁԛԝοαρϲςΙΑΒΥΡΟΕΖΗΚΜΝΤΧυνιλπ',
  // full-width, IPA, everyday Latin, accents, typographic letters, compatibility forms
  ...'ｐｏｕｅＰＯ０１ɑɡɩɪʟøæœßłđðþıŀĸéèêëàâäçùûüôöîïñåÉÈÀÇŒÆ',
  ...'µ½¼²³ªºᵉʳ™℃№ﬁﬀ㎝①⑵ⅰⅣ',
  // astral: mathematical letters, Deseret, emoji and ZWJ sequences, CJK extension B
  '\u{1d41d}',
  '\u{1d428}',
  '\u{1d538}',
  '\u{1d7ce}',
  '\u{10428}',
  '\u{10400}',
  '😍',
  '❤️',
  '👨‍👩‍👧',
  '\u{20000}',
  '中',
  'ش',
  'א',
  '\u0e01',
  '\u0e31',
  // lone surrogates
  '\ud800',
  '\udc00',
  '\udbff',
];

const OBFUSCATIONS: Array<(w: string, random: () => number) => string> = [
  (w) => w.replace('o', '\u043e').replace('p', '\u0440'),
  (w) => w.replace('e', '3').replace('i', '1').replace('a', '4'),
  (w) => w.replace('a', '@').replace('s', '$').replace('i', '!'),
  (w) => [...w].join('.'),
  (w) => [...w].join(' '),
  (w) => [...w].join('-'),
  (w) => [...w].join('·'),
  (w) => `${w.slice(0, 2)}\u200b${w.slice(2)}`,
  (w) => w.normalize('NFD'),
  (w) => w.toUpperCase(),
  (w) => [...w].map((c) => `${c}\u0337`).join(''),
  (w) => w.replace(/[a-z]/, (c) => c.repeat(5)),
  (w, random) => [...w].map((c) => (random() < 0.5 ? c : c.toUpperCase())).join(''),
];

function pick<T>(random: () => number, xs: readonly T[]): T {
  return xs[Math.floor(random() * xs.length)] as T;
}

/** Random code points from `PIECES`: nothing like a listing, every path hit. */
function noise(random: () => number): string {
  const length = Math.floor(random() * 40);
  let out = '';
  for (let i = 0; i < length; i += 1) out += pick(random, PIECES);
  return out;
}

/** A listing-like text: words, some obfuscated, with random pieces between them. */
function listing(random: () => number): string {
  const count = 1 + Math.floor(random() * 14);
  let out = '';
  for (let i = 0; i < count; i += 1) {
    let word = random() < 0.15 ? String(Math.floor(random() * 1000)) : pick(random, WORDS);
    if (random() < 0.35) word = pick(random, OBFUSCATIONS)(word, random);
    if (random() < 0.15) word += pick(random, PIECES);
    out += (i === 0 ? '' : random() < 0.85 ? ' ' : pick(random, PIECES)) + word;
  }
  return out;
}

const CASES = [
  '',
  ' ',
  'p.o.u.p.é.e réaliste',
  'U.S.A R.A.S S.A.V',
  'd-o-l-l  d o l l',
  'j o l i e',
  'a.b.c.d.e.f',
  '1.2.3.4',
  'p@upée ch!ld 15 € cla$$e !!!',
  'p0upé3 r3aliste ch1ld 4x4 ps5 36cm s21 1m80',
  '0p3n 5t0p 12ab3 a1b2c3',
  'pou\u200bpée do\u00adll ❤️ 👨‍👩‍👧 a\u200b\u200cb',
  '\u200ba\u200b',
  'z\u0337a\u0337l\u0337g\u0337o\u0337 e\u0301\u0301\u0301 n\u0303',
  '\u0301start ❤️\u0301 \ufe0f\u0301',
  '\u0440\u043eupée \u0441\u04bb\u0456ld Привет мама кукла',
  '\u03a1\u039fUPÉE \u0392\u0391\u0392\u03a5',
  '\uff50\uff4f\uff55\uff50\uff45\uff45 \u{1d41d}\u{1d428}\u{1d425}\u{1d425}',
  'Œuvre cœur naïve, Straße, łódź, ça, où, être, Noël, ĸ ŀ',
  'Tapis 120×170 cm, 10 µm, 25 m², ½ prix, 3/4 manches, 50% de remise',
  "L'enfant adore ce jouet d'éveil ; 2ᵉ main, 1ᵉʳ âge, n° 12 qu’il jusqu'à",
  '𐐨𐐨𐐨𐐀 𝔸𝔸𝔸 中中中 \ud800\ud800 \udc00x',
  'poupéééééée chiiiild dolllll 1000000 coolll',
  'bijoux cheveux jeux boss dolls poupees pass',
  'ﬁﬀ ㎝ ① ⑵ ⅰ Ⅳ ™ ℃ №',
];

/** SHA-256 of every output: normalised text, tokens, score (−0 apart from 0), 2- and 3-shingles. */
function outputsDigest(texts: Iterable<string>): string {
  const h = createHash('sha256');
  for (const text of texts) {
    const n = normaliseText(text);
    const score = Object.is(n.obfuscation, -0) ? '-0' : String(n.obfuscation);
    const tokens = [...n.tokens];
    h.update(JSON.stringify([n.normalised, tokens, score, shingles(tokens), shingles(tokens, 3)]));
    h.update('\n');
  }
  return h.digest('hex');
}

function* seededListings(): Generator<string> {
  const random = mulberry32(20_240_601);
  for (let i = 0; i < 6_000; i += 1) yield listing(random);
}

function* seededNoise(): Generator<string> {
  const random = mulberry32(7);
  for (let i = 0; i < 6_000; i += 1) yield noise(random);
}

/** Every BMP code point of the folding tables and around them, alone and inside words. */
function* codePoints(): Generator<string> {
  for (let code = 0x80; code < 0x2200; code += 1) {
    if (code >= 0xd800 && code <= 0xdfff) continue;
    const ch = String.fromCharCode(code);
    yield `${ch} a${ch}b p${ch}${ch}${ch}o ${ch}\u0301`;
  }
}

describe('text normalisation and shingles: outputs pinned on seeded corpora', () => {
  it('on hand-picked adversarial strings', () => {
    expect(outputsDigest(CASES)).toBe(
      'ae209c83d0d499c65c014364a7bd6228f36347d8bc7c9e598b61574abcb34229',
    );
  });

  it('on 6,000 seeded random listing-like texts', () => {
    expect(outputsDigest(seededListings())).toBe(
      '9c35b4c135bdd10ec753345cb2f7596adc66cd482e8710f9954763e56ace8535',
    );
  });

  it('on 6,000 seeded random strings of adversarial code points', () => {
    expect(outputsDigest(seededNoise())).toBe(
      '07fa2172130dedd97be8f3aea6e2f6c91e4754d3de42d71377d2c2d19eb8d420',
    );
  });

  it('on every code point from U+0080 to U+21FF, alone and inside words', () => {
    expect(outputsDigest(codePoints())).toBe(
      '1e593eb708f938e34fe547ec3b1f6ce327e7c7cee2a6ae519d3e981e7e9fd396',
    );
  });

  it('differs when a single output differs (the digest is not blind)', () => {
    const texts = [...seededListings()].slice(0, 50);
    const base = outputsDigest(texts);
    expect(outputsDigest([...texts.slice(0, 49), `${texts[49]} x`])).not.toBe(base);
  });
});

describe('murmur3: outputs pinned', () => {
  it('on seeded random ASCII, accented, astral and lone-surrogate strings of every length', () => {
    const h = createHash('sha256');
    const random = mulberry32(99);
    for (let i = 0; i < 5_000; i += 1) {
      const text = i % 2 === 0 ? listing(random) : noise(random);
      for (const seed of [0, 0x5eed_1e55, 0xffffffff]) {
        h.update(`${murmur3(text, seed)},${murmur3(text.slice(0, i % 9), seed)};`);
      }
    }
    expect(h.digest('hex')).toBe(
      'c1abddf97bc0dfedb413167334e50d6920b33b99f90bf3d47fafd707bd2e8d87',
    );
  });
});
