import type { Logger } from 'pino';
import {
  createFeatureEngine,
  createInMemoryCrossSellerIndex,
  FEATURE_NAMES,
  resolveConfig,
  type CrossSellerIndex,
  type FeatureEngine,
  type FeatureEngineOptions,
  type SellerFeatures,
} from '../../features/engine/index.ts';
import { createTextAnalyser } from '../../features/text/index.ts';
import { createStoreCrossSellerLookups } from '../../features/store/cross-seller-lookups.ts';
import type { SellerFeaturesRow } from '../../features/store/tables/seller-features.ts';
import type { Store } from '../../features/store/writer.ts';
import type { AcceptedEvent, FeatureStage } from './types.ts';

export interface EngineStageOptions {
  store: Store;
  logger: Logger;
  /**
   * Where cross-seller facts are looked up and recorded. Default: an in-memory index, exact for
   * one instance (the start-up rebuild refills it from the store in event-time order). Several
   * instances need a store-backed index (identifier_links, listing_texts), wired by the lead.
   */
  crossSeller?: CrossSellerIndex;
  /**
   * `store`: cross-seller lookups and facts go through the store (listing_fingerprints,
   * identifier_links, events), for several instances splitting the partitions. `memory`
   * (default): the in-memory index (or `crossSeller`), exact for one instance.
   */
  crossSellerMode?: 'memory' | 'store';
  engine?: Omit<FeatureEngineOptions, 'crossSeller'>;
}

/**
 * The feature engine (features/engine/) as a pipeline stage. A snapshot's `as_of` is the
 * seller's own latest event time, not the engine's global watermark: so the snapshot a seller
 * ends with depends only on the events applied, not on how they were cut into batches (a
 * crash-and-restart ends with the same rows as a clean run), except for facts at the edge of a
 * retention window (docs/features.md, "Batch boundaries").
 */
export function createEngineStage(
  options: EngineStageOptions,
): FeatureStage<SellerFeaturesRow> & { readonly engine: FeatureEngine } {
  const config = resolveConfig(options.engine);
  const shared =
    options.crossSellerMode === 'store'
      ? createStoreCrossSellerLookups({ executor: options.store.executor, bands: config.bands })
      : undefined;
  // One text analysis per listing version: the analyser goes to the engine and, through
  // `minhash`, to the store adapter's `listing_texts` rows, which reuse it per event.
  const minhash = {
    numHashes: config.numHashes,
    seed: config.minhashSeed,
    analyser: createTextAnalyser({ numHashes: config.numHashes, seed: config.minhashSeed }),
  };
  const engine = createFeatureEngine({
    ...options.engine,
    crossSeller: shared ? undefined : (options.crossSeller ?? createInMemoryCrossSellerIndex()),
    textAnalyser: minhash.analyser,
  });
  /** Latest event time per seller (ms); as bounded as the engine's own seller map. */
  const lastAt = new Map<string, number>();
  return {
    engine,
    minhash,
    async apply(events: readonly AcceptedEvent[]) {
      let changed: Set<string>;
      if (shared) {
        // One round trip per request kind, then the facts other instances need.
        changed = engine.apply(events, await shared.answer(engine.lookupsFor(events)));
        await shared.record(engine.lastFacts());
      } else changed = engine.apply(events);
      for (const { event } of events) {
        const at = Date.parse(event.occurred_at);
        if (at > (lastAt.get(event.seller_id) ?? -Infinity)) lastAt.set(event.seller_id, at);
      }
      return changed;
    },
    forget(sellerIds: readonly string[]) {
      engine.forget(sellerIds);
      for (const id of sellerIds) lastAt.delete(id);
    },
    snapshots(sellerIds: readonly string[], computedAt: Date): SellerFeaturesRow[] {
      const out: SellerFeaturesRow[] = [];
      for (const id of sellerIds) {
        // A seller touched only through cross-seller facts has no event of its own here.
        const asOf = lastAt.get(id) ?? engine.watermark();
        if (!Number.isFinite(asOf)) continue;
        out.push(snapshotRow(engine.features(id, asOf), computedAt.getTime()));
      }
      return out;
    },
  };
}

/** The `seller_features` row of a seller's features, computed at `computedAt` (ms). */
export function snapshotRow(f: SellerFeatures, computedAt: number): SellerFeaturesRow {
  const row: Record<string, unknown> = {
    seller_id: f.sellerId,
    as_of: f.asOf,
    computed_at: computedAt,
  };
  for (const name of FEATURE_NAMES) row[name] = f.values[name];
  row.evidence = JSON.stringify(f.evidence);
  return row as SellerFeaturesRow;
}
