import type { MarketplaceEvent } from '../../streams/contract/index.ts';
import type { FeatureName } from './feature-names.ts';

/**
 * A contract event as the engine takes it. Structurally a subset of the pipeline's accepted
 * event, so the pipeline can hand its own objects over unchanged.
 */
export interface AcceptedEvent {
  event: MarketplaceEvent;
  /** Arrival time at Vigie (ms since the epoch). Not used by any feature: windows run on event time. */
  receivedAt: number;
}

/** The facts behind one feature, for explanations. Lists are bounded (`maxEvidence`). */
export interface FeatureEvidenceItem {
  listing_ids?: string[];
  linked_seller_ids?: string[];
  detail?: string;
}

export interface FeatureEvidence {
  /** Union of the listing ids of every feature's evidence, bounded. */
  listing_ids: string[];
  /** Union of the linked seller ids of every feature's evidence, bounded. */
  linked_seller_ids: string[];
  by_feature: Partial<Record<FeatureName, FeatureEvidenceItem>>;
}

export interface SellerFeatures {
  sellerId: string;
  /** Event time (ms) the windows end at. */
  asOf: number;
  values: Record<FeatureName, number>;
  evidence: FeatureEvidence;
}

/** Counters for monitoring and the memory benchmark. */
export interface FeatureEngineStats {
  sellers: number;
  /** Events that changed some state. */
  applied: number;
  /** Events that changed nothing: duplicates and re-applied events. */
  unchanged: number;
  /** Events at or before their seller's fold frontier, treated as already folded (see docs). */
  beyondFrontier: number;
  /** Engine event-time watermark: the largest `occurred_at` seen (ms), -Infinity before any. */
  watermark: number;
  retained: {
    listings: number;
    sketches: number;
    takedowns: number;
    notices: number;
    edits: number;
    deletions: number;
    matches: number;
    links: number;
  };
  categories: number;
}
