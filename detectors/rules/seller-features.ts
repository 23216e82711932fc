import type { FeatureName } from './feature-names.ts';

/** The listings and sellers behind one feature's value. */
export interface FeatureEvidence {
  listing_ids?: readonly string[];
  linked_seller_ids?: readonly string[];
}

/**
 * One seller's features as the feature engine gives them (`engine.features(sellerId, asOf)`):
 * a value per feature and the evidence behind them. Structural, so the engine's own type fits.
 */
export interface SellerFeatureSet {
  values: Readonly<Record<FeatureName, number>>;
  evidence: {
    listing_ids: readonly string[];
    linked_seller_ids: readonly string[];
    by_feature: Readonly<Partial<Record<FeatureName, FeatureEvidence>>>;
  };
}
