import { Registry } from 'prom-client';
import { eraseSeller } from '../../features/store/index.ts';
import { createKeyFileVerifier, type ApiDeps } from '../api/index.ts';
import { listFlags, reviewFlag } from './flags.ts';
import { ingestNdjson } from './ingest.ts';
import { checkListing } from './listing-check.ts';
import { createAppMetrics } from './metrics.ts';
import { runAuditedQuery } from './query.ts';
import { getSellerView } from './seller-view.ts';
import { createTakedownIndex, type TakedownIndex } from './takedown-index.ts';
import { transparencyReport } from './transparency.ts';
import type { ApiDepsOptions } from './types.ts';

/** The API's dependencies over the real store, with what must be closed afterwards. */
export interface AppDeps extends ApiDeps {
  /** The in-memory taken-down listing index behind /v1/listings/check. */
  readonly takedowns: TakedownIndex;
  /** Stops the key-file watch and the index refresh; the store stays open (the caller's). */
  close(): Promise<void>;
}

/**
 * The store-backed implementation of the HTTP API (services/api `ApiDeps`). Loads the API keys
 * and the taken-down listing index before resolving, then keeps both fresh in the background.
 * Reusable by every process that serves the API (`vigie serve`, `vigie start`, `vigie demo`).
 */
export async function createApiDeps(options: ApiDepsOptions): Promise<AppDeps> {
  const { executor, store, config } = options;
  const logger = options.logger.child({ component: 'app.api' });
  const now = options.now ?? Date.now;
  const keys = await createKeyFileVerifier(options.keysFile, {
    onError: (err) =>
      logger.error(
        { code: (err as { code?: string }).code },
        'API key file unreadable; keeping the previous keys',
      ),
  });
  const takedowns = createTakedownIndex({
    executor,
    logger,
    maxEntries: config.VIGIE_CHECK_INDEX_MAX,
    refreshMs: config.VIGIE_CHECK_REFRESH_S * 1000,
    now,
  });
  try {
    await takedowns.load();
  } catch (err) {
    keys.close();
    throw err;
  }
  takedowns.start();
  const metrics = createAppMetrics(executor, logger, () => takedowns.size);
  const registry = Registry.merge([metrics.registry, ...(options.registries ?? [])]);

  return {
    logger: options.logger,
    metrics: registry,
    takedowns,
    verifyKey: (secret) => keys.verify(secret),
    async ready() {
      const [storeOk, broker] = await Promise.all([
        executor.ping(),
        options.brokerReady ? options.brokerReady().catch(() => false) : Promise.resolve(null),
      ]);
      return { store: storeOk, broker };
    },
    getSeller: (sellerId) => getSellerView(executor, sellerId, options.detector),
    listFlags: (query) => listFlags(executor, query),
    reviewFlag: (flagId, review, by) => reviewFlag(store, flagId, review, by, now),
    async checkListing(request) {
      const started = performance.now();
      const answer = await checkListing(executor, takedowns, request);
      metrics.check(answer.action, (performance.now() - started) / 1000);
      return answer;
    },
    transparency: (from, to) => transparencyReport(executor, from, to),
    async ingest(body, requestId) {
      const { result, takedowns: hadTakedowns } = await ingestNdjson(
        options.ingest,
        body,
        requestId,
        now(),
      );
      // A takedown ingested here is matched by the very next check, not after the next refresh.
      if (hadTakedowns) await takedowns.refresh();
      return result;
    },
    query: (sql, by, params) => runAuditedQuery(store, sql, `key:${by.keyId}`, config, now, params),
    async eraseSeller(sellerId, by) {
      // Rows of the seller still buffered would be written after the erasure: flush them first.
      await store.flush();
      const report = await eraseSeller(executor, sellerId, { actor: `key:${by.keyId}`, now });
      // The same process's pipeline still holds the seller in memory (engine state, remembered
      // listing versions): without this, its next event would snapshot the erased history again.
      options.ingest?.forget?.([sellerId]);
      // The seller's taken-down listings leave the check index with the next full load.
      await takedowns.load();
      return report;
    },
    async close() {
      keys.close();
      await takedowns.stop();
    },
  };
}
