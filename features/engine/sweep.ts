import type { EngineEnv } from './context.ts';
import {
  isDeletionAfterNotice,
  isEditAfterTakedown,
  isLowChangeAfterNotice,
  isOwnRelist,
} from './evaluate.ts';
import { DRIFT_BUCKETS, MASK_CHARS } from './listing-text.ts';
import { MINORS_CATEGORY } from './seller-events.ts';
import {
  DAY,
  F_CONTENT,
  L_CATEGORY,
  L_FLAGS,
  L_LOG_PRICE,
  L_OBFUSCATION,
  L_PUBLISHED,
  T_ILLEGAL,
  type Folded,
  type MatchEntry,
  type SellerState,
} from './seller-state.ts';

/** A fresh flat copy of a string's prefix (a slice would keep the whole blob alive). */
export function flatPrefix(s: string, length: number): string {
  const codes = new Array<number>(Math.min(length, s.length));
  for (let i = 0; i < codes.length; i += 1) codes[i] = s.charCodeAt(i);
  return String.fromCharCode(...codes);
}

/** Adds a listing's drift mask to the folded drift histogram. */
function foldDrift(folded: Folded, blob: string): void {
  const counts = new Array<number>(DRIFT_BUCKETS);
  for (let b = 0; b < DRIFT_BUCKETS; b += 1) {
    const old = folded.drift.length === 0 ? 0 : folded.drift.charCodeAt(b);
    const bit = (blob.charCodeAt(b >> 3) >> (b & 7)) & 1;
    counts[b] = Math.min(0xffff, old + bit);
  }
  folded.drift = String.fromCharCode(...counts);
  folded.driftListings += 1;
}

function overCap(state: SellerState, env: EngineEnv): boolean {
  const c = env.config;
  return (
    state.ids.length > c.maxListings ||
    (state.takedowns?.length ?? 0) > c.maxTakedowns ||
    (state.notices?.length ?? 0) > c.maxNotices ||
    (state.edits?.length ?? 0) > c.maxEdits ||
    (state.deletions?.length ?? 0) > c.maxDeletions ||
    (state.matches?.length ?? 0) > c.maxMatches
  );
}

/** How many of the oldest entries leave: those older than `before`, and any beyond `cap`. */
function leaving(list: ReadonlyArray<{ at: number }>, before: number, cap: number): number {
  let n = 0;
  while (n < list.length && (list[n] as { at: number }).at < before) n += 1;
  return Math.max(n, list.length - cap);
}

/**
 * Evicts what the retention windows and caps no longer keep, relative to the seller's
 * watermark, folding each evicted fact into counters first. Eviction goes oldest first by event
 * time, so the retained set depends on the events, not on their arrival order. Every folded
 * fact moves the seller's frontier (see docs/features.md, order-independence).
 */
export function sweep(state: SellerState, env: EngineEnv): void {
  if (state.watermark < state.nextSweep && !overCap(state, env)) return;
  const { config, prices } = env;
  const w = state.watermark;
  let frontier = state.frontier;

  // Activity first: it is evaluated against the takedowns and notices still held.
  if (state.edits !== null) {
    const n = leaving(state.edits, w - config.activityRetentionDays * DAY, config.maxEdits);
    for (const e of state.edits.splice(0, n)) {
      const f = state.fold();
      if (isEditAfterTakedown(state, e)) f.editsAfterTakedown += 1;
      if (isLowChangeAfterNotice(state, e, config)) f.lowChangeEdits += 1;
      frontier = Math.max(frontier, e.at);
    }
  }
  if (state.deletions !== null) {
    const n = leaving(state.deletions, w - config.activityRetentionDays * DAY, config.maxDeletions);
    for (const d of state.deletions.splice(0, n)) {
      if (isDeletionAfterNotice(state, d, config)) state.fold().deletionsAfterNotice += 1;
      frontier = Math.max(frontier, d.at);
    }
  }
  if (state.matches !== null) frontier = Math.max(frontier, foldMatches(state, env));

  // Listings: content first (kept `signatureDays`), then the rows.
  const contentBefore = w - config.signatureDays * DAY;
  for (let i = 0; i < state.ids.length; i += 1) {
    const flags = state.get(i, L_FLAGS);
    if (flags & F_CONTENT && state.get(i, L_PUBLISHED) < contentBefore) {
      state.set(i, L_FLAGS, flags & ~F_CONTENT);
      state.blobs[i] = flatPrefix(state.blobs[i] as string, MASK_CHARS);
    }
  }
  const rowsBefore = w - config.listingRetentionDays * DAY;
  let rows = 0;
  while (rows < state.ids.length && state.get(rows, L_PUBLISHED) < rowsBefore) rows += 1;
  rows = Math.max(rows, state.ids.length - config.maxListings);
  for (let i = 0; i < rows; i += 1) {
    const f = state.fold();
    f.listings += 1;
    if (state.get(i, L_OBFUSCATION) >= config.obfuscationThreshold) f.obfuscated += 1;
    foldDrift(f, state.blobs[i] as string);
    prices.add(state.get(i, L_CATEGORY), state.get(i, L_LOG_PRICE), -1);
    frontier = Math.max(frontier, state.get(i, L_PUBLISHED));
  }
  if (rows > 0) state.removeListings(0, rows);

  if (state.takedowns !== null) {
    const n = leaving(state.takedowns, w - config.takedownRetentionDays * DAY, config.maxTakedowns);
    const sanctionedAt = state.sanctionedAt;
    for (const t of state.takedowns.splice(0, n)) {
      const f = state.fold();
      const category = t.bits & 15;
      f.takedowns += 1;
      if (t.bits & T_ILLEGAL) f.illegal += 1;
      if (category === MINORS_CATEGORY) f.minors += 1;
      f.categories |= 1 << category;
      if (t.at > sanctionedAt) f.afterSanction += 1;
      f.lastTakedownAt = Math.max(f.lastTakedownAt, t.at);
      frontier = Math.max(frontier, t.at);
    }
  }
  if (state.notices !== null) {
    const n = leaving(state.notices, w - config.noticeRetentionDays * DAY, config.maxNotices);
    for (const x of state.notices.splice(0, n)) {
      const f = state.fold();
      f.notices[x.type] = (f.notices[x.type] as number) + 1;
      frontier = Math.max(frontier, x.at);
    }
  }
  // Day counts only serve the 7- and 90-day listing windows.
  const firstDay = Math.floor(w / DAY) - 90;
  let d = 0;
  while (d < state.days.length && Math.floor((state.days[d] as number) / 65536) < firstDay) d += 1;
  if (d > 0) state.days = state.days.toSpliced(0, d);

  state.frontier = frontier;
  state.nextSweep = nextSweepAt(state, env);
}

/** Folds the oldest matches, a listing's matches together (so distinct counts stay exact). */
function foldMatches(state: SellerState, env: EngineEnv): number {
  const { config } = env;
  const list = state.matches as MatchEntry[];
  let n = leaving(list, state.watermark - config.takedownRetentionDays * DAY, config.maxMatches);
  if (n === 0) return -Infinity;
  const lastId = (list[n - 1] as MatchEntry).listingId;
  while (n < list.length && (list[n] as MatchEntry).listingId === lastId) n += 1;
  const f = state.fold();
  let frontier = -Infinity;
  let prev = '';
  let own = false;
  let exact = false;
  let near = false;
  const flush = (): void => {
    if (own) f.relistsOwn += 1;
    if (exact) f.imageExact += 1;
    if (near) f.imageNear += 1;
    own = exact = near = false;
  };
  for (const m of list.splice(0, n)) {
    if (m.listingId !== prev) flush();
    prev = m.listingId;
    own ||= isOwnRelist(state, m, config);
    exact ||= m.image === 2;
    near ||= m.image === 1;
    if (m.similarity > f.bestSimilarity) f.bestSimilarity = m.similarity;
    frontier = Math.max(frontier, m.at);
  }
  flush();
  return frontier;
}

function nextSweepAt(state: SellerState, env: EngineEnv): number {
  const c = env.config;
  let next = Infinity;
  const consider = (at: number | undefined, days: number): void => {
    if (at !== undefined) next = Math.min(next, at + days * DAY);
  };
  for (let i = 0; i < state.ids.length; i += 1) {
    if (state.get(i, L_FLAGS) & F_CONTENT) {
      consider(state.get(i, L_PUBLISHED), c.signatureDays);
      break;
    }
  }
  if (state.ids.length > 0) consider(state.get(0, L_PUBLISHED), c.listingRetentionDays);
  consider(state.takedowns?.[0]?.at, c.takedownRetentionDays);
  consider(state.notices?.[0]?.at, c.noticeRetentionDays);
  consider(state.edits?.[0]?.at, c.activityRetentionDays);
  consider(state.deletions?.[0]?.at, c.activityRetentionDays);
  consider(state.matches?.[0]?.at, c.takedownRetentionDays);
  if (state.days.length > 0) consider(Math.floor((state.days[0] as number) / 65536) * DAY, 91);
  return next;
}
