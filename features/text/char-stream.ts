import { Flag, isWordChar } from './char-fold.ts';
import type { FoldedUnits } from './char-fold.ts';

/**
 * The folded text as single characters, each remembering the input code point (unit) it came
 * from, so that every later rewrite can be charged to the right unit for the obfuscation score.
 */
export interface CharStream {
  chars: string[];
  /** Read-only, and possibly longer than `chars` (the shared identity map of `toStream`). */
  owners: Int32Array;
}

/**
 * `owners` of a stream whose char i is unit i, shared by every such stream (never written):
 * 0, 1, 2, … grown to the longest text seen, so the usual text allocates no owner array.
 */
let IDENTITY = new Int32Array(0);

function identityOwners(length: number): Int32Array {
  if (IDENTITY.length < length) {
    IDENTITY = new Int32Array(Math.max(length, 2 * IDENTITY.length, 1024));
    for (let u = 0; u < IDENTITY.length; u += 1) IDENTITY[u] = u;
  }
  return IDENTITY;
}

/**
 * The units as a stream. In the usual case the stream's chars are `units.out` itself, not a
 * copy: later steps only rewrite chars into other non-empty chars (leet symbols and digits into
 * letters), which leaves every use of `units.out` (empty or not) as it was.
 */
export function toStream(units: FoldedUnits): CharStream {
  const { out } = units;
  let simple = true;
  for (let u = 0; u < out.length && simple; u += 1) simple = (out[u] as string).length === 1;
  if (simple) {
    // Every unit folded to one UTF-16 unit (the usual case, `é` → `e` included).
    return { chars: out, owners: identityOwners(out.length) };
  }
  const chars: string[] = [];
  const owners: number[] = [];
  for (let u = 0; u < out.length; u += 1) {
    const folded = out[u] as string;
    if (folded.length === 1) {
      chars.push(folded);
      owners.push(u);
    } else {
      for (const ch of folded) {
        chars.push(ch);
        owners.push(u);
      }
    }
  }
  return { chars, owners: Int32Array.from(owners) };
}

/** Characters that obfuscators put between letters (`p.o.u.p.é.e`, `d o l l`, `c-h-i-l-d`). */
function isSeparator(ch: string): boolean {
  switch (ch) {
    case ' ':
    case '.':
    case '-':
    case '_':
    case '*':
    case '\u00b7':
    case '\u2022':
    case '|':
    case '~':
    case '+':
    case '\t':
    case '\u00a0':
      return true;
    default:
      return false;
  }
}
const MAX_GAP = 3;
const NUMBER = /\p{N}/u;

function isLetter(ch: string): boolean {
  const code = ch.charCodeAt(0);
  if (code < 0x80) return code >= 0x61 && code <= 0x7a;
  return isWordChar(ch) && !NUMBER.test(ch);
}

function flag(units: FoldedUnits, owner: number | undefined, bit: number): void {
  if (owner !== undefined && owner < units.flags.length) {
    units.flags[owner] = (units.flags[owner] as number) | bit;
  }
}

/**
 * Where the stream's runs of word and non-word characters start (they alternate), then its
 * length; `wordFirst` tells the kind of the first run.
 */
interface Segments {
  bounds: Int32Array;
  count: number;
  wordFirst: boolean;
}

/** `Segments.bounds`, reused by every text (only read before the next text's segments). */
let BOUNDS = new Int32Array(1024);

function segments(chars: string[]): Segments {
  if (BOUNDS.length < chars.length + 1) BOUNDS = new Int32Array(2 * (chars.length + 1));
  const bounds = BOUNDS;
  bounds[0] = 0;
  let count = 0;
  const wordFirst = chars.length > 0 && isWordChar(chars[0] as string);
  let word = wordFirst;
  if (chars.length > 0) count = 1;
  for (let i = 1; i < chars.length; i += 1) {
    if (isWordChar(chars[i] as string) === word) continue;
    word = !word;
    bounds[count] = i;
    count += 1;
  }
  bounds[count] = chars.length;
  return { bounds, count, wordFirst };
}

function isSeparatorGap(chars: string[], start: number, end: number): boolean {
  if (end - start > MAX_GAP) return false;
  for (let i = start; i < end; i += 1) if (!isSeparator(chars[i] as string)) return false;
  return true;
}

function onlySpaces(chars: string[], start: number, end: number): boolean {
  for (let i = start; i < end; i += 1) if ((chars[i] as string).trim() !== '') return false;
  return true;
}

/**
 * Joins runs of single letters split by separators. Honest text has short runs of single
 * characters (`3-4 ans`, `T.38`, sizes `S M L`), so a run needs 3 pieces when punctuation splits
 * it and 4 when only spaces do, and at least half of the pieces (and two) must be letters.
 */
export function joinSeparatedLetters(stream: CharStream, units: FoldedUnits): CharStream {
  const { chars, owners } = stream;
  const { bounds, count, wordFirst } = segments(chars);
  const flags = units.flags;
  // Segment s is [bounds[s], bounds[s + 1]); word and non-word segments alternate.
  const isWord = (s: number): boolean => ((s & 1) === 0) === wordFirst;
  const single = (s: number): boolean => (bounds[s + 1] as number) - (bounds[s] as number) === 1;
  // Allocated on the first separator dropped: honest text has none.
  let drop: Uint8Array | undefined;
  let s = 0;
  while (s < count) {
    if (!isWord(s) || !single(s)) {
      s += 1;
      continue;
    }
    let last = s;
    let spacesOnly = true;
    let gapText: string | undefined;
    while (last + 2 < count && single(last + 2)) {
      const gapStart = bounds[last + 1] as number;
      const gapEnd = bounds[last + 2] as number;
      if (!isSeparatorGap(chars, gapStart, gapEnd)) break;
      // One obfuscation uses one separator throughout: `d-o-l-l  d o l l` is two runs.
      const text = chars.slice(gapStart, gapEnd).join('');
      if (gapText !== undefined && text !== gapText) break;
      gapText = text;
      spacesOnly &&= onlySpaces(chars, gapStart, gapEnd);
      last += 2;
    }
    const pieces = (last - s) / 2 + 1;
    let letters = 0;
    for (let p = s; p <= last; p += 2)
      letters += isLetter(chars[bounds[p] as number] as string) ? 1 : 0;
    const enough = pieces >= (spacesOnly ? 4 : 3) && letters >= 2 && letters * 2 >= pieces;
    if (enough) {
      // `U.S.A`, `R.A.S`, `S.A.V`: short dotted capitals are acronyms, joined but not counted.
      let capitals = 0;
      for (let p = s; p <= last; p += 2) {
        capitals += (flags[owners[bounds[p] as number] as number] as number) & Flag.upper ? 1 : 0;
      }
      const acronym = gapText === '.' && pieces <= 4 && capitals === pieces;
      for (let g = s + 1; g < last; g += 2) {
        drop ??= new Uint8Array(chars.length);
        for (let i = bounds[g] as number; i < (bounds[g + 1] as number); i += 1) {
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
    keptChars.push(chars[i] as string);
    keptOwners.push(owners[i] as number);
  }
  return { chars: keptChars, owners: Int32Array.from(keptOwners) };
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
export function foldLeetSymbols(stream: CharStream, units: FoldedUnits): void {
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
  owners: Int32Array;
  start: number;
  end: number;
  /** Directly followed by an apostrophe and a letter (`l'enfant`), for French elision. */
  beforeApostrophe: boolean;
}

function isApostrophe(ch: string): boolean {
  return ch === "'" || ch === '\u2019' || ch === '\u02bc' || ch === '`';
}

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
      isApostrophe(chars[j] ?? '') && isLetter(chars[j + 1] ?? '') && j + 1 < chars.length;
    words.push({ chars, owners, start: i, end: j, beforeApostrophe });
    i = j;
  }
  return words;
}

export { isLetter };
