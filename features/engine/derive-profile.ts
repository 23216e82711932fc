import { jensenShannon } from '../text/index.ts';
import type { CategoryPrices } from './category-prices.ts';
import type { EvidenceSink } from './evidence.ts';
import type { FeatureName } from './feature-names.ts';
import { DRIFT_BUCKETS } from './listing-text.ts';
import type { FeatureEngineConfig } from './options.ts';
import {
  DAY,
  F_CODED,
  L_CATEGORY,
  L_FLAGS,
  L_LOG_PRICE,
  L_OBFUSCATION,
  L_PUBLISHED,
  type SellerState,
} from './seller-state.ts';

type Values = Record<FeatureName, number>;
type Pairs = Array<[number, string]>;

function addMask(counts: number[], blob: string): void {
  for (let b = 0; b < DRIFT_BUCKETS; b += 1) {
    if ((blob.charCodeAt(b >> 3) >> (b & 7)) & 1) counts[b] = (counts[b] as number) + 1;
  }
}

function toMap(counts: number[]): Map<string, number> {
  const map = new Map<string, number>();
  counts.forEach((c, b) => {
    if (c > 0) map.set(String(b), c);
  });
  return map;
}

function median(sorted: number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Wording features and context (account, volume, velocity, price). */
export function deriveProfile(
  state: SellerState,
  asOf: number,
  config: FeatureEngineConfig,
  prices: CategoryPrices,
  values: Values,
  ev: EvidenceSink,
): void {
  const f = state.folded;
  const recentStart = asOf - config.recentDays * DAY;
  const driftStart = asOf - config.driftRecentDays * DAY;
  const recentDrift = new Array<number>(DRIFT_BUCKETS).fill(0);
  const history = new Array<number>(DRIFT_BUCKETS).fill(0);
  let historyListings = f?.driftListings ?? 0;
  for (let b = 0; b < DRIFT_BUCKETS && f !== null && f.drift.length > 0; b += 1) {
    history[b] = f.drift.charCodeAt(b);
  }
  let recentListings = 0;
  let driftListings = 0;
  let obfMax = 0;
  let obfMaxId: [number, string] | undefined;
  let obfSum = 0;
  let coded = 0;
  const codedIds: Pairs = [];
  const obfuscatedIds: Pairs = [];
  let obfuscated = f?.obfuscated ?? 0;
  let listingsTotal = f?.listings ?? 0;
  const ratios: number[] = [];
  for (let i = 0; i < state.ids.length; i += 1) {
    const at = state.get(i, L_PUBLISHED);
    if (at > asOf) continue;
    const id = state.ids[i] as string;
    const obf = state.get(i, L_OBFUSCATION);
    listingsTotal += 1;
    if (obf >= config.obfuscationThreshold) {
      obfuscated += 1;
      obfuscatedIds.push([obf, id]);
    }
    if (at > driftStart) {
      addMask(recentDrift, state.blobs[i] as string);
      driftListings += 1;
    } else {
      addMask(history, state.blobs[i] as string);
      historyListings += 1;
    }
    if (at <= recentStart) continue;
    recentListings += 1;
    obfSum += obf;
    if (obf > obfMax) {
      obfMax = obf;
      obfMaxId = [at, id];
    }
    if (state.get(i, L_FLAGS) & F_CODED) {
      coded += 1;
      codedIds.push([at, id]);
    }
    const logMedian = prices.logMedian(state.get(i, L_CATEGORY));
    if (!Number.isNaN(logMedian)) ratios.push(state.get(i, L_LOG_PRICE) - logMedian);
  }
  values.obfuscation_max = obfMax;
  values.obfuscation_mean = recentListings === 0 ? 0 : obfSum / recentListings;
  values.obfuscated_listings = obfuscated;
  values.coded_terms_share = recentListings === 0 ? 0 : coded / recentListings;
  values.wording_drift_jsd =
    driftListings >= config.driftMinRecent && historyListings >= config.driftMinHistory
      ? jensenShannon(toMap(recentDrift), toMap(history))
      : 0;
  if (obfMaxId !== undefined) ev.add('obfuscation_max', { listings: [obfMaxId] });
  ev.add('obfuscated_listings', { listings: obfuscatedIds });
  ev.add('coded_terms_share', { listings: codedIds });
  if (values.wording_drift_jsd > 0) {
    ev.add('wording_drift_jsd', {
      detail: `${driftListings} listings of the last ${config.driftRecentDays} days vs ${historyListings} earlier`,
    });
  }

  const origin = Math.min(state.registeredAt, state.firstSeen);
  values.account_age_days = Number.isFinite(origin) ? Math.max(0, (asOf - origin) / DAY) : 0;
  values.listings_total = listingsTotal;
  const today = Math.floor(asOf / DAY);
  let week = 0;
  let quarter = 0;
  for (const packed of state.days) {
    const day = Math.floor(packed / 65536);
    if (day > today) continue;
    const count = packed % 65536;
    if (day > today - 7) week += count;
    if (day > today - 90) quarter += count;
  }
  values.listings_7d = week;
  // The seller's own long-run daily rate, over the days it has existed (7..90): a new seller's
  // first week is its baseline, not a burst. +1 smooths sellers with almost no listings.
  const span = Number.isFinite(origin)
    ? Math.min(90, Math.max(7, today - Math.floor(origin / DAY) + 1))
    : 90;
  values.listing_velocity_ratio = (week + 1) / ((7 * quarter) / span + 1);
  ratios.sort((a, b) => a - b);
  values.price_vs_category_median = ratios.length === 0 ? 0 : median(ratios);
}
