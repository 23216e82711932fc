/**
 * Evasive-wording toolkit (issue 4): text normalisation with an obfuscation score, comparison
 * tokens, MinHash + LSH near-duplicate search, perceptual image-hash matching and divergence
 * helpers. Pure: no I/O. See docs/features-text.md.
 */
export { normaliseText } from './normalise.ts';
export type { NormalisedText, ObfuscationSignals } from './normalise.ts';
export { shingles, DEFAULT_SHINGLE_SIZE } from './shingles.ts';
export { createTextAnalyser, assertAnalyserSettings } from './analyser.ts';
export type { TextAnalysis, TextAnalyser, TextAnalyserOptions } from './analyser.ts';
export {
  createMinHasher,
  estimateJaccard,
  isEmptySignature,
  DEFAULT_NUM_HASHES,
  DEFAULT_MINHASH_SEED,
} from './minhash.ts';
export type { MinHasher, MinHasherOptions } from './minhash.ts';
export { createLshIndex, DEFAULT_BANDS } from './lsh-index.ts';
export type { LshIndex, LshIndexOptions, SimilarEntry } from './lsh-index.ts';
export { bandKeys } from './band-keys.ts';
export { hammingHex, createImageHashIndex } from './image-hash.ts';
export type { ImageHashIndex, ImageHashIndexOptions, ImageHashMatch } from './image-hash.ts';
export { tokenDistribution, jensenShannon, textChangeRatio } from './divergence.ts';
export { murmur3 } from './murmur3.ts';
export { CONFUSABLES_UNICODE_VERSION } from './confusables.ts';
export {
  RELIST_SIMILARITY_THRESHOLD,
  OBFUSCATION_THRESHOLD,
  PDQ_NEAR_DISTANCE,
} from './thresholds.ts';
