import {
  isAnyRelist,
  isDeletionAfterNotice,
  isEditAfterTakedown,
  isLowChangeAfterNotice,
  isOwnRelist,
} from './evaluate.ts';
import type { EvidenceSink } from './evidence.ts';
import type { FeatureName } from './feature-names.ts';
import type { FeatureEngineConfig } from './options.ts';
import { DAY, type SellerState } from './seller-state.ts';

type Values = Record<FeatureName, number>;
type Pairs = Array<[number, string]>;

/** Re-listing, edit and deletion features, and ban-evasion links. */
export function deriveRelisting(
  state: SellerState,
  asOf: number,
  config: FeatureEngineConfig,
  values: Values,
  ev: EvidenceSink,
): void {
  const f = state.folded;
  const editsAfter: Pairs = [];
  const lowChange: Pairs = [];
  for (const e of state.edits ?? []) {
    if (e.at > asOf) continue;
    if (isEditAfterTakedown(state, e)) editsAfter.push([e.at, e.listingId]);
    if (isLowChangeAfterNotice(state, e, config)) lowChange.push([e.at, e.listingId]);
  }
  values.edits_after_takedown = (f?.editsAfterTakedown ?? 0) + editsAfter.length;
  values.low_change_edits_after_notice = (f?.lowChangeEdits ?? 0) + lowChange.length;
  ev.add('edits_after_takedown', { listings: editsAfter });
  ev.add('low_change_edits_after_notice', { listings: lowChange });

  const deletions: Pairs = [];
  for (const d of state.deletions ?? []) {
    if (d.at <= asOf && isDeletionAfterNotice(state, d, config))
      deletions.push([d.at, d.listingId]);
  }
  values.deletions_after_notice = (f?.deletionsAfterNotice ?? 0) + deletions.length;
  ev.add('deletions_after_notice', { listings: deletions });

  // Matches: distinct new listings per feature (a listing may resemble several removed ones).
  const own = new Map<string, Pairs>();
  const any = new Map<string, Pairs>();
  const anySellers: Pairs = [];
  const exact = new Map<string, Pairs>();
  const near = new Map<string, Pairs>();
  const nearSellers: Pairs = [];
  const exactSellers: Pairs = [];
  let best = f?.bestSimilarity ?? 0;
  let bestDetail = '';
  const windowStart = asOf - 7 * DAY;
  // The new listing first, then the taken-down listing(s) it resembles.
  const push = (map: Map<string, Pairs>, at: number, id: string, other: [number, string]): void => {
    const list = map.get(id);
    if (list === undefined) map.set(id, [[at, id], other]);
    else list.push(other);
  };
  for (const m of state.matches ?? []) {
    if (m.at > asOf) continue;
    const foreign = m.otherSellerId !== state.id;
    const removed: [number, string] = [m.takenDownAt, m.otherListingId];
    if (isOwnRelist(state, m, config)) push(own, m.at, m.listingId, removed);
    if (m.at > windowStart && isAnyRelist(m, config)) {
      push(any, m.at, m.listingId, removed);
      if (foreign) anySellers.push([m.at, m.otherSellerId]);
    }
    if (m.image === 2) {
      push(exact, m.at, m.listingId, removed);
      if (foreign) exactSellers.push([m.at, m.otherSellerId]);
    }
    if (m.image === 1) {
      push(near, m.at, m.listingId, removed);
      if (foreign) nearSellers.push([m.at, m.otherSellerId]);
    }
    if (m.similarity > best || (m.similarity === best && bestDetail === '')) {
      best = m.similarity;
      bestDetail =
        `listing ${m.listingId} resembles ${foreign ? 'another seller’s' : 'the seller’s own'} ` +
        `listing ${m.otherListingId} taken down ${((m.at - m.takenDownAt) / DAY).toFixed(1)} ` +
        `days before (similarity ${m.similarity.toFixed(2)})`;
    }
  }
  const flat = (map: Map<string, Pairs>, recent = false): Pairs => {
    const out: Pairs = [];
    for (const pairs of map.values()) {
      const at = (pairs[0] as [number, string])[0];
      if (!recent || at > windowStart) out.push(...pairs);
    }
    return out;
  };
  const ownRecent = [...own.values()].filter((p) => (p[0] as [number, string])[0] > windowStart);
  values.relists_own_7d = ownRecent.length;
  values.relists_own_total = (f?.relistsOwn ?? 0) + own.size;
  values.relists_any_7d = any.size;
  values.relist_best_similarity = best;
  values.image_reuse_exact = (f?.imageExact ?? 0) + exact.size;
  values.image_reuse_near = (f?.imageNear ?? 0) + near.size;
  ev.add('relists_own_7d', { listings: flat(own, true) });
  ev.add('relists_own_total', { listings: flat(own) });
  ev.add('relists_any_7d', { listings: flat(any), sellers: anySellers });
  if (bestDetail !== '') ev.add('relist_best_similarity', { detail: bestDetail });
  ev.add('image_reuse_exact', { listings: flat(exact), sellers: exactSellers });
  ev.add('image_reuse_near', { listings: flat(near), sellers: nearSellers });

  const sanctioned: Pairs = [];
  const terminated: Pairs = [];
  for (const link of state.links ?? []) {
    const at = Math.min(link.suspendedAt, link.terminatedAt);
    if (at <= asOf) sanctioned.push([at, link.sellerId]);
    if (link.terminatedAt <= asOf) terminated.push([link.terminatedAt, link.sellerId]);
  }
  values.linked_sanctioned_sellers = sanctioned.length;
  values.linked_terminated_sellers = terminated.length;
  ev.add('linked_sanctioned_sellers', { sellers: sanctioned });
  ev.add('linked_terminated_sellers', { sellers: terminated });
}
