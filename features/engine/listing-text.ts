import {
  assertAnalyserSettings,
  bandKeys,
  createTextAnalyser,
  murmur3,
  type TextAnalyser,
} from '../text/index.ts';
import type { CodedTermMatcher } from './coded-terms.ts';

/** Drift buckets: comparison tokens are hashed into 128 buckets (a 16-byte presence mask). */
export const DRIFT_BUCKETS = 128;
export const MASK_CHARS = DRIFT_BUCKETS / 8;
const DRIFT_SEED = 0xd21f7;

/** What the engine keeps of a text: no words, only sketches and scores. */
export interface TextFacts {
  /**
   * b-bit MinHash (Li & König): the low 8 bits of each MinHash slot, one char per slot (a
   * binary string: compact in V8 and immutable). '' when the text has no shingle.
   */
  sketch: string;
  /** Distinct shingles (uni- and bigrams) of the text. */
  shingles: number;
  /** 0..1 (features/text): how much normalisation had to undo. */
  obfuscation: number;
  /** Contains a coded-vocabulary term. */
  coded: boolean;
  /** Presence mask of the hashed comparison tokens (drift). */
  mask: string;
}

export interface ListingTexter {
  readonly numHashes: number;
  /** Facts of a text; `owner` (its event) lets a shared text analyser reuse an earlier analysis. */
  facts(text: string, owner?: object): TextFacts;
  /** LSH band keys of a sketch (features/text `bandKeys` over the b-bit slots), for the store. */
  bandKeys(sketch: string): string[];
  /**
   * The same bands as 32-bit codes, for in-memory candidate search (band b at index b): its rows
   * packed exactly when they fit (4 rows of 8 bits), else hashed (FNV-1a). Signed, so V8 keeps
   * them as small integers. One array reused by every call: valid until the next.
   */
  bandCodes(sketch: string): Int32Array;
}

export function createListingTexter(options: {
  numHashes: number;
  bands: number;
  seed: number;
  coded: CodedTermMatcher;
  /** Shared with the pipeline's `listing_texts` rows (same MinHash settings); default: own. */
  analyser?: TextAnalyser;
}): ListingTexter {
  const settings = { numHashes: options.numHashes, seed: options.seed };
  // An own analyser is used by this texter only: the engine's per-batch cache is enough.
  const analyser = options.analyser ?? createTextAnalyser({ ...settings, byOwner: false });
  assertAnalyserSettings(analyser, settings);
  // Scratch codes reused by every text: plain arrays of small integers, which a spread into
  // `String.fromCharCode` passes without copying (a typed array would be iterated into a list).
  const mask = new Array<number>(MASK_CHARS).fill(0);
  const codes = new Array<number>(options.numHashes).fill(0);
  // A small typed array costs more to allocate than to fill: one for every `bandCodes` call.
  const bands = new Int32Array(options.bands);
  return {
    numHashes: options.numHashes,
    facts(text, owner) {
      const a = analyser.analyse(text, owner);
      mask.fill(0);
      const tokens = a.tokens;
      for (let t = 0; t < tokens.length; t += 1) {
        const b = murmur3(tokens[t] as string, DRIFT_SEED) & (DRIFT_BUCKETS - 1);
        mask[b >> 3] = (mask[b >> 3] as number) | (1 << (b & 7));
      }
      let sketch = '';
      if (a.shingles !== 0) {
        const sig = a.signature;
        for (let i = 0; i < codes.length; i += 1) codes[i] = (sig[i] as number) & 0xff;
        sketch = String.fromCharCode(...codes);
      }
      return {
        sketch,
        shingles: a.shingles,
        obfuscation: a.obfuscation,
        coded: options.coded(a.tokens),
        mask: String.fromCharCode(...mask),
      };
    },
    bandKeys(sketch) {
      return bandKeys(signatureOf(sketch), options.bands);
    },
    bandCodes(sketch) {
      return bandCodes(sketch, options.bands, bands);
    },
  };
}

/** See `ListingTexter.bandCodes`; into `out` (`bands` long) when given. */
export function bandCodes(
  sketch: string,
  bands: number,
  out: Int32Array = new Int32Array(bands),
): Int32Array {
  const rows = sketch.length / bands;
  // One loop per form, so the choice is not made again for every row.
  if (rows <= 4) {
    for (let b = 0; b < bands; b += 1) {
      let h = 0;
      for (let r = b * rows; r < (b + 1) * rows; r += 1) h = (h << 8) | sketch.charCodeAt(r);
      out[b] = h;
    }
    return out;
  }
  for (let b = 0; b < bands; b += 1) {
    let h = 0x811c9dc5;
    for (let r = b * rows; r < (b + 1) * rows; r += 1) {
      h = Math.imul(h ^ sketch.charCodeAt(r), 0x01000193);
    }
    out[b] = h;
  }
  return out;
}

/** A sketch as the b-bit signature exchanged with the store (`Uint32Array` of values 0..255). */
export function signatureOf(sketch: string): Uint32Array {
  const sig = new Uint32Array(sketch.length);
  for (let i = 0; i < sketch.length; i += 1) sig[i] = sketch.charCodeAt(i);
  return sig;
}

/** The sketch of a signature from the store or a lookup (full or already b-bit). */
export function sketchFromSignature(sig: ArrayLike<number>): string {
  const codes = new Array<number>(sig.length);
  for (let i = 0; i < sig.length; i += 1) codes[i] = (sig[i] as number) & 0xff;
  return String.fromCharCode(...codes);
}

/**
 * Estimated Jaccard similarity of two sketches. With b = 8 bits two different minima agree by
 * chance with probability 1/256, so the share of equal slots P gives J = (P − 1/256)/(1 − 1/256).
 * A text without shingles matches nothing.
 */
export function sketchSimilarity(a: string, b: string): number {
  if (a.length === 0 || a.length !== b.length) return 0;
  let equal = 0;
  for (let i = 0; i < a.length; i += 1) if (a.charCodeAt(i) === b.charCodeAt(i)) equal += 1;
  const p = equal / a.length;
  return Math.max(0, (p - 1 / 256) / (1 - 1 / 256));
}

const TITLE_WORD = /[\p{L}\p{N}]+/gu;

/** Rough shingle count of a title (uni- + bigrams of its words), for partial-edit estimates. */
export function titleShingleEstimate(title: string): number {
  // Counted with `test` (no array of matches); the regular expression is global, so reset.
  let words = 0;
  TITLE_WORD.lastIndex = 0;
  while (TITLE_WORD.test(title)) words += 1;
  return words === 0 ? 0 : 2 * words - 1;
}

/**
 * Text change of an edit against the listing's published version, estimated from sketches
 * because the engine keeps no text. With uni+bigram shingles, replacing c of n words changes
 * ≈3c of ≈2n shingles, so the token-level ratio (features/text `textChangeRatio`) is
 * ≈ (2/3)·(1 − J)/(1 + J). An edit of one field only replaces that field's shingles: its overlap
 * with the published text is recovered from their Jaccard and sizes, |F∩P| = J(|F|+|P|)/(1+J).
 */
export function estimateChangeRatio(
  ref: { sketch: string; shingles: number; titleShingles: number },
  edit: { sketch: string; shingles: number; fields: 'title' | 'description' | 'both' },
): number {
  if (ref.sketch === '' && edit.sketch === '') return 0;
  let j = sketchSimilarity(ref.sketch, edit.sketch);
  if (edit.fields !== 'both') {
    const p = ref.shingles;
    const f = edit.shingles;
    const old =
      edit.fields === 'title' ? Math.min(ref.titleShingles, p) : Math.max(0, p - ref.titleShingles);
    const common = Math.min(f, old, (j * (f + p)) / (1 + j));
    const removed = old - common;
    const added = f - common;
    j = p + added === 0 ? 1 : (p - removed) / (p + added);
  }
  return Math.min(1, ((2 / 3) * (1 - j)) / (1 + j));
}
