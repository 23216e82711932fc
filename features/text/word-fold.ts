import { Flag } from './char-fold.ts';
import type { FoldedUnits } from './char-fold.ts';
import { isLetter } from './char-stream.ts';
import type { Word } from './char-stream.ts';

const LEET_DIGITS: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '9': 'g',
};

function isDigit(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return code >= 0x30 && code <= 0x39;
}

function flag(units: FoldedUnits, owner: number | undefined, bit: number): void {
  if (owner !== undefined && owner < units.flags.length) {
    units.flags[owner] = (units.flags[owner] as number) | bit;
  }
}

/**
 * Leetspeak inside a word. A digit run between two letters (`p0upée`, `ch1ld`, `r3aliste`) is
 * leet when all its digits have a letter reading; a digit at the edge of a word (`poupé3`) only
 * when the same word already has such an inner run — model names and sizes (`ps5`, `iphone7`,
 * `36cm`, `4x4`, `s21`) keep their digits.
 */
export function foldLeetDigits(word: Word, units: FoldedUnits): boolean {
  const { chars, start, end } = word;
  let first = start;
  while (first < end && !isDigit(chars[first] as string)) first += 1;
  if (first === end) return false;
  // An inner run needs a letter before it: none in a word that starts with its digits and has
  // nothing else (`36`, `2024`), the common case.
  if (first === start) {
    let k = start + 1;
    while (k < end && isDigit(chars[k] as string)) k += 1;
    if (k === end) return false;
  }
  return foldDigitRuns(word, units);
}

interface Run {
  start: number;
  end: number;
}

/**
 * `foldLeetDigits` for a word with digits, in place in the stream (indices are the stream's).
 * True when it rewrote a digit.
 */
function foldDigitRuns(word: Word, units: FoldedUnits): boolean {
  const { chars, owners, start, end } = word;
  const runs: Run[] = [];
  let i = start;
  while (i < end) {
    if (!isDigit(chars[i] as string)) {
      i += 1;
      continue;
    }
    let j = i + 1;
    while (j < end && isDigit(chars[j] as string)) j += 1;
    runs.push({ start: i, end: j });
    i = j;
  }
  const leetable = (r: Run): boolean => {
    for (let k = r.start; k < r.end; k += 1)
      if (LEET_DIGITS[chars[k] as string] === undefined) return false;
    return true;
  };
  const inner = runs.filter(
    (r) =>
      r.start > start &&
      r.end < end &&
      isLetter(chars[r.start - 1] as string) &&
      isLetter(chars[r.end] as string) &&
      leetable(r),
  );
  if (inner.length === 0) return false;
  const edges = runs.filter(
    (r) =>
      r.end - r.start === 1 &&
      leetable(r) &&
      ((r.start === start && isLetter(chars[r.end] ?? '')) ||
        (r.end === end && isLetter(chars[r.start - 1] ?? ''))),
  );
  for (const r of [...inner, ...edges]) {
    for (let k = r.start; k < r.end; k += 1) {
      chars[k] = LEET_DIGITS[chars[k] as string] ?? '';
      flag(units, owners[k], Flag.leet);
    }
  }
  return true;
}

/**
 * A Cyrillic or Greek look-alike is a disguise when its word also has Latin letters (`рoupée`)
 * or when the whole word reads as Latin (`сһіld`) in a text that is mostly Latin. Russian or
 * Greek text keeps its words and scores no obfuscation for them.
 */
export function resolveConfusables(word: Word, units: FoldedUnits, foreignText: boolean): void {
  let candidates = 0;
  let latinLetters = 0;
  let unfolded = 0;
  let previousOwner = -1;
  for (let k = word.start; k < word.end; k += 1) {
    const owner = word.owners[k] ?? 0;
    if (owner === previousOwner) continue;
    previousOwner = owner;
    const flags = units.flags[owner] ?? 0;
    if (flags & Flag.confusableCandidate) candidates += 1;
    else if (flags & Flag.foreign) unfolded += 1;
    else if (isLetter(word.chars[k] ?? '')) latinLetters += 1;
  }
  if (candidates === 0) return;
  const disguise = latinLetters > 0 || (unfolded === 0 && !foreignText);
  if (!disguise) return;
  previousOwner = -1;
  for (let k = word.start; k < word.end; k += 1) {
    const owner = word.owners[k] as number;
    if (owner === previousOwner) continue;
    previousOwner = owner;
    if ((units.flags[owner] ?? 0) & Flag.confusableCandidate) flag(units, owner, Flag.confusable);
  }
}

/** True when `chars[start, end)` repeats a char three times in a row. */
function hasRunOfThree(chars: string[], start: number, end: number): boolean {
  for (let k = start + 2; k < end; k += 1) {
    if (chars[k] === chars[k - 1] && chars[k] === chars[k - 2]) return true;
  }
  return false;
}

/**
 * Runs of three or more of the same letter (`poupéééée`, `dolllll`) are cut to two; words
 * with a legitimate double letter are untouched. Returns the kept characters. `joined`: the
 * stream's chars joined, when each is one UTF-16 unit and the word's are as joined; a word
 * without such a run is then its slice (one string, not one per char).
 */
export function collapseRepeats(word: Word, units: FoldedUnits, joined?: string): string {
  const { chars, start, end } = word;
  if (joined !== undefined && !hasRunOfThree(chars, start, end)) return joined.slice(start, end);
  let out = '';
  let run = 0;
  let previous = '';
  for (let k = start; k < end; k += 1) {
    const ch = chars[k] as string;
    run = ch === previous ? run + 1 : 1;
    previous = ch;
    if (run >= 3 && isLetter(ch)) {
      flag(units, word.owners[k], Flag.repeat);
      continue;
    }
    out += ch;
  }
  return out;
}
