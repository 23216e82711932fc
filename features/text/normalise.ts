import { VigieError } from '../../streams/errors.ts';
import { COUNTED_FLAGS, Flag, foldCodePoints } from './char-fold.ts';
import { foldLeetSymbols, joinSeparatedLetters, splitWords, toStream } from './char-stream.ts';
import { collapseRepeats, foldLeetDigits, resolveConfusables } from './word-fold.ts';
import { comparisonToken, isElision } from './tokenise.ts';

/** Counts of input code points changed by each normalisation step: evidence for reviewers. */
export interface ObfuscationSignals {
  zeroWidth: number;
  confusable: number;
  compat: number;
  diacritic: number;
  leet: number;
  separator: number;
  repeat: number;
}

export interface NormalisedText {
  original: string;
  /** Folded words (lower case, no diacritics, look-alikes and leet undone) joined by spaces. */
  normalised: string;
  /** Comparison tokens: stop words and elisions dropped, plurals and doubled letters folded. */
  tokens: string[];
  /**
   * Share (0..1) of the text's letters, digits and removed hidden characters that normalisation
   * had to undo as evasion. Honest text, French accents and prices included, scores 0.
   */
  obfuscation: number;
  signals: ObfuscationSignals;
}

const DIGIT_RUNS = /\d+|\D+/g;

/**
 * Tokens of one folded word. Letters and digits are split (`55cm` ≡ `55 cm`, `s21` → `s 21`)
 * once leet is folded, so a size glued to its unit still matches; stop words only whole.
 */
function pushTokens(word: string, tokens: string[]): void {
  const token = comparisonToken(word);
  if (token === undefined) return;
  if (!mixesDigits(word)) {
    tokens.push(token);
    return;
  }
  const parts = word.match(DIGIT_RUNS);
  if (parts === null || parts.length === 1) {
    tokens.push(token);
    return;
  }
  for (const part of parts) tokens.push(comparisonToken(part, false) ?? part);
}

/** True when `word` has both a digit and another character: `DIGIT_RUNS` splits it. */
function mixesDigits(word: string): boolean {
  let digits = 0;
  for (let i = 0; i < word.length; i += 1) {
    const c = word.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digits += 1;
  }
  return digits > 0 && digits < word.length;
}

/**
 * `chars.join('')` when every char is one UTF-16 unit (else undefined), through their codes: a
 * spread of small integers into `String.fromCharCode` is about three times faster than joining an
 * array of one-char strings, and this runs on every text.
 */
function joinUnits(chars: readonly string[]): string | undefined {
  if (chars.length === 0) return undefined;
  let joined = '';
  // In chunks, as a spread passes a bounded number of arguments.
  for (let from = 0; from < chars.length; from += 4096) {
    const codes = new Array<number>(Math.min(4096, chars.length - from));
    for (let k = 0; k < codes.length; k += 1) {
      const ch = chars[from + k] as string;
      if (ch.length !== 1) return undefined;
      codes[k] = ch.charCodeAt(0);
    }
    joined += String.fromCharCode(...codes);
  }
  return joined;
}

function emptySignals(): ObfuscationSignals {
  return { zeroWidth: 0, confusable: 0, compat: 0, diacritic: 0, leet: 0, separator: 0, repeat: 0 };
}

/**
 * The comparison form of a listing text. Pipeline (order matters): per code point NFKC, case
 * fold, diacritics, TR39 confusables and zero-width removal → separated single letters joined
 * → leet symbols → words → leet digits and look-alike words → repeated letters → tokens.
 */
export function normaliseText(text: string): NormalisedText {
  if (typeof text !== 'string') {
    throw new VigieError('SCHEMA_VIOLATION', `listing text must be a string, got ${typeof text}`, {
      context: { type: typeof text },
    });
  }
  const units = foldCodePoints(text);
  const stream = joinSeparatedLetters(toStream(units), units);
  foldLeetSymbols(stream, units);
  const words = splitWords(stream);

  let foreign = 0;
  let letters = 0;
  let candidates = false;
  const FOREIGN = Flag.foreign;
  const CANDIDATE = Flag.confusableCandidate;
  const { out, flags } = units;
  for (let u = 0; u < out.length; u += 1) {
    const f = flags[u] as number;
    if (f & FOREIGN) foreign += 1;
    if (f & CANDIDATE) candidates = true;
    if (out[u] !== '') letters += 1;
  }
  const foreignText = foreign * 2 > letters;

  // Words are cut from the stream joined once (chars of one UTF-16 unit, the usual case), except
  // those whose digits leet folding has just rewritten.
  const joined = joinUnits(stream.chars);

  const folded: string[] = [];
  const tokens: string[] = [];
  for (const word of words) {
    const rewritten = foldLeetDigits(word, units);
    if (candidates) resolveConfusables(word, units, foreignText);
    const value = collapseRepeats(word, units, rewritten ? undefined : joined);
    folded.push(value);
    if (word.beforeApostrophe && isElision(value)) continue;
    pushTokens(value, tokens);
  }

  // Units inside a word that were not changed: owners rise along the stream, so each unit is
  // seen in one run (a unit folded to several characters may span two words: `½` → `1⁄2`).
  let considered = 0;
  let lastOwner = -1;
  for (const word of words) {
    for (let k = word.start; k < word.end; k += 1) {
      const owner = word.owners[k] as number;
      if (owner === lastOwner) continue;
      lastOwner = owner;
      if (((flags[owner] ?? 0) & COUNTED_FLAGS) === 0) considered += 1;
    }
  }

  const signals = emptySignals();
  let counted = 0;
  for (let u = 0; u < out.length; u += 1) {
    const f = flags[u] as number;
    if ((f & COUNTED_FLAGS) === 0) continue;
    counted += 1;
    considered += 1;
    if (f & Flag.zeroWidth) signals.zeroWidth += 1;
    if (f & Flag.confusable) signals.confusable += 1;
    if (f & Flag.compat) signals.compat += 1;
    if (f & Flag.diacritic) signals.diacritic += 1;
    if (f & Flag.leet) signals.leet += 1;
    if (f & Flag.separator) signals.separator += 1;
    if (f & Flag.repeat) signals.repeat += 1;
  }
  return {
    original: text,
    normalised: folded.join(' '),
    tokens,
    obfuscation: considered === 0 ? 0 : counted / considered,
    signals,
  };
}
