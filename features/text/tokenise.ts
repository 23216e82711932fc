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

function isLettersOnly(word: string): boolean {
  for (let i = 0; i < word.length; i += 1) {
    const code = word.charCodeAt(i);
    if (code < 0x61 || code > 0x7a) return false;
  }
  return word.length > 0;
}

/** Plural folding: `poupees`→`poupee`, `bijoux`→`bijou`, `dolls`→`doll`; never on `ss` or codes. */
function singular(word: string): string {
  const n = word.length;
  if (n < 4 || !isLettersOnly(word)) return word;
  const last = word.charCodeAt(n - 1);
  if (last === 0x73 /* s */) return word.charCodeAt(n - 2) === 0x73 ? word : word.slice(0, -1);
  if (last === 0x78 /* x */ && n >= 5) {
    // `-aux`, `-eux`, `-oux`.
    const vowel = word.charCodeAt(n - 3);
    const u = word.charCodeAt(n - 2);
    if (u === 0x75 && (vowel === 0x61 || vowel === 0x65 || vowel === 0x6f))
      return word.slice(0, -1);
  }
  return word;
}

function isDigitCode(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function collapseDoubles(word: string): string {
  // Most words have no doubled letter: returned as they are, without building a copy.
  let first = -1;
  for (let i = 0; i < word.length; i += 1) {
    const code = word.charCodeAt(i);
    // Compared by code point below: astral letters (two UTF-16 units) are rare.
    if (code >= 0xd800 && code <= 0xdfff) return collapseDoublesByCodePoint(word);
    if (first === -1 && i > 0 && code === word.charCodeAt(i - 1) && !isDigitCode(code)) first = i;
  }
  if (first === -1) return word;
  let out = word.slice(0, first);
  let previous = word.charCodeAt(first - 1);
  for (let i = first; i < word.length; i += 1) {
    const code = word.charCodeAt(i);
    // Digits keep their repeats: `100` is not `10`.
    if (code === previous && !isDigitCode(code)) continue;
    out += word[i] as string;
    previous = code;
  }
  return out;
}

function collapseDoublesByCodePoint(word: string): string {
  let out = '';
  let previous = '';
  for (const ch of word) {
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
