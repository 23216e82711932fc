/**
 * Cross-seller facts (identifier links, platform-wide taken-down listings) must stay correct when
 * several instances split the Kafka partitions, so they go through the store: before a batch the
 * engine says what it needs (`CrossSellerRequest`), the pipeline answers from the store
 * (`CrossSellerLookups`), and after the batch the engine hands over the facts the store must keep
 * (`CrossSellerFacts`). `createInMemoryCrossSellerIndex()` answers the same requests from the
 * facts of one engine, for tests and single-instance replay. See docs/features.md.
 */

export const IDENTIFIER_KINDS = ['email_hash', 'phone_hash', 'device_hash', 'payout_hash'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

/** The sanctions that make a linked account a ban-evasion lead (warnings do not). */
export type LinkSanction = 'suspension' | 'termination';

/** A listing's comparable content: no text, only its sketch and image hashes. */
export interface ListingFingerprint {
  sellerId: string;
  listingId: string;
  /** Event time (ms): publication for a published listing, takedown for a taken-down one. */
  at: number;
  /**
   * b-bit MinHash: `numHashes` values 0..255, the low byte of each MinHash slot of the
   * normalised title + description. Empty when the text has no shingle. A full 32-bit
   * signature is accepted too (the engine keeps the low bytes).
   */
  signature: Uint32Array;
  /** LSH band keys of `signature` (in facts; the store indexes them). */
  bandKeys?: string[];
  /** Perceptual image hashes, lower case, sorted, deduplicated. */
  imageHashes: string[];
  /** Distinct shingles of the text, and an estimate of the title's (for edit change ratios). */
  shingles?: number;
  titleShingles?: number;
}

export interface CrossSellerRequest {
  /** Identifier hashes of sellers registered in the batch: who else holds them? */
  identifierHashes: string[];
  /** Sellers suspended or terminated in the batch: who shares an identifier with them? */
  sanctionedSellerIds: string[];
  /**
   * Listings published in the batch: taken-down listings of any seller sharing a band key or an
   * image (exact, or near within `imageNearFraction`), taken down in [at − windowMs, at).
   */
  newListings: ListingFingerprint[];
  /**
   * Listings taken down in the batch whose content is known: listings of any seller published
   * in (at, at + windowMs] sharing a band key or an image.
   */
  takedowns: ListingFingerprint[];
  /** Latest published fingerprint of these listings (their content is no longer in memory). */
  fingerprintsOf: Array<{ sellerId: string; listingId: string }>;
  windowMs: number;
  imageNearFraction: number;
}

export interface CrossSellerLookups {
  /** (hash, holder) pairs: every holder of the requested hashes, and every hash of the
   * requested sanctioned sellers with all its holders. */
  identifiers: Array<{ hash: string; sellerId: string; kind?: IdentifierKind }>;
  /** Suspensions and terminations of every seller named in `identifiers`. */
  sanctions: Array<{ sellerId: string; action: LinkSanction; at: number }>;
  /** Candidates for `newListings` (the engine checks windows and similarity itself). */
  takenDown: ListingFingerprint[];
  /** Candidates for `takedowns`. */
  published: ListingFingerprint[];
  /** Answers to `fingerprintsOf` (`at` = publication time). */
  fingerprints: ListingFingerprint[];
}

/** What the store (or the in-memory index) must keep from a batch. */
export interface CrossSellerFacts {
  identifiers: Array<{ sellerId: string; hash: string; kind: IdentifierKind; at: number }>;
  sanctions: Array<{ sellerId: string; action: LinkSanction; at: number }>;
  /** Fingerprints of listings published in the batch (`at` = publication). */
  published: ListingFingerprint[];
  /** Fingerprints of listings whose takedown became known with content (`at` = takedown). */
  takenDown: ListingFingerprint[];
}

/** Answers cross-seller requests: the store in production, the in-memory index standalone. */
export interface CrossSellerIndex {
  answer(request: CrossSellerRequest): CrossSellerLookups;
  record(facts: CrossSellerFacts): void;
}

/**
 * Fingerprints the engine builds carry its compact content under this key, so an in-process
 * index can keep it without converting to and from the exchange form. Not part of the contract.
 */
export const COMPACT = Symbol('vigie.compactContent');
export interface CompactContent {
  sketch: string;
  images: string;
}

export function withCompact(fp: ListingFingerprint, content: CompactContent): ListingFingerprint {
  (fp as ListingFingerprint & { [COMPACT]?: CompactContent })[COMPACT] = content;
  return fp;
}

/** The compact content of a fingerprint the engine built, if it is one. */
export function compactOf(fp: ListingFingerprint): CompactContent | undefined {
  return (fp as ListingFingerprint & { [COMPACT]?: CompactContent })[COMPACT];
}

/**
 * What an in-process index already counted when it answered `newListings`: per new listing of
 * the request, the taken-down candidates it met (indices into `takenDown`), with the bands each
 * shares (0 when fewer than `MIN_SHARED_BANDS`: met by image only) and its image reuse (0–2).
 * `crossMatchListings` takes these pairs instead of indexing and counting the candidates again.
 * Rides on the lookups under `COUNTED` (not enumerable); not part of the contract.
 */
export interface CountedPairs {
  /** Bands, image near fraction and window of the count: usable only if they are the engine's. */
  bands: number;
  nearFraction: number;
  windowMs: number;
  /** The request's `newListings`. */
  newListings: readonly ListingFingerprint[];
  /** Pairs of new listing `j`: `start[j]` to `start[j + 1]` (exclusive). */
  start: Int32Array;
  taken: Int32Array;
  shared: Uint16Array;
  image: Uint8Array;
}

export const COUNTED = Symbol('vigie.countedPairs');

export function withCounted(lookups: CrossSellerLookups, pairs: CountedPairs): CrossSellerLookups {
  Object.defineProperty(lookups, COUNTED, { value: pairs, enumerable: false });
  return lookups;
}

export function countedOf(lookups: CrossSellerLookups): CountedPairs | undefined {
  return (lookups as CrossSellerLookups & { [COUNTED]?: CountedPairs })[COUNTED];
}

export function emptyLookups(): CrossSellerLookups {
  return { identifiers: [], sanctions: [], takenDown: [], published: [], fingerprints: [] };
}

/**
 * Shared bands a cross-seller candidate needs before its similarity is computed (the
 * in-memory index answers only such candidates, or image reuse). A re-list
 * (J ≥ 0.75) shares on average 32 · J⁴ ≈ 10 of 32 bands and fewer than 3 with probability
 * ≈ 0.001; an ordinary same-product neighbour (J ≈ 0.4) shares 3 with probability ≈ 0.05.
 */
export const MIN_SHARED_BANDS = 3;
