/**
 * Comparison tokens for French and English listings: stop words dropped, plurals folded and
 * doubled letters collapsed, so that `poupées` ≡ `poupee` ≡ `poupéééée` and `dolls` ≡ `doll`.
 * Deterministic and dictionary-free; the folding is applied to both sides of every comparison,
 * so a rare collision between honest words (`cote`/`cotte`) costs a little precision only.
 */
const STOP_WORDS = new Set([
  // French (diacritics already stripped)
  'le',
  'la',
  'les',
  'un',
  'une',
  'des',
  'du',
  'de',
  'et',
  'ou',
  'a',
  'au',
  'aux',
  'en',
  'pour',
  'par',
  'sur',
  'sous',
  'avec',
  'sans',
  'ce',
  'ces',
  'cet',
  'cette',
  'se',
  'sa',
  'son',
  'ses',
  'mon',
  'ma',
  'mes',
  'ton',
  'ta',
  'tes',
  'leur',
  'leurs',
  'qui',
  'que',
  'dont',
  'est',
  'sont',
  'tres',
  'plus',
  'ne',
  'pas',
  'il',
  'elle',
  'ils',
  'elles',
  'on',
  'nous',
  'vous',
  'je',
  'tu',
  // English
  'the',
  'an',
  'and',
  'or',
  'of',
  'for',
  'with',
  'without',
  'to',
  'in',
  'on',
  'at',
  'by',
  'is',
  'are',
  'be',
  'this',
  'that',
  'these',
  'those',
  'from',
  'as',
  'it',
  'its',
  'my',
  'your',
  'our',
  'very',
  'not',
]);

/** French elided articles and pronouns (`l'`, `d'`, `qu'`…), dropped before an apostrophe. */
const ELISIONS = new Set([
  'l',
  'd',
  'j',
  'm',
  'n',
  's',
  't',
  'c',
  'qu',
  'jusqu',
  'lorsqu',
  'puisqu',
]);

export function isElision(word: string): boolean {
  return ELISIONS.has(word);
}

export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word);
}

const LETTERS_ONLY = /^[a-z]+$/;

/** Plural folding: `poupees`→`poupee`, `bijoux`→`bijou`, `dolls`→`doll`; never on `ss` or codes. */
function singular(word: string): string {
  if (word.length < 4 || !LETTERS_ONLY.test(word)) return word;
  if (word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  if (word.length >= 5 && /(?:au|eu|ou)x$/.test(word)) return word.slice(0, -1);
  return word;
}

function collapseDoubles(word: string): string {
  let out = '';
  let previous = '';
  for (const ch of word) {
    // Digits keep their repeats: `100` is not `10`.
    if (ch === previous && !(ch >= '0' && ch <= '9')) continue;
    out += ch;
    previous = ch;
  }
  return out;
}

/** The comparison token of one normalised word, or undefined for a stop word. */
export function comparisonToken(word: string, dropStopWords = true): string | undefined {
  if (dropStopWords && STOP_WORDS.has(word)) return undefined;
  return collapseDoubles(singular(word));
}
