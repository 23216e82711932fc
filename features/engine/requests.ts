import type { EngineEnv } from './context.ts';
import { listingKey } from './context.ts';
import type { CrossSellerRequest, ListingFingerprint } from './cross-seller.ts';
import { parseTime } from './event-time.ts';
import type { Fingerprinter } from './fingerprints.ts';
import { contentUsable } from './seller-events.ts';
import {
  DAY,
  F_CONTENT,
  L_FLAGS,
  L_PUBLISHED,
  type ListingContent,
  type SellerState,
} from './seller-state.ts';
import type { AcceptedEvent } from './types.ts';

/**
 * What a batch needs from the store (docs/features.md, cross-seller lookups): identifier hashes
 * of registrations, sanctioned sellers, fingerprints of new listings and of takedowns whose
 * content is in memory, and the listings whose published content must be fetched.
 */
export function buildRequest(
  events: readonly AcceptedEvent[],
  deps: { sellers: Map<string, SellerState>; env: EngineEnv; fingerprint: Fingerprinter },
): CrossSellerRequest {
  const { sellers, env, fingerprint } = deps;
  const config = env.config;
  /** The listing's index in its seller's state when its content is still held, else -1. */
  function heldContent(sellerId: string, listingId: string): number {
    const state = sellers.get(sellerId);
    if (state === undefined) return -1;
    const i = state.findListing(listingId);
    return i >= 0 && (state.get(i, L_FLAGS) & F_CONTENT) !== 0 ? i : -1;
  }

  function build(events: readonly AcceptedEvent[]): CrossSellerRequest {
    const hashes = new Set<string>();
    const sanctioned = new Set<string>();
    const newListings: ListingFingerprint[] = [];
    const takedowns: ListingFingerprint[] = [];
    const wanted = new Map<string, { sellerId: string; listingId: string }>();
    const publishedHere = new Map<string, { content: ListingContent; at: number }>();
    events.forEach((item, index) => {
      const at = parseTime(item, index);
      const e = item.event;
      if (e.type === 'seller.registered') {
        for (const h of Object.values(e.identifiers))
          if (h !== undefined) hashes.add(h.toLowerCase());
      } else if (e.type === 'seller.sanctioned' && e.action !== 'warning') {
        sanctioned.add(e.seller_id);
      } else if (e.type === 'listing.published') {
        if ((sellers.get(e.seller_id)?.findListing(e.listing_id) ?? -1) >= 0) return;
        const text = env.textOf(e);
        const content: ListingContent = {
          sketch: text.sketch,
          images: env.imagesOf(e),
          shingles: text.shingles,
          titleShingles: 0,
        };
        publishedHere.set(listingKey(e.seller_id, e.listing_id), { content, at });
        newListings.push(fingerprint(e.seller_id, e.listing_id, at, content));
      } else if (e.type === 'listing.taken_down' || e.type === 'listing.edited') {
        const key = listingKey(e.seller_id, e.listing_id);
        const held = heldContent(e.seller_id, e.listing_id);
        if (held >= 0) {
          // Held content too old for this event is not used, nor asked for (the store's copy
          // is as old): the same as when a sweep had dropped it (see `contentUsable`).
          const state = sellers.get(e.seller_id) as SellerState;
          if (
            e.type === 'listing.taken_down' &&
            contentUsable(state.get(held, L_PUBLISHED), at, env)
          ) {
            const c = state.content(held, config.numHashes);
            if (c !== undefined) takedowns.push(fingerprint(e.seller_id, e.listing_id, at, c));
          }
        } else if (
          e.type === 'listing.taken_down' ||
          e.title !== undefined ||
          e.description !== undefined
        ) {
          wanted.set(key, { sellerId: e.seller_id, listingId: e.listing_id });
        }
      }
    });
    // A takedown of a listing published in the same batch needs no fingerprint lookup.
    for (const [key, p] of publishedHere) {
      if (!wanted.has(key)) continue;
      wanted.delete(key);
      for (const item of events) {
        const e = item.event;
        if (e.type !== 'listing.taken_down' || listingKey(e.seller_id, e.listing_id) !== key) {
          continue;
        }
        const takenAt = Date.parse(e.occurred_at);
        if (contentUsable(p.at, takenAt, env)) {
          takedowns.push(fingerprint(e.seller_id, e.listing_id, takenAt, p.content));
        }
      }
    }
    return {
      identifierHashes: [...hashes].sort(),
      sanctionedSellerIds: [...sanctioned].sort(),
      newListings,
      takedowns,
      fingerprintsOf: [...wanted.values()],
      windowMs: config.relistAnyWindowDays * DAY,
      imageNearFraction: config.imageNearFraction,
    };
  }
  return build(events);
}
