import { VigieError } from '../../streams/errors.ts';

/** Default n-gram size: unigrams and bigrams (see docs/features-text.md for the comparison). */
export const DEFAULT_SHINGLE_SIZE = 2;

const DIGITS = /^\d+$/;

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
    if (DIGITS.test(token)) seen.add(`#${token}`);
  }
  for (let n = 2; n <= k; n += 1) {
    for (let i = 0; i + n <= tokens.length; i += 1) seen.add(tokens.slice(i, i + n).join(' '));
  }
  return [...seen];
}
