import type { FeatureEngineConfig } from './options.ts';
import {
  DAY,
  HOUR,
  type DeletionEntry,
  type EditEntry,
  type MatchEntry,
  type SellerState,
} from './seller-state.ts';

/**
 * Pairwise facts, evaluated from both sides' retained records at read time (and once more when
 * a record is folded), so they do not depend on which side arrived first.
 */

export function isEditAfterTakedown(state: SellerState, edit: EditEntry): boolean {
  for (const t of state.takedowns ?? []) {
    if (t.listingId === edit.listingId && t.at < edit.at) return true;
  }
  return false;
}

export function isLowChangeAfterNotice(
  state: SellerState,
  edit: EditEntry,
  config: FeatureEngineConfig,
): boolean {
  if (edit.fields === 0 || !(edit.ratio < config.lowChangeRatio)) return false;
  const window = config.lowChangeWindowDays * DAY;
  for (const n of state.notices ?? []) {
    if (!n.fromNotice || n.listingId !== edit.listingId) continue;
    if (n.at < edit.at && edit.at <= n.at + window) return true;
  }
  return false;
}

export function isDeletionAfterNotice(
  state: SellerState,
  d: DeletionEntry,
  config: FeatureEngineConfig,
): boolean {
  const window = config.deletionWindowHours * HOUR;
  for (const n of state.notices ?? []) {
    if (!n.fromNotice || n.listingId !== d.listingId) continue;
    if (n.at <= d.at && d.at <= n.at + window) return true;
  }
  return false;
}

export function isOwnRelist(
  state: SellerState,
  m: MatchEntry,
  config: FeatureEngineConfig,
): boolean {
  return m.otherSellerId === state.id && m.similarity >= config.relistThreshold;
}

/** A re-list of any seller's listing taken down at most `relistAnyWindowDays` before. */
export function isAnyRelist(m: MatchEntry, config: FeatureEngineConfig): boolean {
  return (
    m.similarity >= config.relistThreshold &&
    m.at - m.takenDownAt <= config.relistAnyWindowDays * DAY
  );
}
