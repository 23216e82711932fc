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
  for (let byte = 0; byte < DRIFT_BUCKETS / 8; byte += 1) {
    const bits = blob.charCodeAt(byte);
    if (bits === 0) continue;
    for (let k = 0; k < 8; k += 1) {
      if ((bits >> k) & 1) counts[byte * 8 + k] = (counts[byte * 8 + k] as number) + 1;
    }
  }
}

/**
 * Jensen–Shannon divergence (base 2, 0..1) of two bucket histograms, as features/text
 * `jensenShannon` computes it for token maps; here on fixed buckets, in bucket order.
 */
function jensenShannonBuckets(p: number[], q: number[]): number {
  let sp = 0;
  let sq = 0;
  for (let b = 0; b < p.length; b += 1) {
    sp += p[b] as number;
    sq += q[b] as number;
  }
  if (sp === 0 && sq === 0) return 0;
  if (sp === 0 || sq === 0) return 1;
  let sum = 0;
  for (let b = 0; b < p.length; b += 1) {
    const x = (p[b] as number) / sp;
    const y = (q[b] as number) / sq;
    const m = (x + y) / 2;
    if (x > 0) sum += x * Math.log2(x / m);
    if (y > 0) sum += y * Math.log2(y / m);
  }
  return Math.min(1, Math.max(0, sum / 2));
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
      ? jensenShannonBuckets(recentDrift, history)
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
  // The seller's own long-run daily rate, over the days since its first listing we saw (7..90):
  // a new seller's first week is its baseline, not a burst, and an old account whose history
  // predates our data is not diluted by days we never observed. +1 smooths tiny sellers.
  const first = state.firstListedAt;
  const span = Number.isFinite(first)
    ? Math.min(90, Math.max(7, today - Math.floor(first / DAY) + 1))
    : 90;
  values.listing_velocity_ratio = (week + 1) / ((7 * quarter) / span + 1);
  ratios.sort((a, b) => a - b);
  values.price_vs_category_median = ratios.length === 0 ? 0 : median(ratios);
}
