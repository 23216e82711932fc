import type { TextAnalyser } from '../../features/text/index.ts';
import type { MarketplaceEvent, Origin } from '../../streams/contract/index.ts';

/** A valid, contract-conformant event as the pipeline hands it on. */
export interface AcceptedEvent {
  event: MarketplaceEvent;
  /** The original JSON text, stored as-is (unknown fields kept for later contract versions). */
  raw: string;
  /** Arrival time at Vigie, ms since the epoch. */
  receivedAt: number;
  /** Where it came from (absent for events read back from the store). */
  origin?: Origin;
}

/**
 * What the pipeline needs from the store (features/store/ implements it; the lead wires it).
 * Every write is idempotent by key, so a retried or redelivered write is harmless.
 */
/** The pipeline's two lanes: the main topic's batches, and trusted-flagger notices first. */
export type Lane = 'main' | 'priority';

/**
 * The store as the pipeline uses it. `lane` says which lane a call is for: a store may serve the
 * priority lane on a connection of its own (services/pipeline/store-adapter.ts); absent, `main`.
 */
export interface PipelineStore<Snapshot = unknown> {
  /** Which of these events are already stored (by `event_id`; `seller_id` narrows the scan). */
  storedEventIds(events: readonly MarketplaceEvent[], lane?: Lane): Promise<Set<string>>;
  /** Every stored event of these sellers, in event-time order (to rebuild their state). */
  sellerEvents(sellerIds: readonly string[], lane?: Lane): Promise<AcceptedEvent[]>;
  /**
   * Every stored event, in event-time order, page by page (to rebuild all state at start, in the
   * order a live run saw them, so cross-seller matches and windows come out the same).
   */
  scanEvents(pageSize: number): AsyncIterable<AcceptedEvent[]>;
  /** Durably writes accepted events (ReplacingMergeTree by `event_id`). */
  writeEvents(events: readonly AcceptedEvent[], lane?: Lane): Promise<void>;
  /** Durably writes feature snapshots (one per changed seller). */
  writeSnapshots(snapshots: readonly Snapshot[], lane?: Lane): Promise<void>;
  /**
   * Drops what the store remembers of its rows (every seller's, or these sellers'): after a
   * rebalance other instances may have written them, after an erasure they are gone. Optional:
   * a store that remembers nothing has nothing to drop.
   */
  forget?(sellerIds?: readonly string[]): void;
}

/**
 * The feature engine as the pipeline sees it: the pure engine plus its store-backed cross-seller
 * lookups. `apply` must be idempotent by `event_id`: an event it has already applied changes
 * nothing (the pipeline relies on it after a rebuild and for events another instance stored).
 */
export interface FeatureStage<Snapshot = unknown> {
  /** Applies events; returns the sellers whose features changed. */
  apply(events: readonly AcceptedEvent[]): Promise<ReadonlySet<string>>;
  /** One snapshot per seller of its current features, computed at `computedAt`. */
  snapshots(sellerIds: readonly string[], computedAt: Date): Snapshot[];
  /**
   * The MinHash settings the stage signs listing text with; the store signs `listing_texts` the
   * same way, so stored and live signatures compare. Absent: features/text defaults.
   */
  /** MinHash settings, and the text analyser the rows share with the engine (one analysis per text). */
  readonly minhash?: { numHashes: number; seed: number; analyser?: TextAnalyser };
  /** Drops these sellers' state (after an erasure); their next event starts them afresh. */
  forget?(sellerIds: readonly string[]): void;
}

/**
 * Called with the sellers whose features changed in a batch, after the batch is stored and before
 * it is acknowledged (detectors and flags hang here). If it throws, the batch is redelivered and
 * these sellers are handed over again.
 */
export type OnChangedSellers<Snapshot = unknown> = (
  sellerIds: readonly string[],
  /**
   * `snapshots`: the rows just written for these sellers (one per seller that has one).
   * `stored`: with `onChangedAwaitsStored`, the hook is called before the batch's events are
   * stored, and this settles once they and then the batch's snapshots are (rejects if either
   * write fails); the hook must await it before anything it does is durable or seen outside (a
   * flag's evidence and the features that raised it are then in the store).
   * Otherwise absent: the events are stored before the hook is called (the snapshots too,
   * unless `onChangedReadsStore` is false).
   */
  context: { priority: boolean; snapshots: readonly Snapshot[]; stored?: Promise<void> },
) => Promise<void>;

/** Test-only hooks, set by the service config (never in production code paths otherwise). */
export interface PipelineHooks {
  /** After a chunk's new events are stored (the engine may have applied them), before snapshots and ack. */
  afterEventsStored?: (info: { batch: number; stored: number }) => void;
}

/** What one batch did. */
export interface BatchResult {
  accepted: number;
  duplicates: number;
  rejected: number;
  changedSellers: readonly string[];
}
