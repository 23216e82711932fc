import { VigieError } from '../../streams/errors.ts';
import { createMinHasher, type MinHasherOptions } from './minhash.ts';
import { normaliseText } from './normalise.ts';

/** Everything the engine and the stored `listing_texts` rows take from one listing text. */
export interface TextAnalysis {
  /** The text analysed. */
  readonly text: string;
  /** `NormalisedText.normalised`. */
  readonly normalised: string;
  /** `NormalisedText.tokens`: comparison tokens. */
  readonly tokens: readonly string[];
  /** `NormalisedText.obfuscation`. */
  readonly obfuscation: number;
  /** Distinct word shingles (`shingles(tokens)`); 0 for a text without any. */
  readonly shingles: number;
  /** Full 32-bit MinHash signature of the shingles (every slot 0xffffffff when there are none). */
  readonly signature: Uint32Array;
}

export interface TextAnalyser {
  readonly numHashes: number;
  readonly seed: number;
  /**
   * The analysis of `text`. With an `owner` (the event the text comes from), the result is
   * remembered for as long as the owner lives, so a second user of the same event and text (the
   * pipeline's `listing_texts` rows and the feature engine) gets it without normalising and
   * signing the text again. A different text for the same owner is analysed afresh.
   */
  analyse(text: string, owner?: object): TextAnalysis;
}

export interface TextAnalyserOptions extends MinHasherOptions {
  /**
   * Remember analyses by owner (default true). A user that never shares the analyser turns it
   * off: the WeakMap costs a little on every text and in every garbage collection.
   */
  byOwner?: boolean;
}

/**
 * One text analysis per listing version (issue 6): created once by the pipeline's wiring and
 * handed to every user, so each listing text is normalised, shingled and signed once. Memoised
 * per owner object in a WeakMap: no module state, and entries go with the events they belong to.
 */
export function createTextAnalyser(options: TextAnalyserOptions = {}): TextAnalyser {
  const hasher = createMinHasher(options);
  const remember = options.byOwner ?? true;
  const byOwner = new WeakMap<object, TextAnalysis>();

  function compute(text: string): TextAnalysis {
    const norm = normaliseText(text);
    const signed = hasher.signTokens(norm.tokens);
    return {
      text,
      normalised: norm.normalised,
      tokens: norm.tokens,
      obfuscation: norm.obfuscation,
      shingles: signed.shingles,
      signature: signed.signature,
    };
  }

  return {
    numHashes: hasher.numHashes,
    seed: hasher.seed,
    analyse(text, owner) {
      if (owner === undefined || !remember) return compute(text);
      const known = byOwner.get(owner);
      if (known !== undefined && known.text === text) return known;
      const analysis = compute(text);
      byOwner.set(owner, analysis);
      return analysis;
    },
  };
}

/** Throws unless `analyser` signs with these MinHash settings (stored and live signatures compare). */
export function assertAnalyserSettings(
  analyser: TextAnalyser,
  settings: { numHashes: number; seed: number },
): void {
  if (analyser.numHashes !== settings.numHashes || analyser.seed !== settings.seed) {
    throw new VigieError(
      'INVALID_CONFIG',
      `text analyser signs with ${analyser.numHashes} hashes and seed ${analyser.seed}, ` +
        `expected ${settings.numHashes} and ${settings.seed}`,
      {
        context: { ...settings, analyser: { numHashes: analyser.numHashes, seed: analyser.seed } },
      },
    );
  }
}
