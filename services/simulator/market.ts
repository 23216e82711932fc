import type {
  DecisionGround,
  DsaCategory,
  NotifierType,
  SanctionAction,
  SourceType,
} from '../../streams/contract/index.ts';
import type { IllicitFamilyId } from './catalogue-illicit.ts';
import type { LegitCategory, Lang } from './catalogue-legit.ts';
import type { SellerClass } from './options.ts';
import type { Rng } from './prng.ts';
import type { World } from './world.ts';

/** Sellers, listings and the platform's actions on them, each emitting its contract event. */

export interface Price {
  amount: number;
  currency: string;
}

export interface Draft {
  title: string;
  description: string;
  category: string;
  price: Price;
  images: string[];
  /** The illicit family, or null for an ordinary good. */
  family: IllicitFamilyId | null;
  /**
   * The JSON of title, description and category (`,"title":…`) when they never change, as for a
   * shop's stock item listed hundreds of times: saves encoding them on every publication.
   */
  textJson?: string;
}

export function textJson(draft: Pick<Draft, 'title' | 'description' | 'category'>): string {
  return `,"title":${j(draft.title)},"description":${j(draft.description)},"category":${j(draft.category)}`;
}

export interface Listing extends Draft {
  id: string;
  /** What it was made from: a shop's stock item, or the listing it re-lists; null otherwise. */
  origin: Draft | null;
  seller: Seller;
  active: boolean;
  /** Reserved for a planned takedown: ordinary endings (sold, expired) skip it. */
  held: boolean;
  /** Ordinary lifecycle, kept on the listing itself (see behaviour-legit.ts); null if none. */
  life: Lifecycle | null;
}

/** The planned steps of an ordinary listing (Infinity: no such step). */
export interface Lifecycle {
  endAt: number;
  end: 'sold' | 'expired' | 'seller_deleted';
  edit1: number;
  edit2: number;
  noticeAt: number;
  relistExpired: number;
  idleNotice: number;
  sold: number;
}

export interface Seller {
  id: string;
  cls: SellerClass;
  rng: Rng;
  lang: Lang;
  currency: 'EUR' | 'GBP';
  categories: readonly LegitCategory[];
  registeredAt: number;
  takedowns: number;
  suspendedUntil: number;
  terminated: boolean;
  /** Live listings, in publication order. */
  active: Set<Listing>;
}

export const HOUR = 3_600_000;
export const DAY = 86_400_000;
export const MINUTE = 60_000;

/** Whether the seller can act now (not terminated, not suspended). */
export function canAct(world: World, seller: Seller): boolean {
  return !seller.terminated && world.now >= seller.suspendedUntil;
}

/** JSON of a string (quotes and escapes). */
const j = JSON.stringify;

function priceJson(price: Price): string {
  return `{"amount":${Math.round(price.amount * 100) / 100},"currency":"${price.currency}"}`;
}

function imagesJson(images: readonly string[]): string {
  return images.length === 0 ? '[]' : `["${images.join('","')}"]`;
}

export function publish(
  world: World,
  seller: Seller,
  draft: Draft,
  origin: Draft | null = null,
): Listing {
  const listing: Listing = {
    title: draft.title,
    description: draft.description,
    category: draft.category,
    price: draft.price,
    images: draft.images,
    family: draft.family,
    id: world.newListingId(),
    origin,
    seller,
    active: true,
    held: false,
    life: null,
  };
  seller.active.add(listing);
  world.emit(
    'listing.published',
    seller.id,
    `,"listing_id":"${listing.id}"${draft.textJson ?? textJson(draft)},"price":${priceJson(draft.price)},"image_hashes":${imagesJson(draft.images)}`,
  );
  return listing;
}

export type Changes = Partial<
  Pick<Draft, 'title' | 'description' | 'category' | 'price' | 'images'>
>;

/** An edit; a taken-down listing can still be edited (that is an evasion signal). */
export function edit(world: World, listing: Listing, changes: Changes): void {
  let body = `,"listing_id":"${listing.id}"`;
  if (changes.title !== undefined) body += `,"title":${j((listing.title = changes.title))}`;
  if (changes.description !== undefined) {
    body += `,"description":${j((listing.description = changes.description))}`;
  }
  if (changes.category !== undefined) {
    body += `,"category":${j((listing.category = changes.category))}`;
  }
  if (changes.price !== undefined) body += `,"price":${priceJson((listing.price = changes.price))}`;
  if (changes.images !== undefined) {
    body += `,"image_hashes":${imagesJson((listing.images = changes.images))}`;
  }
  world.emit('listing.edited', listing.seller.id, body);
}

export function withdraw(
  world: World,
  listing: Listing,
  reason: 'sold' | 'expired' | 'seller_deleted',
): void {
  if (!listing.active) return;
  listing.active = false;
  listing.seller.active.delete(listing);
  world.emit(
    'listing.withdrawn',
    listing.seller.id,
    `,"listing_id":"${listing.id}","reason":"${reason}"`,
  );
}

const TRUSTED_FLAGGERS = ['tf-001', 'tf-002', 'tf-003', 'tf-004', 'tf-005', 'tf-006'];
const AUTHORITIES = ['auth-fr-01', 'auth-fr-02', 'auth-be-01', 'auth-de-01', 'auth-es-01'];

export function notifierId(rng: Rng, type: NotifierType): string {
  if (type === 'trusted_flagger') return rng.pick(TRUSTED_FLAGGERS);
  if (type === 'authority') return rng.pick(AUTHORITIES);
  return `u-${rng.hex(10)}`;
}

/** A notice about a listing (or the seller when `listing` is null); returns its id. */
export function notice(
  world: World,
  seller: Seller,
  listing: Listing | null,
  notifier: NotifierType,
  category: DsaCategory,
): string {
  const noticeId = world.newNoticeId();
  const about = listing === null ? '' : `,"listing_id":"${listing.id}"`;
  world.emit(
    'notice.received',
    seller.id,
    `,"notice_id":"${noticeId}"${about},"notifier_type":"${notifier}","notifier_id":"${notifierId(seller.rng, notifier)}","category":"${category}"`,
  );
  return noticeId;
}

export const SOURCE_FOR_NOTIFIER: Readonly<Record<NotifierType, SourceType>> = {
  trusted_flagger: 'SOURCE_TRUSTED_FLAGGER',
  user: 'SOURCE_ARTICLE_16',
  authority: 'SOURCE_TYPE_OTHER_NOTIFICATION',
};

export interface Decision {
  ground: DecisionGround;
  category: DsaCategory;
  source: SourceType;
  automated: boolean;
  noticeId?: string;
}

/** The platform removes the listing; false when it was already gone. */
export function takeDown(world: World, listing: Listing, decision: Decision): boolean {
  if (!listing.active) return false;
  listing.active = false;
  listing.held = false;
  listing.seller.active.delete(listing);
  listing.seller.takedowns++;
  const notice = decision.noticeId === undefined ? '' : `,"notice_id":"${decision.noticeId}"`;
  world.emit(
    'listing.taken_down',
    listing.seller.id,
    `,"listing_id":"${listing.id}","decision_ground":"${decision.ground}","category":"${decision.category}","source_type":"${decision.source}","automated_detection":${decision.automated}${notice}`,
  );
  return true;
}

export function sanction(
  world: World,
  seller: Seller,
  action: SanctionAction,
  untilMs?: number,
): void {
  let body = `,"action":"${action}"`;
  if (untilMs !== undefined) {
    body += `,"until":"${new Date(untilMs).toISOString()}"`;
    seller.suspendedUntil = untilMs;
  }
  if (action === 'termination') seller.terminated = true;
  world.emit('seller.sanctioned', seller.id, body);
}

/** A notifier type drawn with the given weights (trusted flagger, user, authority). */
export function drawNotifier(rng: Rng, weights: readonly [number, number, number]): NotifierType {
  return (['trusted_flagger', 'user', 'authority'] as const)[rng.weighted(weights)] ?? 'user';
}

export interface HashedIdentifiers {
  email_hash?: string;
  phone_hash?: string;
  device_hash?: string;
  payout_hash?: string;
}

export function register(
  world: World,
  sellerId: string,
  identifiers: HashedIdentifiers,
  country: string,
): void {
  world.emit(
    'seller.registered',
    sellerId,
    `,"identifiers":${j(identifiers)},"country":"${country}"`,
  );
}

/**
 * A delay that stays inside the period when possible: planned follow-ups (a takedown after its
 * notice) should land before the end even in short simulations.
 */
export function bounded(world: World, delayMs: number): number {
  return Math.max(0, Math.min(delayMs, (world.endMs - world.now) / 2));
}

/** A random live listing of the seller (ordinary goods only when `ordinaryOnly`). */
export function pickActive(seller: Seller, ordinaryOnly: boolean): Listing | null {
  let count = 0;
  let chosen: Listing | null = null;
  // Reservoir sampling over the live set: one pass, one draw per candidate.
  for (const listing of seller.active) {
    if (listing.held || (ordinaryOnly && listing.family !== null)) continue;
    count++;
    if (seller.rng.next() * count < 1) chosen = listing;
  }
  return chosen;
}
