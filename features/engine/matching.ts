import type { FeatureEngineConfig } from './options.ts';
import { imageReuse } from './image-match.ts';
import { sketchSimilarity } from './listing-text.ts';
import {
  DAY,
  F_CONTENT,
  L_FLAGS,
  L_PUBLISHED,
  insertSorted,
  type ListingContent,
  type MatchEntry,
  type SellerState,
  type TakedownEntry,
} from './seller-state.ts';

/** Text similarity (NaN when a text has no shingle) and image reuse of two listings. */
export function compareContent(
  fresh: ListingContent,
  removed: ListingContent,
  config: FeatureEngineConfig,
): { similarity: number; image: number } {
  const similarity =
    fresh.sketch === '' || removed.sketch === ''
      ? Number.NaN
      : sketchSimilarity(fresh.sketch, removed.sketch);
  return { similarity, image: imageReuse(fresh.images, removed.images, config.imageNearFraction) };
}

const matchOrder = (a: MatchEntry, b: MatchEntry): number =>
  a.listingId < b.listingId
    ? -1
    : a.listingId > b.listingId
      ? 1
      : a.otherSellerId < b.otherSellerId
        ? -1
        : a.otherSellerId > b.otherSellerId
          ? 1
          : a.otherListingId < b.otherListingId
            ? -1
            : a.otherListingId > b.otherListingId
              ? 1
              : 0;

/**
 * Records a match if it is one (a candidate similarity or an image reuse), merging with the same
 * (listing, other listing) pair: max similarity, max image reuse, latest takedown before the
 * publication. Returns whether anything changed. Idempotent and commutative.
 */
export function addMatch(state: SellerState, m: MatchEntry, config: FeatureEngineConfig): boolean {
  const textual = !Number.isNaN(m.similarity) && m.similarity >= config.candidateSimilarity;
  if (!textual && m.image === 0) return false;
  if (!textual) m.similarity = Number.NaN;
  if (state.matches === null) state.matches = [];
  for (const e of state.matches) {
    if (matchOrder(e, m) !== 0) continue;
    let changed = false;
    if (textual && !(e.similarity >= m.similarity)) {
      e.similarity = m.similarity;
      changed = true;
    }
    if (m.image > e.image) {
      e.image = m.image;
      changed = true;
    }
    if (m.takenDownAt > e.takenDownAt) {
      e.takenDownAt = m.takenDownAt;
      changed = true;
    }
    return changed;
  }
  insertSorted(state.matches, m, matchOrder);
  return true;
}

/** A new listing of `state` (row `i`) against the seller's own taken-down listings. */
export function matchNewListing(
  state: SellerState,
  i: number,
  content: ListingContent,
  config: FeatureEngineConfig,
): boolean {
  if (state.takedowns === null) return false;
  const listingId = state.ids[i] as string;
  const at = state.get(i, L_PUBLISHED);
  let changed = false;
  for (const t of state.takedowns) {
    if (t.content === undefined) continue;
    if (matchOwnPair(state, listingId, at, content, t, t.content, config)) changed = true;
  }
  return changed;
}

/**
 * One of the seller's listings (published at `at`) against one of its takedowns: recorded when
 * the listing came after the takedown, within the retention window. Used from both sides, so a
 * match is found whichever of the two events arrives first.
 */
function matchOwnPair(
  state: SellerState,
  listingId: string,
  at: number,
  content: Parameters<typeof compareContent>[0],
  t: TakedownEntry,
  takenDownContent: Parameters<typeof compareContent>[1],
  config: FeatureEngineConfig,
): boolean {
  if (listingId === t.listingId) return false;
  if (!(t.at < at && at - t.at <= config.takedownRetentionDays * DAY)) return false;
  const { similarity, image } = compareContent(content, takenDownContent, config);
  const m: MatchEntry = {
    listingId,
    at,
    otherSellerId: state.id,
    otherListingId: t.listingId,
    takenDownAt: t.at,
    similarity,
    image,
  };
  return addMatch(state, m, config);
}

/** A takedown of `state` whose content just became known, against the seller's later listings. */
export function matchTakedown(
  state: SellerState,
  t: TakedownEntry,
  config: FeatureEngineConfig,
): boolean {
  if (t.content === undefined) return false;
  let changed = false;
  for (let i = 0; i < state.ids.length; i += 1) {
    if ((state.get(i, L_FLAGS) & F_CONTENT) === 0) continue;
    const at = state.get(i, L_PUBLISHED);
    const listingId = state.ids[i] as string;
    // Cheap checks before decoding the listing's content.
    if (listingId === t.listingId) continue;
    if (!(t.at < at && at - t.at <= config.takedownRetentionDays * DAY)) continue;
    const content = state.content(i, config.numHashes);
    if (content === undefined) continue;
    if (matchOwnPair(state, listingId, at, content, t, t.content, config)) changed = true;
  }
  return changed;
}
