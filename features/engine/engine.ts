import type { MarketplaceEvent } from '../../streams/contract/index.ts';
import { VigieError } from '../../streams/errors.ts';
import { createCategoryPrices } from './category-prices.ts';
import { createCodedTermMatcher } from './coded-terms.ts';
import { listingKey, type BatchContext, type EngineEnv } from './context.ts';
import { crossLink, crossMatchListings } from './cross-match.ts';
import {
  emptyLookups,
  type CrossSellerFacts,
  type CrossSellerIndex,
  type CrossSellerLookups,
  type CrossSellerRequest,
} from './cross-seller.ts';
import { deriveFeatures } from './derive.ts';
import { parseTime } from './event-time.ts';
import { createFingerprinter } from './fingerprints.ts';
import { encodeImages } from './image-match.ts';
import { buildRequest } from './requests.ts';
import { createListingTexter, type TextFacts } from './listing-text.ts';
import {
  resolveConfig,
  type FeatureEngineConfig,
  type FeatureEngineConfigInput,
} from './options.ts';
import {
  onEdited,
  onNotice,
  onPublished,
  onRegistered,
  onSanctioned,
  onTakenDown,
  onWithdrawn,
} from './seller-events.ts';
import {
  DAY,
  F_CONTENT,
  L_CATEGORY,
  L_FLAGS,
  L_LOG_PRICE,
  type ListingContent,
  SellerState,
} from './seller-state.ts';
import { sweep } from './sweep.ts';
import type { TextAnalyser } from '../text/index.ts';
import type { AcceptedEvent, FeatureEngineStats, SellerFeatures } from './types.ts';

export interface FeatureEngineOptions extends FeatureEngineConfigInput {
  /**
   * Answers cross-seller requests when `apply` is called without lookups, and records each
   * batch's facts (standalone mode: `createInMemoryCrossSellerIndex()`). With a store, leave it
   * out and pass the store's answers to `apply`.
   */
  crossSeller?: CrossSellerIndex;
  /**
   * Analyses listing texts (features/text `createTextAnalyser`, with the engine's `numHashes`
   * and `minhashSeed`). Pass the one the pipeline's `listing_texts` rows use, so that each text
   * is analysed once; default: the engine's own.
   */
  textAnalyser?: TextAnalyser;
}

export interface FeatureEngine {
  readonly config: FeatureEngineConfig;
  /** What the batch needs from the store before `apply` (one query per kind). */
  lookupsFor(events: readonly AcceptedEvent[]): CrossSellerRequest;
  /**
   * Applies a batch (any order, duplicates allowed); returns the sellers whose features
   * changed, including sellers of earlier batches touched by cross-seller facts. Without
   * `lookups`, the configured cross-seller index answers (or nothing does).
   */
  apply(events: readonly AcceptedEvent[], lookups?: CrossSellerLookups): Set<string>;
  /** Features with windows ending at `asOf` (default: the engine's event-time watermark). */
  features(sellerId: string, asOf?: number): SellerFeatures;
  /** Facts of the last `apply` that the store must keep for other instances. */
  lastFacts(): CrossSellerFacts;
  has(sellerId: string): boolean;
  /** Ids of the sellers held, sorted. */
  sellers(): string[];
  /** Drops sellers' state (partition revoked, erasure, or before a rebuild from the store). */
  forget(sellerIds: Iterable<string>): number;
  /** The largest `occurred_at` applied (ms); -Infinity before any event. */
  watermark(): number;
  stats(): FeatureEngineStats;
}

/**
 * The per-seller feature engine: pure, deterministic, order-independent, bounded memory per
 * seller. See docs/features.md for every feature, window and bound.
 */
export function createFeatureEngine(options: FeatureEngineOptions = {}): FeatureEngine {
  const { crossSeller, textAnalyser, ...input } = options;
  const config = resolveConfig(input);
  const texter = createListingTexter({
    numHashes: config.numHashes,
    bands: config.bands,
    seed: config.minhashSeed,
    coded: createCodedTermMatcher(config.codedTerms),
    analyser: textAnalyser,
  });
  const prices = createCategoryPrices({
    maxCategories: config.maxCategories,
    minListings: config.minCategoryListings,
  });
  // Text facts are computed once per event object, for `lookupsFor` and `apply` alike; the
  // cache holds the batch in hand only (cleared after each apply).
  const texts = new Map<object, TextFacts>();
  const images = new Map<object, string>();
  const env: EngineEnv = {
    config,
    texter,
    prices,
    textOf(event) {
      let facts = texts.get(event);
      if (facts === undefined) {
        facts = texter.facts(`${event.title ?? ''}\n${event.description ?? ''}`, event);
        texts.set(event, facts);
      }
      return facts;
    },
    imagesOf(event) {
      let encoded = images.get(event);
      if (encoded === undefined) {
        encoded = encodeImages(event.image_hashes);
        images.set(event, encoded);
      }
      return encoded;
    },
  };
  const sellers = new Map<string, SellerState>();
  const shortestRetention =
    Math.min(
      config.signatureDays,
      config.activityRetentionDays,
      config.listingRetentionDays,
      config.noticeRetentionDays,
      config.takedownRetentionDays,
    ) * DAY;
  let watermark = -Infinity;
  let lastFacts: CrossSellerFacts = {
    identifiers: [],
    sanctions: [],
    published: [],
    takenDown: [],
  };
  const counters = { applied: 0, unchanged: 0, beyondFrontier: 0 };
  const bandsOf = (c: ListingContent): Int32Array | undefined =>
    c.sketch === '' ? undefined : texter.bandCodes(c.sketch);
  const fingerprint = createFingerprinter(texter);

  const lookupsFor = (events: readonly AcceptedEvent[]): CrossSellerRequest =>
    buildRequest(events, { sellers, env, fingerprint });

  function applyOne(
    state: SellerState,
    e: MarketplaceEvent,
    at: number,
    batch: BatchContext,
  ): boolean {
    switch (e.type) {
      case 'listing.published':
        return onPublished(state, e, at, env, batch);
      case 'listing.edited':
        return onEdited(state, e, at, env, batch);
      case 'listing.taken_down':
        return onTakenDown(state, e, at, env, batch);
      case 'listing.withdrawn':
        return onWithdrawn(state, e, at);
      case 'notice.received':
        return onNotice(state, e, at);
      case 'seller.registered':
        return onRegistered(state, e, at, batch);
      case 'seller.sanctioned':
        return onSanctioned(state, e, at, batch);
      default:
        throw new VigieError(
          'SCHEMA_VIOLATION',
          `feature engine got an unknown event type: ${String((e as { type: unknown }).type)}`,
          { context: { type: String((e as { type: unknown }).type) } },
        );
    }
  }

  function apply(events: readonly AcceptedEvent[], given?: CrossSellerLookups): Set<string> {
    // Validate the whole batch first: a bad event must not leave half a batch applied.
    const times = events.map(parseTime);
    const lookups =
      given ?? (crossSeller ? crossSeller.answer(lookupsFor(events)) : emptyLookups());
    const batch: BatchContext = {
      fingerprints: new Map(
        lookups.fingerprints.map((fp) => [listingKey(fp.sellerId, fp.listingId), fp]),
      ),
      published: [],
      takenDown: [],
      facts: { identifiers: [], sanctions: [], published: [], takenDown: [] },
    };
    const changed = new Set<string>();
    const touched = new Set<SellerState>();
    events.forEach((item, index) => {
      const e = item.event;
      const at = times[index] as number;
      let state = sellers.get(e.seller_id);
      if (state === undefined) {
        state = new SellerState(e.seller_id);
        sellers.set(e.seller_id, state);
      }
      if (at > watermark) watermark = at;
      const registry = e.type === 'seller.registered' || e.type === 'seller.sanctioned';
      if (at <= state.frontier && !registry) {
        counters.beyondFrontier += 1;
        return;
      }
      if (at > state.watermark) state.watermark = at;
      if (at < state.firstSeen) state.firstSeen = at;
      touched.add(state);
      // A late event may hold the oldest fact now: the next sweep may be due sooner.
      state.nextSweep = Math.min(state.nextSweep, at + shortestRetention);
      if (applyOne(state, e, at, batch)) {
        counters.applied += 1;
        changed.add(state.id);
      } else {
        counters.unchanged += 1;
      }
    });
    crossLink(sellers, lookups, batch, config.maxLinks, changed);
    crossMatchListings(sellers, lookups, batch, bandsOf, env, changed);
    for (const id of changed) touched.add(sellers.get(id) as SellerState);
    for (const state of touched) sweep(state, env);

    const facts = batch.facts;
    for (const p of batch.published)
      facts.published.push(fingerprint(p.state.id, p.listingId, p.at, p.content));
    for (const { state, entry } of batch.takenDown) {
      if (entry.content !== undefined) {
        facts.takenDown.push(fingerprint(state.id, entry.listingId, entry.at, entry.content));
      }
    }
    crossSeller?.record(facts);
    lastFacts = facts;
    texts.clear();
    images.clear();
    return changed;
  }

  return {
    config,
    lookupsFor,
    apply,
    features(sellerId, asOf) {
      const end = asOf ?? (Number.isFinite(watermark) ? watermark : 0);
      return deriveFeatures(sellers.get(sellerId), sellerId, end, config, prices);
    },
    lastFacts: () => lastFacts,
    has: (sellerId) => sellers.has(sellerId),
    sellers: () => [...sellers.keys()].sort(),
    forget(sellerIds) {
      let n = 0;
      for (const id of sellerIds) {
        const state = sellers.get(id);
        if (state === undefined) continue;
        for (let i = 0; i < state.ids.length; i += 1) {
          prices.add(state.get(i, L_CATEGORY), state.get(i, L_LOG_PRICE), -1);
        }
        sellers.delete(id);
        n += 1;
      }
      return n;
    },
    watermark: () => watermark,
    stats() {
      const retained = {
        listings: 0,
        sketches: 0,
        takedowns: 0,
        notices: 0,
        edits: 0,
        deletions: 0,
        matches: 0,
        links: 0,
      };
      for (const s of sellers.values()) {
        retained.listings += s.ids.length;
        for (let i = 0; i < s.ids.length; i += 1)
          if (s.get(i, L_FLAGS) & F_CONTENT) retained.sketches += 1;
        retained.takedowns += s.takedowns?.length ?? 0;
        retained.notices += s.notices?.length ?? 0;
        retained.edits += s.edits?.length ?? 0;
        retained.deletions += s.deletions?.length ?? 0;
        retained.matches += s.matches?.length ?? 0;
        retained.links += s.links?.length ?? 0;
      }
      return { sellers: sellers.size, ...counters, watermark, retained, categories: prices.size };
    },
  };
}
