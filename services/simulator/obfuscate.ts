import type { Rng } from './prng.ts';

/**
 * How evaders disguise a listing that was taken down: the words that got them caught are
 * rewritten with look-alike letters, leetspeak, separators, zero-width characters or synonyms,
 * so that the text reads the same to a buyer but no longer matches a naive filter.
 */
export const OBFUSCATION_TECHNIQUES = [
  'homoglyph',
  'leet',
  'separator',
  'zero_width',
  'synonym',
] as const;
export type ObfuscationTechnique = (typeof OBFUSCATION_TECHNIQUES)[number];

/** Latin letter → Cyrillic / Greek look-alikes. */
export const HOMOGLYPHS: Readonly<Record<string, readonly string[]>> = {
  a: ['\u0430'],
  c: ['\u0441'],
  e: ['\u0435'],
  i: ['\u0456'],
  j: ['\u0458'],
  o: ['\u043e', '\u03bf'],
  p: ['\u0440'],
  s: ['\u0455'],
  x: ['\u0445'],
  y: ['\u0443'],
  v: ['\u03bd'],
  A: ['\u0410', '\u0391'],
  B: ['\u0412', '\u0392'],
  C: ['\u0421'],
  E: ['\u0415', '\u0395'],
  H: ['\u041d', '\u0397'],
  I: ['\u0406', '\u0399'],
  K: ['\u041a', '\u039a'],
  M: ['\u041c', '\u039c'],
  O: ['\u041e', '\u039f'],
  P: ['\u0420', '\u03a1'],
  T: ['\u0422', '\u03a4'],
  X: ['\u0425', '\u03a7'],
};

/** Letter → leetspeak digit or sign; one letter per sign, so the mapping can be undone. */
export const LEET: Readonly<Record<string, readonly string[]>> = {
  a: ['4', '@'],
  e: ['3'],
  i: ['1'],
  o: ['0'],
  s: ['5', '$'],
  t: ['7'],
};

export const SEPARATORS = ['.', '-', '_', '*', '·'] as const;

/** Zero-width space, non-joiner, joiner, word joiner. */
export const ZERO_WIDTH = ['\u200b', '\u200c', '\u200d', '\u2060'] as const;

export interface Obfuscated {
  text: string;
  techniques: ObfuscationTechnique[];
}

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * Rewrites `text` with one to three techniques, aimed at its key words (those with synonyms,
 * else the longest words). The result always differs from the input.
 */
export function obfuscate(
  rng: Rng,
  text: string,
  synonyms: Readonly<Record<string, readonly string[]>>,
  techniques?: readonly ObfuscationTechnique[],
): Obfuscated {
  const chosen = techniques ? [...techniques] : pickTechniques(rng);
  let out = text;
  const used: ObfuscationTechnique[] = [];
  // Synonyms first: they replace whole words that the other techniques then disguise.
  chosen.sort((a, b) => (a === 'synonym' ? -1 : b === 'synonym' ? 1 : 0));
  for (const technique of chosen) {
    const next = applyTechnique(rng, out, technique, synonyms);
    if (next !== out) {
      out = next;
      used.push(technique);
    }
  }
  if (out === text) {
    out = applyTechnique(rng, text, 'zero_width', synonyms);
    used.push('zero_width');
  }
  return { text: out, techniques: used };
}

function pickTechniques(rng: Rng): ObfuscationTechnique[] {
  const count = rng.chance(0.5) ? 1 : rng.chance(0.7) ? 2 : 3;
  const pool = [...OBFUSCATION_TECHNIQUES];
  const out: ObfuscationTechnique[] = [];
  for (let i = 0; i < count; i++) {
    const at = Math.floor(rng.next() * pool.length);
    out.push(pool[at] as ObfuscationTechnique);
    pool.splice(at, 1);
  }
  return out;
}

function applyTechnique(
  rng: Rng,
  text: string,
  technique: ObfuscationTechnique,
  synonyms: Readonly<Record<string, readonly string[]>>,
): string {
  const words = keyWords(text, synonyms, technique === 'synonym');
  if (words.length === 0) return text;
  const target = rng.pick(words);
  const rewritten = rewriteWord(rng, target.word, technique, synonyms);
  return text.slice(0, target.at) + rewritten + text.slice(target.at + target.word.length);
}

interface WordAt {
  word: string;
  at: number;
}

function keyWords(
  text: string,
  synonyms: Readonly<Record<string, readonly string[]>>,
  synonymsOnly: boolean,
): WordAt[] {
  const all: WordAt[] = [];
  for (const m of text.matchAll(WORD)) all.push({ word: m[0], at: m.index });
  const withSynonyms = all.filter((w) => synonyms[w.word.toLowerCase()] !== undefined);
  if (synonymsOnly || withSynonyms.length > 0) return withSynonyms;
  // Otherwise the two longest words of letters only (what a keyword filter would match on).
  let first: WordAt | null = null;
  let second: WordAt | null = null;
  for (const w of all) {
    if (w.word.length < 4 || !LETTERS.test(w.word)) continue;
    if (first === null || w.word.length > first.word.length) {
      second = first;
      first = w;
    } else if (second === null || w.word.length > second.word.length) {
      second = w;
    }
  }
  return first === null ? [] : second === null ? [first] : [first, second];
}

const LETTERS = /^\p{L}+$/u;

function rewriteWord(
  rng: Rng,
  word: string,
  technique: ObfuscationTechnique,
  synonyms: Readonly<Record<string, readonly string[]>>,
): string {
  switch (technique) {
    case 'synonym': {
      const options = synonyms[word.toLowerCase()] ?? [];
      if (options.length === 0) return word;
      const s = rng.pick(options);
      return word[0] === word[0]?.toUpperCase() ? s[0]?.toUpperCase() + s.slice(1) : s;
    }
    case 'homoglyph':
      return substitute(rng, word, HOMOGLYPHS, 0.5);
    case 'leet':
      return substitute(rng, word, LEET, 0.6);
    case 'separator': {
      const sep = rng.pick(SEPARATORS);
      return Array.from(word).join(sep);
    }
    case 'zero_width': {
      const chars = Array.from(word);
      let out = chars[0] ?? '';
      let inserted = false;
      for (let i = 1; i < chars.length; i++) {
        if (rng.chance(0.5) || (!inserted && i === chars.length - 1)) {
          out += rng.pick(ZERO_WIDTH);
          inserted = true;
        }
        out += chars[i];
      }
      return out;
    }
  }
}

/** Replaces mappable characters with probability `p`, at least one when any is mappable. */
function substitute(
  rng: Rng,
  word: string,
  table: Readonly<Record<string, readonly string[]>>,
  p: number,
): string {
  const chars = Array.from(word);
  const mappable: number[] = [];
  chars.forEach((c, i) => {
    if (table[c] !== undefined || table[c.toLowerCase()] !== undefined) mappable.push(i);
  });
  if (mappable.length === 0) return word;
  const forced = rng.pick(mappable);
  for (const i of mappable) {
    if (i !== forced && !rng.chance(p)) continue;
    const c = chars[i] as string;
    const options = table[c] ?? table[c.toLowerCase()] ?? [c];
    chars[i] = rng.pick(options);
  }
  return chars.join('');
}
