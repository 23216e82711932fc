import { VigieError } from '../../streams/errors.ts';
import { murmur3, murmur3Bytes } from './murmur3.ts';

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

const encoder = new TextEncoder();
/**
 * Scratch of `shingleHashes`, reused by every text: the UTF-8 bytes of the distinct tokens, each
 * after a `#` (so a number's `#` unigram is the same bytes one earlier), then one bigram.
 */
let BYTES = new Uint8Array(4096);
let STARTS = new Int32Array(256);
let ENDS = new Int32Array(256);
let IDS = new Int32Array(256);
/** Bigrams are deduplicated as `first · 2^16 + second` token numbers: small integers in V8. */
const MAX_PAIRED_TOKENS = 1 << 14;
const SPACE = 0x20;
const HASH = 0x23;

/**
 * The murmur3 hashes (features/text/murmur3.ts, `seed`) of `shingles(tokens)` (the default size)
 * into `out`, which has room for 3 × `tokens.length`; returns how many (the distinct shingles).
 * In another order, which MinHash ignores. The bigram strings are not built (concatenating and
 * hashing them was most of `shingles`' time, and garbage): tokens are numbered, bigrams
 * deduplicated as pairs of numbers and hashed from the tokens' bytes. Tokens never hold a space
 * or a `#` (they are runs of letters and digits), so the three kinds cannot meet in one string;
 * a list where they could goes through `shingles`.
 */
export function shingleHashes(tokens: readonly string[], seed: number, out: Uint32Array): number {
  const ids = new Map<string, number>();
  if (IDS.length < tokens.length) IDS = new Int32Array(2 * tokens.length);
  let p = 0;
  let n = 0;
  for (let t = 0; t < tokens.length; t += 1) {
    const token = tokens[t] as string;
    let id = ids.get(token);
    if (id === undefined) {
      id = ids.size;
      ids.set(token, id);
      if (STARTS.length <= id) {
        STARTS = grown(STARTS);
        ENDS = grown(ENDS);
      }
      // Room for `#`, the token (3 bytes per UTF-16 unit at most) and the longest bigram.
      if (BYTES.length < p + 1 + 3 * token.length) {
        const bytes = new Uint8Array(2 * (p + 1 + 3 * token.length));
        bytes.set(BYTES.subarray(0, p));
        BYTES = bytes;
      }
      BYTES[p] = HASH;
      const start = p + 1;
      let end = start;
      for (let i = 0; i < token.length && end >= 0; i += 1) {
        const c = token.charCodeAt(i);
        if (c === SPACE || c === HASH) return fallback(tokens, seed, out);
        if (c >= 0x80) end = -1;
        else {
          BYTES[end] = c;
          end += 1;
        }
      }
      if (end < 0) {
        if (token.includes(' ') || token.includes('#')) return fallback(tokens, seed, out);
        end = start + encoder.encodeInto(token, BYTES.subarray(start)).written;
      }
      STARTS[id] = start;
      ENDS[id] = end;
      p = end;
      out[n] = murmur3Bytes(BYTES, start, end, seed);
      n += 1;
      if (isNumber(token)) {
        out[n] = murmur3Bytes(BYTES, start - 1, end, seed);
        n += 1;
      }
    }
    IDS[t] = id;
  }
  if (ids.size > MAX_PAIRED_TOKENS) return fallback(tokens, seed, out);
  const pairs = new Set<number>();
  for (let t = 0; t + 1 < tokens.length; t += 1) {
    const a = IDS[t] as number;
    const b = IDS[t + 1] as number;
    const key = a * 65536 + b;
    if (pairs.has(key)) continue;
    pairs.add(key);
    const aStart = STARTS[a] as number;
    const aEnd = ENDS[a] as number;
    const bStart = STARTS[b] as number;
    const bEnd = ENDS[b] as number;
    const length = aEnd - aStart + 1 + bEnd - bStart;
    if (BYTES.length < p + length) {
      const bytes = new Uint8Array(2 * (p + length));
      bytes.set(BYTES.subarray(0, p));
      BYTES = bytes;
    }
    // Tokens are a few bytes: plain loops beat `copyWithin`.
    let q = p;
    for (let i = aStart; i < aEnd; i += 1, q += 1) BYTES[q] = BYTES[i] as number;
    BYTES[q] = SPACE;
    q += 1;
    for (let i = bStart; i < bEnd; i += 1, q += 1) BYTES[q] = BYTES[i] as number;
    out[n] = murmur3Bytes(BYTES, p, p + length, seed);
    n += 1;
  }
  return n;
}

function grown(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(2 * a.length);
  b.set(a);
  return b;
}

function fallback(tokens: readonly string[], seed: number, out: Uint32Array): number {
  const items = shingles([...tokens]);
  for (let k = 0; k < items.length; k += 1) out[k] = murmur3(items[k] as string, seed);
  return items.length;
}
