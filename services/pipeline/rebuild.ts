import type { FeatureStage, Lane, PipelineStore } from './types.ts';

export interface RebuildOptions {
  store: Pick<PipelineStore, 'sellerEvents'>;
  features: Pick<FeatureStage, 'apply'>;
  /** Sellers per store query. Default 500. */
  chunk?: number;
  /** The lane the rebuild is for (the store may serve the priority lane apart). */
  lane?: Lane;
}

/**
 * Rebuilds the in-memory feature state of these sellers from the store's `events` table: every
 * stored event of theirs goes through the (idempotent) engine again. The engine is
 * order-independent, so this gives exactly the state an uninterrupted run would have, whatever
 * was applied before. Returns the number of events read.
 */
export async function rebuildFromStore(
  sellerIds: readonly string[],
  options: RebuildOptions,
): Promise<number> {
  const chunk = options.chunk ?? 500;
  let read = 0;
  for (let i = 0; i < sellerIds.length; i += chunk) {
    const events = await options.store.sellerEvents(sellerIds.slice(i, i + chunk), options.lane);
    read += events.length;
    if (events.length > 0) await options.features.apply(events);
  }
  return read;
}

export interface RebuildAllOptions {
  store: Pick<PipelineStore, 'scanEvents'>;
  features: Pick<FeatureStage, 'apply'>;
  /** Events per store page and per engine call. Default 20,000. */
  pageSize?: number;
}

/**
 * Rebuilds the whole in-memory feature state from the `events` table, in event-time order (the
 * order a live run sees, within the contract's lateness), before any new record is consumed.
 * Returns the number of events read.
 */
export async function rebuildAllFromStore(options: RebuildAllOptions): Promise<number> {
  let read = 0;
  for await (const page of options.store.scanEvents(options.pageSize ?? 20_000)) {
    read += page.length;
    await options.features.apply(page);
  }
  return read;
}
