import confusablesData from 'unhomoglyph/data.json' with { type: 'json' };

/**
 * Unicode TR39 confusables (confusables.txt, Unicode 13.0.0) as shipped by the `unhomoglyph`
 * package (nodeca): one source code point → its prototype ("skeleton") sequence. Only consulted
 * for non-ASCII letters: the table also maps ASCII (`m`→`rn`, `0`→`O`, `1`→`l`), which would
 * wreck honest text, and precomposed Latin letters (`ö`→Arabic `ة`), which we strip of their
 * diacritics before looking anything up.
 */
const table: Readonly<Record<string, string>> = confusablesData;

/** Unicode version of the confusables data, for the docs and for evidence. */
export const CONFUSABLES_UNICODE_VERSION = '13.0.0';

const MARKS = /\p{M}/gu;
const ASCII_LETTERS = /^[a-zA-Z]+$/;

function asciiPrototype(ch: string): string | undefined {
  const target = table[ch];
  if (target === undefined) return undefined;
  // Prototypes may carry overlay marks (`ø` → `o` + U+0338): drop them, keep the base letters.
  const folded = target.normalize('NFD').replace(MARKS, '');
  if (!ASCII_LETTERS.test(folded)) return undefined;
  // TR39 puts `I` and `l` in one class with prototype `l`; a capital look-alike of it is an `I`
  // (Cyrillic `І`, Greek `Ι`) and reads as `i` once lower-cased, as a Latin `I` does.
  if (folded === 'l' && ch !== ch.toLowerCase()) return 'i';
  return folded.toLowerCase();
}

/**
 * The lower-case ASCII look-alike of one non-ASCII letter, or undefined when it has none. The
 * letter is judged in its own case first (`Υ` looks like `Y`, `υ` like `u`); TR39 maps many
 * capitals but not their lower-case forms (`К`→`K` but `к`→`ĸ`), so the other case is tried
 * next: a lower-case Cyrillic `к` reads as `k` to a buyer too.
 */
export function confusablePrototype(ch: string): string | undefined {
  const own = asciiPrototype(ch);
  if (own !== undefined) return own;
  const lower = ch.toLowerCase();
  if (lower !== ch) return asciiPrototype(lower);
  const upper = ch.toUpperCase();
  return upper !== ch && [...upper].length === 1 ? asciiPrototype(upper) : undefined;
}
