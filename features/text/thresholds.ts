/**
 * Estimated Jaccard similarity (word uni+bigram shingles, 128-hash MinHash) at or above which a
 * new listing is a re-list of an older one. Obfuscated re-lists score ≈1 after normalisation and
 * a re-list with one word added ≈0.8; honest neighbours that differ in one model number or size
 * (`iphone 12 pro …` vs `iphone 13 pro …`) sit near 0.6–0.67, ~2σ of MinHash error below.
 */
export const RELIST_SIMILARITY_THRESHOLD = 0.75;

/**
 * Obfuscation score from which a listing counts as obfuscated: one disguised character in a
 * 40-letter title (≈0.025) already qualifies, honest text scores exactly 0.
 */
export const OBFUSCATION_THRESHOLD = 0.02;

/**
 * Hamming distance (bits of 256) under which two PDQ hashes show the same picture: the PDQ
 * authors' recommended match threshold.
 */
export const PDQ_NEAR_DISTANCE = 31;
