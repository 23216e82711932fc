import { confusablePrototype } from './confusables.ts';

/** Why a code point was changed; each bit is one kind of evasion the obfuscation score counts. */
export const Flag = {
  zeroWidth: 1,
  confusable: 2,
  compat: 4,
  diacritic: 8,
  leet: 16,
  separator: 32,
  repeat: 64,
  /** Non-Latin letter folded to a Latin look-alike; counted only if the word proves it a disguise. */
  confusableCandidate: 128,
  /** A letter of another script (folded or not): used to tell foreign text from disguise. */
  foreign: 256,
  /** An upper-case letter in the input (acronyms such as `U.S.A` are not disguise). */
  upper: 512,
} as const;

/** Every flag that counts towards the obfuscation score. */
export const COUNTED_FLAGS =
  Flag.zeroWidth |
  Flag.confusable |
  Flag.compat |
  Flag.diacritic |
  Flag.leet |
  Flag.separator |
  Flag.repeat;

/**
 * The input's code points, folded: `out[u]` is what code point `u` became (empty when removed,
 * or several characters), `flags[u]` why. Parallel arrays, not an object per code point: this
 * runs on every listing text.
 */
export interface FoldedUnits {
  out: string[];
  flags: Uint16Array;
}

const IGNORABLE = /\p{Default_Ignorable_Code_Point}/u;
const MARK = /\p{M}/u;
const MARKS = /\p{M}/gu;
const LETTER = /\p{L}/u;
const LATIN = /\p{Script=Latin}/u;
const MODIFIER_LETTER = /\p{Lm}/u;
const ALNUM = /[\p{L}\p{N}]/u;

/**
 * Latin letters of everyday European spelling that TR39 would map oddly (`œ` is not `oe` there,
 * `ß` has no prototype): folded for comparison and never counted as obfuscation.
 */
const EVERYDAY: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ŀ: 'l',
  ĸ: 'k',
};

/**
 * Diacritics of written European languages (grave … caron, dot below, horn, cedilla, ogonek):
 * stripped for comparison but not suspicious. Others (overlays, strike-through, zalgo stacks) are.
 */
function isCommonMark(cp: number): boolean {
  return (
    (cp >= 0x300 && cp <= 0x30c) || cp === 0x31b || cp === 0x323 || cp === 0x327 || cp === 0x328
  );
}

function unusualMarks(marks: string): boolean {
  let count = 0;
  for (const m of marks) {
    count += 1;
    if (!isCommonMark(m.codePointAt(0) ?? 0)) return true;
  }
  // Vietnamese stacks two marks; three or more is zalgo-style noise.
  return count >= 3;
}

function isAsciiAlnum(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39);
}

/** Ordinal indicators and modifier letters (`1º`, `2ᵉ`) are typography, not disguise. */
function isTypographic(ch: string): boolean {
  return ch === 'ª' || ch === 'º' || MODIFIER_LETTER.test(ch);
}

/**
 * Folds one non-ASCII character of the canonical decomposition (diacritics already split off).
 * TR39 is consulted before compatibility decomposition, as its skeleton algorithm does: NFKD
 * would turn some look-alikes into letters that have none (Greek lunate `ϲ` → final `ς`).
 */
function foldChar(ch: string, state: { flags: number }): string {
  const everyday = EVERYDAY[ch.toLowerCase()];
  if (everyday !== undefined) return everyday;
  if (!LETTER.test(ch)) {
    const compat = ch.normalize('NFKD').replace(MARKS, '');
    return compat === ch ? ch : compat.toLowerCase();
  }
  const latin = LATIN.test(ch);
  const prototype = confusablePrototype(ch);
  if (prototype !== undefined) {
    // A Latin look-alike from outside everyday spelling (IPA `ɑ`, full-width `ｐ`) is a disguise by
    // itself; a Cyrillic or Greek one only inside a word that mixes scripts (decided per word).
    if (!isTypographic(ch)) state.flags |= latin ? Flag.confusable : Flag.confusableCandidate;
    if (!latin) state.flags |= Flag.foreign;
    return prototype;
  }
  const compat = ch.normalize('NFKD').replace(MARKS, '');
  if (compat !== ch && compat !== '') {
    // Mathematical and other compatibility letters (`𝐩`) are disguises; `2ᵉ`, `1º` are not.
    if (!isTypographic(ch) && LETTER.test(compat)) state.flags |= Flag.compat;
    let out = '';
    for (const c of compat) out += c.charCodeAt(0) < 0x80 ? c.toLowerCase() : foldChar(c, state);
    return out;
  }
  if (!latin) state.flags |= Flag.foreign;
  return ch.toLowerCase();
}

function foldNonAscii(cp: string, previousMark: boolean): { out: string; flags: number } {
  if (MARK.test(cp)) {
    // A stand-alone combining mark (text typed in NFD, or zalgo): removed; suspicious only when
    // unusual or stacked onto a letter that already carries one.
    const suspicious = !isCommonMark(cp.codePointAt(0) ?? 0) || previousMark;
    return { out: '', flags: suspicious ? Flag.diacritic : 0 };
  }
  const decomposed = cp.normalize('NFD');
  const base = decomposed.replace(MARKS, '');
  const marks = decomposed.length === base.length ? '' : decomposed.replace(/\P{M}/gu, '');
  const state = { flags: marks !== '' && unusualMarks(marks) ? Flag.diacritic : 0 };
  let out = '';
  for (const ch of base) out += ch.charCodeAt(0) < 0x80 ? ch.toLowerCase() : foldChar(ch, state);
  return { out, flags: state.flags };
}

/** What one input code point folds to when that does not depend on its neighbours. */
interface CodePointFold {
  out: string;
  flags: number;
  ignorable: boolean;
}

function foldCodePoint(cp: string): CodePointFold {
  const code = cp.charCodeAt(0);
  if (code < 0x80) {
    const upper = code >= 0x41 && code <= 0x5a;
    return upper
      ? { out: String.fromCharCode(code + 32), flags: Flag.upper, ignorable: false }
      : { out: cp, flags: 0, ignorable: false };
  }
  // The micro sign (`10 µm`) is honest; NFKC would turn it into Greek mu, a look-alike of m.
  if (code === 0xb5) return { out: 'u', flags: 0, ignorable: false };
  if (IGNORABLE.test(cp)) return { out: '', flags: 0, ignorable: true };
  const { out, flags } = foldNonAscii(cp, false);
  return { out, flags, ignorable: false };
}

/**
 * The folds of everyday code points that are not combining marks (a mark's fold depends on the
 * code point before it), computed once at load (~1,000 code points, a few ms) by the very same
 * functions: ASCII, Latin, IPA, Greek, Cyrillic, general punctuation (`’`, zero-width) and
 * currency (`€`). Any other code point takes the slow path each time it is seen.
 */
const TABLE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x0000, 0x0250],
  [0x0370, 0x0530],
  [0x2000, 0x2070],
  [0x20a0, 0x20c0],
];
const TABLE_END = 0x20c0;
const TABLE_OUT: string[] = new Array<string>(TABLE_END).fill('');
const TABLE_FLAGS = new Uint16Array(TABLE_END);
/** 1: folded in the table; 2: and default-ignorable; 0: not in the table, folded per use. */
const TABLE_KIND = new Uint8Array(TABLE_END);
for (const [from, to] of TABLE_RANGES) {
  for (let code = from; code < to; code += 1) {
    const cp = String.fromCharCode(code);
    if (MARK.test(cp)) continue;
    const fold = foldCodePoint(cp);
    TABLE_OUT[code] = fold.out;
    TABLE_FLAGS[code] = fold.flags;
    TABLE_KIND[code] = fold.ignorable ? 2 : 1;
  }
}

/**
 * Folds each code point: canonical decomposition with diacritics stripped, TR39 confusables for
 * non-ASCII letters, NFKC compatibility mapping (per character, as NFKD, since diacritics are
 * stripped anyway), case folding, and removal of default-ignorable (zero-width) code points.
 */
export function foldCodePoints(text: string): FoldedUnits {
  // Sized up front (a code point per UTF-16 unit at most; trimmed below): pushes would grow it
  // by copies. Not a huge text: V8 would make such an array a dictionary.
  const out: string[] = text.length <= 32_768 ? new Array<string>(text.length) : [];
  const flags = new Uint16Array(text.length);
  // Allocated on the first default-ignorable code point: most texts have none.
  let ignorable: Uint8Array | undefined;
  let previousMark = false;
  let u = 0;
  for (let i = 0; i < text.length; i += 1, u += 1) {
    const code = text.charCodeAt(i);
    if (code < TABLE_END) {
      const kind = TABLE_KIND[code] as number;
      if (kind !== 0) {
        out[u] = TABLE_OUT[code] as string;
        flags[u] = TABLE_FLAGS[code] as number;
        if (kind === 2) (ignorable ??= new Uint8Array(text.length))[u] = 1;
        previousMark = false;
        continue;
      }
    }
    // Slow path, as `Array.from(text)` splits: a surrogate pair is one code point.
    let cp: string;
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      cp = low >= 0xdc00 && low <= 0xdfff ? text.slice(i, (i += 1) + 1) : (text[i] as string);
    } else {
      cp = text[i] as string;
    }
    const mark = MARK.test(cp);
    if (IGNORABLE.test(cp)) {
      out[u] = '';
      (ignorable ??= new Uint8Array(text.length))[u] = 1;
    } else {
      const fold = foldNonAscii(cp, previousMark);
      out[u] = fold.out;
      flags[u] = fold.flags;
    }
    previousMark = mark;
  }
  if (u < out.length) out.length = u;
  const units = { out, flags: u === flags.length ? flags : flags.subarray(0, u) };
  if (ignorable !== undefined) flagHiddenIgnorables(ignorable, units);
  return units;
}

/**
 * A zero-width character counts as obfuscation only inside a word (between two letters or
 * digits): after an emoji (`❤️`, ZWJ sequences) it is ordinary encoding.
 */
function flagHiddenIgnorables(ignorable: Uint8Array, units: FoldedUnits): void {
  const { out, flags } = units;
  for (let i = 0; i < out.length; i += 1) {
    if (ignorable[i] !== 1) continue;
    let before = i - 1;
    while (before >= 0 && ignorable[before] === 1) before -= 1;
    let after = i + 1;
    while (after < out.length && ignorable[after] === 1) after += 1;
    const prev = out[before] ?? '';
    const next = out[after] ?? '';
    if (isWordChar(prev.slice(-1)) && isWordChar(next.slice(0, 1)))
      flags[i] = (flags[i] as number) | Flag.zeroWidth;
  }
}

/** True for a letter or digit (after folding). */
export function isWordChar(ch: string): boolean {
  if (ch === '') return false;
  const code = ch.charCodeAt(0);
  if (code < 0x80) return isAsciiAlnum(code);
  return ALNUM.test(ch);
}
