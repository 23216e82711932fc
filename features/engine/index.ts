/**
 * The per-seller feature engine (issue 4): events in, features and their evidence out. Pure:
 * no I/O. See docs/features.md.
 */
export { createFeatureEngine } from './engine.ts';
export type { FeatureEngine, FeatureEngineOptions } from './engine.ts';
export { createInMemoryCrossSellerIndex } from './in-memory-index.ts';
export type {
  InMemoryCrossSellerIndex,
  InMemoryCrossSellerIndexOptions,
} from './in-memory-index.ts';
export { FEATURE_NAMES } from './feature-names.ts';
export type { FeatureName } from './feature-names.ts';
export { FeatureEngineConfigSchema, resolveConfig } from './options.ts';
export type { FeatureEngineConfig, FeatureEngineConfigInput } from './options.ts';
export { DEFAULT_CODED_TERMS } from './coded-terms.ts';
export { IDENTIFIER_KINDS, emptyLookups } from './cross-seller.ts';
export type {
  CrossSellerFacts,
  CrossSellerIndex,
  CrossSellerLookups,
  CrossSellerRequest,
  IdentifierKind,
  LinkSanction,
  ListingFingerprint,
} from './cross-seller.ts';
export type {
  AcceptedEvent,
  FeatureEngineStats,
  FeatureEvidence,
  FeatureEvidenceItem,
  SellerFeatures,
} from './types.ts';
