import type { MarketplaceEvent } from '../../streams/contract/index.ts';
import type { FeatureEngine } from './engine.ts';
import type { AcceptedEvent } from './types.ts';
import { mulberry32 } from '../prng.ts';

/** Hand-made timelines for the engine's unit tests (not part of the engine's door). */

export const MIN = 60_000;
export const H = 60 * MIN;
export const D = 24 * H;
export const T0 = Date.parse('2026-03-02T00:00:00Z');

type Body<T extends MarketplaceEvent['type']> = Omit<
  Extract<MarketplaceEvent, { type: T }>,
  'event_id' | 'occurred_at' | 'type' | 'seller_id'
>;

export interface ListingText {
  title: string;
  description: string;
  category?: string;
  price?: number;
  images?: string[];
}

/** Builds contract events with unique ids; times are ms since the epoch. */
export function createTimeline(prefix = 'e') {
  let n = 0;
  const make = <T extends MarketplaceEvent['type']>(
    type: T,
    seller: string,
    at: number,
    body: Body<T>,
  ): AcceptedEvent => ({
    event: {
      event_id: `${prefix}-${(n += 1)}`,
      type,
      seller_id: seller,
      occurred_at: new Date(at).toISOString(),
      ...body,
    } as unknown as MarketplaceEvent,
    receivedAt: at,
  });
  return {
    published: (seller: string, listing: string, at: number, text: ListingText) =>
      make('listing.published', seller, at, {
        listing_id: listing,
        title: text.title,
        description: text.description,
        category: text.category ?? 'misc',
        price: { amount: text.price ?? 20, currency: 'EUR' },
        ...(text.images ? { image_hashes: text.images } : {}),
      }),
    edited: (
      seller: string,
      listing: string,
      at: number,
      change: Partial<Body<'listing.edited'>>,
    ) => make('listing.edited', seller, at, { listing_id: listing, ...change }),
    takenDown: (
      seller: string,
      listing: string,
      at: number,
      options: Partial<Body<'listing.taken_down'>> = {},
    ) =>
      make('listing.taken_down', seller, at, {
        listing_id: listing,
        decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
        category: 'STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS',
        source_type: 'SOURCE_VOLUNTARY',
        automated_detection: false,
        ...options,
      }),
    withdrawn: (
      seller: string,
      listing: string,
      at: number,
      reason: 'sold' | 'expired' | 'seller_deleted',
    ) => make('listing.withdrawn', seller, at, { listing_id: listing, reason }),
    notice: (
      seller: string,
      at: number,
      options: Partial<Body<'notice.received'>> & { notice_id: string },
    ) =>
      make('notice.received', seller, at, {
        notifier_type: 'user',
        category: 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
        ...options,
      }),
    registered: (
      seller: string,
      at: number,
      identifiers: Body<'seller.registered'>['identifiers'],
    ) => make('seller.registered', seller, at, { identifiers }),
    sanctioned: (seller: string, at: number, action: 'warning' | 'suspension' | 'termination') =>
      make('seller.sanctioned', seller, at, { action }),
  };
}

/** The same event again (an at-least-once redelivery): same id, same content. */
export const duplicate = (e: AcceptedEvent): AcceptedEvent => ({ ...e, event: { ...e.event } });

/** Seeded PRNG (mulberry32): tests are deterministic. */
export const seeded = mulberry32;

/**
 * Arrival order of events that may each be up to `latenessMs` late: arrival = event time +
 * a random delay, ties broken randomly. So any two events less than `latenessMs` apart may swap.
 */
export function shuffleWithinLateness(
  events: readonly AcceptedEvent[],
  seed: number,
  latenessMs: number,
): AcceptedEvent[] {
  const rnd = seeded(seed);
  return events
    .map((e) => ({ e, arrival: Date.parse(e.event.occurred_at) + rnd() * latenessMs, tie: rnd() }))
    .sort((a, b) => a.arrival - b.arrival || a.tie - b.tie)
    .map((x) => x.e);
}

/** Applies events in batches of `size` (the engine's own cross-seller index answers). */
export function applyInBatches(
  engine: FeatureEngine,
  events: readonly AcceptedEvent[],
  size: number,
) {
  const changed = new Set<string>();
  for (let i = 0; i < events.length; i += size) {
    for (const s of engine.apply(events.slice(i, i + size))) changed.add(s);
  }
  return changed;
}
