import { Flag } from './char-fold.ts';
import type { FoldedUnit } from './char-fold.ts';
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

function flag(units: FoldedUnit[], owner: number | undefined, bit: number): void {
  const unit = owner === undefined ? undefined : units[owner];
  if (unit !== undefined) unit.flags |= bit;
}

/**
 * Leetspeak inside a word. A digit run between two letters (`p0upée`, `ch1ld`, `r3aliste`) is
 * leet when all its digits have a letter reading; a digit at the edge of a word (`poupé3`) only
 * when the same word already has such an inner run — model names and sizes (`ps5`, `iphone7`,
 * `36cm`, `4x4`, `s21`) keep their digits.
 */
export function foldLeetDigits(word: Word, units: FoldedUnit[]): void {
  let digits = false;
  for (let k = word.start; k < word.end && !digits; k += 1) digits = isDigit(word.chars[k] ?? '');
  if (!digits) return;
  // A word with digits (rare): worked on in its own arrays, written back.
  const chars = word.chars.slice(word.start, word.end);
  const owners = word.owners.slice(word.start, word.end);
  foldDigitRuns(chars, owners, units);
  for (let k = 0; k < chars.length; k += 1) word.chars[word.start + k] = chars[k] as string;
}

function foldDigitRuns(chars: string[], owners: number[], units: FoldedUnit[]): void {
  const runs: Array<{ start: number; end: number }> = [];
  let i = 0;
  while (i < chars.length) {
    if (!isDigit(chars[i] ?? '')) {
      i += 1;
      continue;
    }
    let j = i + 1;
    while (j < chars.length && isDigit(chars[j] ?? '')) j += 1;
    runs.push({ start: i, end: j });
    i = j;
  }
  if (runs.length === 0) return;
  const leetable = (r: { start: number; end: number }): boolean => {
    for (let k = r.start; k < r.end; k += 1)
      if (LEET_DIGITS[chars[k] ?? ''] === undefined) return false;
    return true;
  };
  const inner = runs.filter(
    (r) =>
      r.start > 0 &&
      r.end < chars.length &&
      isLetter(chars[r.start - 1] ?? '') &&
      isLetter(chars[r.end] ?? '') &&
      leetable(r),
  );
  if (inner.length === 0) return;
  const edges = runs.filter(
    (r) =>
      r.end - r.start === 1 &&
      leetable(r) &&
      ((r.start === 0 && isLetter(chars[r.end] ?? '')) ||
        (r.end === chars.length && isLetter(chars[r.start - 1] ?? ''))),
  );
  for (const r of [...inner, ...edges]) {
    for (let k = r.start; k < r.end; k += 1) {
      chars[k] = LEET_DIGITS[chars[k] ?? ''] ?? '';
      flag(units, owners[k], Flag.leet);
    }
  }
}

/**
 * A Cyrillic or Greek look-alike is a disguise when its word also has Latin letters (`рoupée`)
 * or when the whole word reads as Latin (`сһіld`) in a text that is mostly Latin. Russian or
 * Greek text keeps its words and scores no obfuscation for them.
 */
export function resolveConfusables(word: Word, units: FoldedUnit[], foreignText: boolean): void {
  let candidates = 0;
  let latinLetters = 0;
  let unfolded = 0;
  let previousOwner = -1;
  for (let k = word.start; k < word.end; k += 1) {
    const owner = word.owners[k] ?? 0;
    if (owner === previousOwner) continue;
    previousOwner = owner;
    const flags = units[owner]?.flags ?? 0;
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
    if ((units[owner]?.flags ?? 0) & Flag.confusableCandidate) flag(units, owner, Flag.confusable);
  }
}

/**
 * Runs of three or more of the same letter (`poupéééée`, `dolllll`) are cut to two; words
 * with a legitimate double letter are untouched. Returns the kept characters.
 */
export function collapseRepeats(word: Word, units: FoldedUnit[]): string {
  let out = '';
  let run = 0;
  let previous = '';
  for (let k = word.start; k < word.end; k += 1) {
    const ch = word.chars[k] ?? '';
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
