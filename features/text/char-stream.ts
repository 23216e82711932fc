import { Flag, isWordChar } from './char-fold.ts';
import type { FoldedUnit } from './char-fold.ts';

/**
 * The folded text as single characters, each remembering the input code point (unit) it came
 * from, so that every later rewrite can be charged to the right unit for the obfuscation score.
 */
export interface CharStream {
  chars: string[];
  owners: number[];
}

export function toStream(units: FoldedUnit[]): CharStream {
  const chars: string[] = [];
  const owners: number[] = [];
  for (let u = 0; u < units.length; u += 1) {
    const out = units[u]?.out ?? '';
    if (out.length === 1) {
      chars.push(out);
      owners.push(u);
    } else {
      for (const ch of out) {
        chars.push(ch);
        owners.push(u);
      }
    }
  }
  return { chars, owners };
}

/** Characters that obfuscators put between letters (`p.o.u.p.é.e`, `d o l l`, `c-h-i-l-d`). */
const SEPARATORS = new Set([' ', '.', '-', '_', '*', '·', '•', '|', '~', '+', '\t', '\u00a0']);
const MAX_GAP = 3;

function isLetter(ch: string): boolean {
  const code = ch.charCodeAt(0);
  if (code < 0x80) return code >= 0x61 && code <= 0x7a;
  return isWordChar(ch) && !/\p{N}/u.test(ch);
}

function flag(units: FoldedUnit[], owner: number | undefined, bit: number): void {
  const unit = owner === undefined ? undefined : units[owner];
  if (unit !== undefined) unit.flags |= bit;
}

interface Segment {
  start: number;
  end: number;
  word: boolean;
}

function segments(chars: string[]): Segment[] {
  const out: Segment[] = [];
  let i = 0;
  while (i < chars.length) {
    const word = isWordChar(chars[i] ?? '');
    let j = i + 1;
    while (j < chars.length && isWordChar(chars[j] ?? '') === word) j += 1;
    out.push({ start: i, end: j, word });
    i = j;
  }
  return out;
}

function isSeparatorGap(chars: string[], seg: Segment): boolean {
  if (seg.end - seg.start > MAX_GAP) return false;
  for (let i = seg.start; i < seg.end; i += 1) if (!SEPARATORS.has(chars[i] ?? '')) return false;
  return true;
}

function onlySpaces(chars: string[], seg: Segment): boolean {
  for (let i = seg.start; i < seg.end; i += 1) if ((chars[i] ?? '').trim() !== '') return false;
  return true;
}

/**
 * Joins runs of single letters split by separators. Honest text has short runs of single
 * characters (`3-4 ans`, `T.38`, sizes `S M L`), so a run needs 3 pieces when punctuation splits
 * it and 4 when only spaces do, and at least half of the pieces (and two) must be letters.
 */
export function joinSeparatedLetters(stream: CharStream, units: FoldedUnit[]): CharStream {
  const { chars, owners } = stream;
  const segs = segments(chars);
  // Allocated on the first separator dropped: honest text has none.
  let drop: Uint8Array | undefined;
  let s = 0;
  while (s < segs.length) {
    const first = segs[s];
    if (first === undefined || !first.word || first.end - first.start !== 1) {
      s += 1;
      continue;
    }
    let last = s;
    let spacesOnly = true;
    let gapText: string | undefined;
    while (true) {
      const gap = segs[last + 1];
      const next = segs[last + 2];
      if (gap === undefined || next === undefined || next.end - next.start !== 1) break;
      if (!isSeparatorGap(chars, gap)) break;
      // One obfuscation uses one separator throughout: `d-o-l-l  d o l l` is two runs.
      const text = chars.slice(gap.start, gap.end).join('');
      if (gapText !== undefined && text !== gapText) break;
      gapText = text;
      spacesOnly &&= onlySpaces(chars, gap);
      last += 2;
    }
    const pieces = (last - s) / 2 + 1;
    let letters = 0;
    for (let p = s; p <= last; p += 2)
      letters += isLetter(chars[segs[p]?.start ?? 0] ?? '') ? 1 : 0;
    const enough = pieces >= (spacesOnly ? 4 : 3) && letters >= 2 && letters * 2 >= pieces;
    if (enough) {
      // `U.S.A`, `R.A.S`, `S.A.V`: short dotted capitals are acronyms, joined but not counted.
      let capitals = 0;
      for (let p = s; p <= last; p += 2) {
        capitals += (units[owners[segs[p]?.start ?? 0] ?? 0]?.flags ?? 0) & Flag.upper ? 1 : 0;
      }
      const acronym = gapText === '.' && pieces <= 4 && capitals === pieces;
      for (let g = s + 1; g < last; g += 2) {
        const gap = segs[g];
        if (gap === undefined) continue;
        drop ??= new Uint8Array(chars.length);
        for (let i = gap.start; i < gap.end; i += 1) {
          drop[i] = 1;
          if (!acronym) flag(units, owners[i], Flag.separator);
        }
      }
    }
    s = last + 2;
  }
  if (drop === undefined) return stream;
  const keptChars: string[] = [];
  const keptOwners: number[] = [];
  for (let i = 0; i < chars.length; i += 1) {
    if (drop[i] === 1) continue;
    keptChars.push(chars[i] ?? '');
    keptOwners.push(owners[i] ?? 0);
  }
  return { chars: keptChars, owners: keptOwners };
}

const LEET_SYMBOLS: Readonly<Record<string, string>> = {
  '@': 'a',
  $: 's',
  '!': 'i',
  '|': 'l',
  '€': 'e',
};

/** `LEET_SYMBOLS[ch] !== undefined`, without a property lookup per character. */
function isLeetSymbol(ch: string): boolean {
  if (ch.length !== 1) return false;
  const code = ch.charCodeAt(0);
  return code === 0x40 || code === 0x24 || code === 0x21 || code === 0x7c || code === 0x20ac;
}

/**
 * Folds leet symbols (`p@upée`, `ch!ld`) standing between two word characters, one of them a
 * letter; a price (`15 €`) or an exclamation after a word keeps its symbol.
 */
export function foldLeetSymbols(stream: CharStream, units: FoldedUnit[]): void {
  const { chars, owners } = stream;
  let i = 0;
  while (i < chars.length) {
    if (!isLeetSymbol(chars[i] as string)) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < chars.length && isLeetSymbol(chars[j] as string)) j += 1;
    const before = chars[i - 1] ?? '';
    const after = chars[j] ?? '';
    if (isWordChar(before) && isWordChar(after) && (isLetter(before) || isLetter(after))) {
      for (let k = i; k < j; k += 1) {
        chars[k] = LEET_SYMBOLS[chars[k] ?? ''] ?? '';
        flag(units, owners[k], Flag.leet);
      }
    }
    i = j;
  }
}

/** A word of the folded text, with the units its characters came from. */
export interface Word {
  /** The stream's characters and owners (shared, not copied): the word is `[start, end)`. */
  chars: string[];
  owners: number[];
  start: number;
  end: number;
  /** Directly followed by an apostrophe and a letter (`l'enfant`), for French elision. */
  beforeApostrophe: boolean;
}

const APOSTROPHES = new Set(["'", '\u2019', '\u02bc', '`']);

export function splitWords(stream: CharStream): Word[] {
  const { chars, owners } = stream;
  const words: Word[] = [];
  let i = 0;
  while (i < chars.length) {
    if (!isWordChar(chars[i] ?? '')) {
      i += 1;
      continue;
    }
    let j = i + 1;
    while (j < chars.length && isWordChar(chars[j] ?? '')) j += 1;
    const beforeApostrophe =
      APOSTROPHES.has(chars[j] ?? '') && isLetter(chars[j + 1] ?? '') && j + 1 < chars.length;
    words.push({ chars, owners, start: i, end: j, beforeApostrophe });
    i = j;
  }
  return words;
}

export { isLetter };
