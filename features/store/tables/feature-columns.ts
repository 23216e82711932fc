import { FEATURE_NAMES } from '../../engine/index.ts';

/**
 * Feature names (docs/architecture.md), one Float64 column each in `seller_features`, in the
 * engine's order: the engine's list is the single source (append only; a new name needs a
 * migration adding its column).
 */
export const FEATURE_COLUMNS = FEATURE_NAMES;

export type FeatureColumn = (typeof FEATURE_COLUMNS)[number];

/** Column comments: what each feature measures, for analysts reading the schema. */
export const FEATURE_COMMENTS: Record<FeatureColumn, string> = {
  takedowns_7d: 'Listings of the seller taken down in the 7 days before as_of.',
  takedowns_30d: 'Listings of the seller taken down in the 30 days before as_of.',
  takedowns_90d: 'Listings of the seller taken down in the 90 days before as_of.',
  takedowns_total: 'Listings of the seller taken down, all time up to as_of.',
  takedowns_illegal_90d: 'Takedowns on DECISION_GROUND_ILLEGAL_CONTENT in the last 90 days.',
  takedowns_illegal_total: 'Takedowns on DECISION_GROUND_ILLEGAL_CONTENT, all time.',
  takedown_categories_distinct: 'Distinct DSA statement categories among the seller takedowns.',
  takedowns_minors_total: 'Takedowns in STATEMENT_CATEGORY_PROTECTION_OF_MINORS, all time.',
  notices_trusted_total: 'Notices from trusted flaggers (DSA art. 22) about the seller.',
  notices_authority_total: 'Notices or orders from authorities about the seller.',
  notices_user_total: 'Notices from ordinary users (DSA art. 16) about the seller.',
  takedown_rate_smoothed: 'Takedowns per published listing, smoothed towards the platform rate.',
  takedowns_after_sanction: 'Takedowns that happened after the seller was sanctioned.',
  days_since_last_takedown: 'Days between the last takedown and as_of (see docs/features.md).',
  edits_after_takedown: 'Edits made to listings after they were taken down.',
  relists_own_7d: 'Near-duplicates of the seller own taken-down listings published in 7 days.',
  relists_own_total: 'Near-duplicates of the seller own taken-down listings, all time.',
  relists_any_7d: 'Near-duplicates of any seller taken-down listing published in 7 days.',
  relist_best_similarity: 'Highest text similarity (0-1) of a listing to a taken-down listing.',
  deletions_after_notice: 'Listings the seller withdrew shortly after a notice about them.',
  image_reuse_exact: 'Listings reusing an image hash of a taken-down listing exactly.',
  image_reuse_near: 'Listings reusing a near-identical image of a taken-down listing.',
  obfuscation_max: 'Highest obfuscation score (0-1) among the seller listings.',
  obfuscation_mean: 'Mean obfuscation score (0-1) of the seller listings.',
  obfuscated_listings: 'Listings whose obfuscation score is above the threshold.',
  wording_drift_jsd: 'Jensen-Shannon divergence of wording before vs after the first takedown.',
  coded_terms_share: 'Share of listings using known coded terms.',
  low_change_edits_after_notice: 'Small edits (wording tweaks) made after a notice.',
  linked_sanctioned_sellers: 'Sanctioned sellers sharing a hashed identifier with this seller.',
  linked_terminated_sellers: 'Terminated sellers sharing a hashed identifier with this seller.',
  account_age_days: 'Days between seller.registered and as_of.',
  listings_total: 'Listings published by the seller, all time.',
  listings_7d: 'Listings published by the seller in the 7 days before as_of.',
  listing_velocity_ratio: 'Listings in the last 7 days relative to the seller usual weekly rate.',
  price_vs_category_median: 'Median ratio of the seller prices to their category median prices.',
};
