/**
 * The per-seller feature names: the contract between the engine, the store (`seller_features`
 * columns), the rules and the forest. Order is stable; append only (docs/architecture.md).
 */
export const FEATURE_NAMES = [
  // takedowns
  'takedowns_7d',
  'takedowns_30d',
  'takedowns_90d',
  'takedowns_total',
  'takedowns_illegal_90d',
  'takedowns_illegal_total',
  'takedown_categories_distinct',
  'takedowns_minors_total',
  'notices_trusted_total',
  'notices_authority_total',
  'notices_user_total',
  'takedown_rate_smoothed',
  'takedowns_after_sanction',
  'days_since_last_takedown',
  // re-listing
  'edits_after_takedown',
  'relists_own_7d',
  'relists_own_total',
  'relists_any_7d',
  'relist_best_similarity',
  'deletions_after_notice',
  'image_reuse_exact',
  'image_reuse_near',
  // wording
  'obfuscation_max',
  'obfuscation_mean',
  'obfuscated_listings',
  'wording_drift_jsd',
  'coded_terms_share',
  'low_change_edits_after_notice',
  // ban evasion
  'linked_sanctioned_sellers',
  'linked_terminated_sellers',
  // context
  'account_age_days',
  'listings_total',
  'listings_7d',
  'listing_velocity_ratio',
  'price_vs_category_median',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];
