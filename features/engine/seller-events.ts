import type {
  ListingEdited,
  ListingPublished,
  ListingTakenDown,
  ListingWithdrawn,
  NoticeReceived,
  SellerRegistered,
  SellerSanctioned,
} from '../../streams/contract/index.ts';
import { DSA_CATEGORIES } from '../../streams/contract/index.ts';
import { scratchCodes } from './codes.ts';
import { listingKey, type BatchContext, type EngineEnv } from './context.ts';
import { compactOf, IDENTIFIER_KINDS } from './cross-seller.ts';
import { encodeImages } from './image-match.ts';
import { estimateChangeRatio, sketchFromSignature, titleShingleEstimate } from './listing-text.ts';
import { matchNewListing, matchTakedown } from './matching.ts';
import {
  byListing,
  countChars,
  countValue,
  DAY,
  F_CODED,
  idHash,
  F_CONTENT,
  F_NO_TEXT,
  insertSorted,
  L_FLAGS,
  L_OBFUSCATION,
  L_PUBLISHED,
  NOTICE_AUTHORITY,
  NOTICE_TRUSTED,
  NOTICE_USER,
  T_ILLEGAL,
  type EditEntry,
  type ListingContent,
  type NoticeEntry,
  type SellerState,
  type TakedownEntry,
} from './seller-state.ts';

/**
 * One handler per event type. Each turns an event into commutative facts on the seller's state
 * and returns whether anything changed (a duplicate or a re-applied event changes nothing).
 */

export function onPublished(
  state: SellerState,
  e: ListingPublished,
  at: number,
  env: EngineEnv,
  batch: BatchContext,
): boolean {
  if (state.findListing(e.listing_id) >= 0) return false;
  const { config, prices } = env;
  const text = env.textOf(e);
  const images = env.imagesOf(e);
  const noText = text.sketch === '';
  let obfuscation = text.obfuscation;
  let coded = text.coded;
  // Edits that arrived before their publication (out of order) already carry scores.
  const listingHash = idHash(e.listing_id);
  let editedFirst = false;
  for (const edit of state.edits ?? []) {
    if (edit.idHash !== listingHash || edit.listingId !== e.listing_id) continue;
    editedFirst = true;
    // As an edit arriving after its publication would (`onEdited`): within the retention.
    if (edit.at - at > config.listingRetentionDays * DAY) continue;
    obfuscation = Math.max(obfuscation, edit.obfuscation);
    coded ||= edit.coded;
  }
  const category = prices.key(e.price.currency, e.category);
  const logPrice = Math.log1p(e.price.amount);
  prices.add(category, logPrice, 1);
  const flags = F_CONTENT | (coded ? F_CODED : 0) | (noText ? F_NO_TEXT : 0);
  const blob = blobOf(text.mask, text.shingles, titleShingleEstimate(e.title), text.sketch, images);
  const row = [at, logPrice, category, obfuscation, flags];
  const i = state.insertListing(e.listing_id, listingHash, row, blob);
  state.countListingDay(at);
  if (at < state.firstListedAt) state.firstListedAt = at;
  const content = state.content(i, config.numHashes) as ListingContent;
  batch.published.push({ state, listingId: e.listing_id, at, content });
  matchNewListing(state, i, content, config);
  // A takedown of this listing that arrived first now gets its content.
  for (const t of state.takedowns ?? []) {
    if (t.listingId !== e.listing_id || t.content !== undefined) continue;
    if (!contentUsable(at, t.at, env)) continue;
    t.content = keep(content);
    batch.takenDown.push({ state, entry: t });
    matchTakedown(state, t, config);
  }
  // The same edits (nothing above adds one): most publications have none, and sellers keep
  // up to `maxEdits` of them.
  if (editedFirst) {
    for (const edit of state.edits ?? []) {
      if (edit.listingId === e.listing_id && contentUsable(at, edit.at, env)) {
        resolveEdit(edit, content);
      }
    }
  }
  return true;
}

/** A flat copy: V8 keeps concatenations as trees and slices as views of their parent. */
export function flat(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i += 4096) {
    const codes = new Array<number>(Math.min(4096, s.length - i));
    for (let k = 0; k < codes.length; k += 1) codes[k] = s.charCodeAt(i + k);
    out += String.fromCharCode(...codes);
  }
  return out;
}

/**
 * A listing's blob (seller-state.ts, F_CONTENT): `flat(mask + countChars(shingles) +
 * countChars(titleShingles) + sketch + images)` in one copy, without the concatenations.
 */
function blobOf(
  mask: string,
  shingles: number,
  titleShingles: number,
  sketch: string,
  images: string,
): string {
  const head = mask.length + 4;
  const n = head + sketch.length + images.length;
  // `flat` cuts a long blob (many image hashes) into chunks a spread can pass.
  if (n > 4096)
    return flat(mask + countChars(shingles) + countChars(titleShingles) + sketch + images);
  const codes = scratchCodes(n);
  for (let k = 0; k < mask.length; k += 1) codes[k] = mask.charCodeAt(k);
  const s = countValue(shingles);
  const t = countValue(titleShingles);
  codes[head - 4] = s >> 8;
  codes[head - 3] = s & 0xff;
  codes[head - 2] = t >> 8;
  codes[head - 1] = t & 0xff;
  for (let k = 0; k < sketch.length; k += 1) codes[head + k] = sketch.charCodeAt(k);
  const at = head + sketch.length;
  for (let k = 0; k < images.length; k += 1) codes[at + k] = images.charCodeAt(k);
  return String.fromCharCode(...codes);
}

/** Content kept for months with a takedown: its own strings, not views of a listing blob. */
function keep(c: ListingContent): ListingContent {
  return { ...c, sketch: flat(c.sketch), images: flat(c.images) };
}

function resolveEdit(edit: EditEntry, ref: ListingContent): void {
  if (edit.pending === undefined) return;
  edit.ratio = estimateChangeRatio(ref, {
    ...edit.pending,
    fields: edit.fields === 3 ? 'both' : edit.fields === 1 ? 'title' : 'description',
  });
  edit.pending = undefined;
}

/**
 * Whether an event at `at` may use the content of a listing published at `publishedAt`
 * (`publishedContentDays`): decided by the two times alone, not by whether the content is still
 * in memory or in the in-memory index, which depends on when they were last swept.
 */
export function contentUsable(publishedAt: number, at: number, env: EngineEnv): boolean {
  return at - publishedAt <= env.config.publishedContentDays * DAY;
}

/** The published content of a listing an event at `at` may use: from memory, else the lookups. */
function publishedContent(
  state: SellerState,
  listingId: string,
  at: number,
  env: EngineEnv,
  batch: BatchContext,
): ListingContent | undefined {
  const i = state.findListing(listingId);
  if (i >= 0) {
    const held = state.content(i, env.config.numHashes);
    if (held !== undefined) {
      return contentUsable(state.get(i, L_PUBLISHED), at, env) ? held : undefined;
    }
  }
  const fp = batch.fingerprints.get(listingKey(state.id, listingId));
  if (fp === undefined || !contentUsable(fp.at, at, env)) return undefined;
  const compact = compactOf(fp);
  return {
    sketch: compact?.sketch ?? sketchFromSignature(fp.signature),
    images: compact?.images ?? encodeImages(fp.imageHashes),
    shingles: fp.shingles ?? 0,
    titleShingles: fp.titleShingles ?? 0,
  };
}

const CATEGORY_INDEX = new Map<string, number>(DSA_CATEGORIES.map((c, i) => [c, i]));
const MINORS = CATEGORY_INDEX.get('STATEMENT_CATEGORY_PROTECTION_OF_MINORS') as number;
export const MINORS_CATEGORY = MINORS;

const SOURCE_NOTICE: Record<ListingTakenDown['source_type'], number> = {
  SOURCE_TRUSTED_FLAGGER: NOTICE_TRUSTED,
  SOURCE_ARTICLE_16: NOTICE_USER,
  // "Other notification" is how the DSA database files orders from authorities.
  SOURCE_TYPE_OTHER_NOTIFICATION: NOTICE_AUTHORITY,
  SOURCE_VOLUNTARY: -1,
};

export function onTakenDown(
  state: SellerState,
  e: ListingTakenDown,
  at: number,
  env: EngineEnv,
  batch: BatchContext,
): boolean {
  if (state.takedowns === null) state.takedowns = [];
  for (const t of state.takedowns) if (t.at === at && t.listingId === e.listing_id) return false;
  const entry: TakedownEntry = {
    listingId: e.listing_id,
    at,
    bits:
      (CATEGORY_INDEX.get(e.category) ?? 0) |
      (e.decision_ground === 'DECISION_GROUND_ILLEGAL_CONTENT' ? T_ILLEGAL : 0),
    content: undefined,
  };
  const content = publishedContent(state, e.listing_id, at, env, batch);
  if (content !== undefined) entry.content = keep(content);
  insertSorted(state.takedowns, entry, byListing);
  if (entry.content !== undefined) {
    batch.takenDown.push({ state, entry });
    matchTakedown(state, entry, env.config);
  }
  const type = SOURCE_NOTICE[e.source_type];
  if (type >= 0) {
    addNotice(state, {
      key: e.notice_id ?? `td:${e.listing_id}:${at}`,
      at,
      type,
      listingId: e.listing_id,
      fromNotice: false,
    });
  }
  return true;
}

const NOTIFIER: Record<NoticeReceived['notifier_type'], number> = {
  trusted_flagger: NOTICE_TRUSTED,
  user: NOTICE_USER,
  authority: NOTICE_AUTHORITY,
};

export function onNotice(state: SellerState, e: NoticeReceived, at: number): boolean {
  return addNotice(state, {
    key: e.notice_id,
    at,
    type: NOTIFIER[e.notifier_type],
    listingId: e.listing_id ?? '',
    fromNotice: true,
  });
}

/**
 * Notices are a set keyed by notice id. A `notice.received` event wins over what a takedown
 * implies about the same notice, whichever arrives first, so the result is order-independent.
 */
function addNotice(state: SellerState, n: NoticeEntry): boolean {
  if (state.notices === null) state.notices = [];
  const list = state.notices;
  const i = list.findIndex((x) => x.key === n.key);
  if (i >= 0) {
    const old = list[i] as NoticeEntry;
    if (old.fromNotice || !n.fromNotice) return false;
    list.splice(i, 1);
  }
  insertSorted(list, n, (a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return true;
}

export function onEdited(
  state: SellerState,
  e: ListingEdited,
  at: number,
  env: EngineEnv,
  batch: BatchContext,
): boolean {
  if (state.edits === null) state.edits = [];
  for (const x of state.edits) if (x.at === at && x.listingId === e.listing_id) return false;
  const fields = (e.title !== undefined ? 1 : 0) | (e.description !== undefined ? 2 : 0);
  const edit: EditEntry = {
    listingId: e.listing_id,
    idHash: idHash(e.listing_id),
    at,
    fields,
    ratio: Number.NaN,
    pending: undefined,
    obfuscation: 0,
    coded: false,
  };
  if (fields !== 0) {
    const text = env.textOf(e);
    edit.obfuscation = text.obfuscation;
    edit.coded = text.coded;
    edit.pending = { sketch: text.sketch, shingles: text.shingles };
    const ref = publishedContent(state, e.listing_id, at, env, batch);
    if (ref !== undefined) resolveEdit(edit, ref);
    // Only a listing the seller's retention still keeps at the edit's time: one past it is
    // folded at the next sweep, which may or may not have run yet.
    const i = state.findListing(e.listing_id);
    if (i >= 0 && at - state.get(i, L_PUBLISHED) <= env.config.listingRetentionDays * DAY) {
      state.set(i, L_OBFUSCATION, Math.max(state.get(i, L_OBFUSCATION), edit.obfuscation));
      if (edit.coded) state.set(i, L_FLAGS, state.get(i, L_FLAGS) | F_CODED);
    }
  }
  insertSorted(state.edits, edit, byListing);
  return true;
}

export function onWithdrawn(state: SellerState, e: ListingWithdrawn, at: number): boolean {
  if (e.reason !== 'seller_deleted') return false;
  if (state.deletions === null) state.deletions = [];
  for (const d of state.deletions) if (d.at === at && d.listingId === e.listing_id) return false;
  insertSorted(state.deletions, { listingId: e.listing_id, at }, byListing);
  return true;
}

export function onRegistered(
  state: SellerState,
  e: SellerRegistered,
  at: number,
  batch: BatchContext,
): boolean {
  for (const kind of IDENTIFIER_KINDS) {
    const hash = e.identifiers[kind];
    if (hash !== undefined) {
      batch.facts.identifiers.push({ sellerId: state.id, hash: hash.toLowerCase(), kind, at });
    }
  }
  if (at >= state.registeredAt) return false;
  state.registeredAt = at;
  return true;
}

export function onSanctioned(
  state: SellerState,
  e: SellerSanctioned,
  at: number,
  batch: BatchContext,
): boolean {
  if (e.action === 'warning') {
    if (at >= state.warnedAt) return false;
    state.warnedAt = at;
    return true;
  }
  batch.facts.sanctions.push({ sellerId: state.id, action: e.action, at });
  if (e.action === 'suspension') {
    if (at >= state.suspendedAt) return false;
    state.suspendedAt = at;
    return true;
  }
  if (at >= state.terminatedAt) return false;
  state.terminatedAt = at;
  return true;
}
