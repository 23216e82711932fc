import type { ListingEdited, ListingPublished } from '../../streams/contract/index.ts';
import type { CategoryPrices } from './category-prices.ts';
import type { CrossSellerFacts, ListingFingerprint } from './cross-seller.ts';
import type { ListingTexter, TextFacts } from './listing-text.ts';
import type { FeatureEngineConfig } from './options.ts';
import type { ListingContent, SellerState, TakedownEntry } from './seller-state.ts';

/** Engine-wide, long-lived dependencies of the per-seller logic. */
export interface EngineEnv {
  config: FeatureEngineConfig;
  texter: ListingTexter;
  prices: CategoryPrices;
  /**
   * Text facts of a listing event of the batch in hand (its `title\ndescription`, a missing
   * field as ''), computed once for lookups and apply: the text is only built on a miss.
   */
  textOf(event: ListingPublished | ListingEdited): TextFacts;
  /** `encodeImages` of a publication's image hashes, likewise computed once per batch. */
  imagesOf(event: ListingPublished): string;
}

/** What one `apply` call collects for the cross-seller step and the store. */
export interface BatchContext {
  /** Fingerprints answered by the lookups, by `sellerId \0 listingId`. */
  fingerprints: Map<string, ListingFingerprint>;
  published: Array<{ state: SellerState; listingId: string; at: number; content: ListingContent }>;
  takenDown: Array<{ state: SellerState; entry: TakedownEntry }>;
  facts: CrossSellerFacts;
}

export const listingKey = (sellerId: string, listingId: string): string =>
  `${sellerId}\u0000${listingId}`;
