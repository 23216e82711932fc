import type { FeatureName } from './feature-names.ts';
import type { EvidenceSink } from './evidence.ts';
import type { FeatureEngineConfig } from './options.ts';
import { MINORS_CATEGORY } from './seller-events.ts';
import {
  DAY,
  NOTICE_AUTHORITY,
  NOTICE_TRUSTED,
  NOTICE_USER,
  T_ILLEGAL,
  type SellerState,
} from './seller-state.ts';

type Values = Record<FeatureName, number>;
type Pairs = Array<[number, string]>;

function popcount(v: number): number {
  let n = 0;
  for (let x = v; x !== 0; x &= x - 1) n += 1;
  return n;
}

/** Takedown and notice features; needs `listings_total` already set (for the rate). */
export function deriveTakedowns(
  state: SellerState,
  asOf: number,
  config: FeatureEngineConfig,
  values: Values,
  ev: EvidenceSink,
): void {
  const f = state.folded;
  let total = f?.takedowns ?? 0;
  let illegalTotal = f?.illegal ?? 0;
  let minors = f?.minors ?? 0;
  let categories = f?.categories ?? 0;
  let after = f?.afterSanction ?? 0;
  let last = f?.lastTakedownAt ?? -Infinity;
  let lastId = '';
  const windows = { d7: [] as Pairs, d30: [] as Pairs, d90: [] as Pairs, illegal90: [] as Pairs };
  const all: Pairs = [];
  const illegal: Pairs = [];
  const minorIds: Pairs = [];
  const afterIds: Pairs = [];
  const sanctionedAt = state.sanctionedAt;
  for (const t of state.takedowns ?? []) {
    if (t.at > asOf) continue;
    const pair: [number, string] = [t.at, t.listingId];
    const age = asOf - t.at;
    total += 1;
    all.push(pair);
    if (age < 7 * DAY) windows.d7.push(pair);
    if (age < 30 * DAY) windows.d30.push(pair);
    if (age < 90 * DAY) windows.d90.push(pair);
    if (t.bits & T_ILLEGAL) {
      illegalTotal += 1;
      illegal.push(pair);
      if (age < 90 * DAY) windows.illegal90.push(pair);
    }
    const category = t.bits & 15;
    categories |= 1 << category;
    if (category === MINORS_CATEGORY) {
      minors += 1;
      minorIds.push(pair);
    }
    if (t.at > sanctionedAt) {
      after += 1;
      afterIds.push(pair);
    }
    if (t.at >= last) {
      last = t.at;
      lastId = t.listingId;
    }
  }
  values.takedowns_7d = windows.d7.length;
  values.takedowns_30d = windows.d30.length;
  values.takedowns_90d = windows.d90.length;
  values.takedowns_total = total;
  values.takedowns_illegal_90d = windows.illegal90.length;
  values.takedowns_illegal_total = illegalTotal;
  values.takedown_categories_distinct = popcount(categories);
  values.takedowns_minors_total = minors;
  values.takedowns_after_sanction = after;
  values.days_since_last_takedown = Number.isFinite(last)
    ? Math.min(config.daysSinceCap, (asOf - last) / DAY)
    : config.daysSinceCap;
  const { alpha, beta } = config.takedownRatePrior;
  const listings = Math.max(values.listings_total, total);
  values.takedown_rate_smoothed = (total + alpha) / (listings + alpha + beta);

  ev.add('takedowns_7d', { listings: windows.d7 });
  ev.add('takedowns_30d', { listings: windows.d30 });
  ev.add('takedowns_90d', { listings: windows.d90 });
  ev.add('takedowns_total', { listings: all });
  ev.add('takedowns_illegal_90d', { listings: windows.illegal90 });
  ev.add('takedowns_illegal_total', { listings: illegal });
  ev.add('takedown_categories_distinct', { listings: all });
  ev.add('takedowns_minors_total', { listings: minorIds });
  if (after > 0) {
    ev.add('takedowns_after_sanction', {
      listings: afterIds,
      detail: `first sanction at ${new Date(sanctionedAt).toISOString()}`,
    });
  }
  if (lastId !== '') ev.add('days_since_last_takedown', { listings: [[last, lastId]] });
  if (total > 0) {
    ev.add('takedown_rate_smoothed', {
      detail: `${total} takedowns / ${listings} listings, prior alpha=${alpha} beta=${beta}`,
    });
  }

  const notices: [number, number, number] = [
    f?.notices[NOTICE_TRUSTED] ?? 0,
    f?.notices[NOTICE_USER] ?? 0,
    f?.notices[NOTICE_AUTHORITY] ?? 0,
  ];
  const noticeIds: [Pairs, Pairs, Pairs] = [[], [], []];
  for (const n of state.notices ?? []) {
    if (n.at > asOf) continue;
    notices[n.type] = (notices[n.type] as number) + 1;
    if (n.listingId !== '') (noticeIds[n.type] as Pairs).push([n.at, n.listingId]);
  }
  values.notices_trusted_total = notices[NOTICE_TRUSTED];
  values.notices_user_total = notices[NOTICE_USER];
  values.notices_authority_total = notices[NOTICE_AUTHORITY];
  ev.add('notices_trusted_total', { listings: noticeIds[NOTICE_TRUSTED] });
  ev.add('notices_user_total', { listings: noticeIds[NOTICE_USER] });
  ev.add('notices_authority_total', { listings: noticeIds[NOTICE_AUTHORITY] });
}
