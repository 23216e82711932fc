import type { CategoryPrices } from './category-prices.ts';
import { deriveProfile } from './derive-profile.ts';
import { deriveRelisting } from './derive-relisting.ts';
import { deriveTakedowns } from './derive-takedowns.ts';
import { EvidenceSink } from './evidence.ts';
import { FEATURE_NAMES, type FeatureName } from './feature-names.ts';
import type { FeatureEngineConfig } from './options.ts';
import { SellerState } from './seller-state.ts';
import type { SellerFeatures } from './types.ts';

const ZERO = Object.fromEntries(FEATURE_NAMES.map((n) => [n, 0])) as Record<FeatureName, number>;

/**
 * Derives every feature at read time from the seller's retained facts and folded counters,
 * with windows ending at `asOf` (event time). Reading never changes state.
 */
export function deriveFeatures(
  state: SellerState | undefined,
  sellerId: string,
  asOf: number,
  config: FeatureEngineConfig,
  prices: CategoryPrices,
): SellerFeatures {
  const values = { ...ZERO };
  const ev = new EvidenceSink(config.maxEvidence);
  const s = state ?? new SellerState(sellerId);
  deriveProfile(s, asOf, config, prices, values, ev);
  deriveTakedowns(s, asOf, config, values, ev);
  deriveRelisting(s, asOf, config, values, ev);
  return { sellerId, asOf, values, evidence: ev.build() };
}
