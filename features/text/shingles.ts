import { VigieError } from '../../streams/errors.ts';

/** Default n-gram size: unigrams and bigrams (see docs/features-text.md for the comparison). */
export const DEFAULT_SHINGLE_SIZE = 2;

/** `/^\d+$/` without a regular expression: this runs on every token of every text. */
function isNumber(token: string): boolean {
  if (token.length === 0) return false;
  for (let i = 0; i < token.length; i += 1) {
    const code = token.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return false;
  }
  return true;
}

/**
 * Word shingles of a token list: every n-gram of 1..k tokens, deduplicated, in first-seen order;
 * a number also yields a second unigram (`#12`), so numbers weigh double. Chosen over character
 * shingles: the normaliser already undoes the obfuscation, and whole tokens keep model numbers
 * and sizes decisive — `iphone 12 pro 128 go noir` vs `iphone 13 …` has Jaccard 0.62 here, 0.78
 * with character 4-grams — while bigrams keep some word order.
 */
export function shingles(tokens: string[], k: number = DEFAULT_SHINGLE_SIZE): string[] {
  if (!Number.isInteger(k) || k < 1) {
    throw new VigieError('INVALID_CONFIG', `shingle size must be an integer ≥ 1, got ${k}`, {
      context: { k },
    });
  }
  const seen = new Set<string>();
  for (const token of tokens) {
    seen.add(token);
    if (isNumber(token)) seen.add(`#${token}`);
  }
  // Bigrams (the default size) by concatenation: no array per n-gram.
  if (k >= 2) {
    for (let i = 0; i + 2 <= tokens.length; i += 1) seen.add(`${tokens[i]} ${tokens[i + 1]}`);
  }
  for (let n = 3; n <= k; n += 1) {
    for (let i = 0; i + n <= tokens.length; i += 1) seen.add(tokens.slice(i, i + n).join(' '));
  }
  return [...seen];
}
