import type { Logger } from 'pino';
import { openStore, type Store } from '../../features/store/index.ts';
import type { SellerFeaturesRow } from '../../features/store/tables/seller-features.ts';
import type { IngestionBackend, OpenBackendOptions, OpenFlagHook } from './backend.ts';
import { loadPipelineConfig } from './config.ts';
import { createEngineStage } from './engine-stage.ts';
import { VigieError } from '../../streams/errors.ts';
import {
  createDetectorService,
  loadDetectorConfig,
  recordFromSnapshot,
} from '../detector/index.ts';
import { createPipelineStore } from './store-adapter.ts';
import type { FeatureStage } from './types.ts';

/** Builds the feature stage over an open store (the real engine, or a test's). */
export type CreateFeatureStage = (deps: {
  store: Store;
  logger: Logger;
}) => FeatureStage<SellerFeaturesRow> | Promise<FeatureStage<SellerFeaturesRow>>;

/**
 * Opens the store (chDB under `dataDir`, or a server), applies migrations, and puts the feature
 * stage over it. A store that cannot be opened fails with STORE_UNAVAILABLE (exit code 4).
 */
export async function openStoreBackend(
  options: OpenBackendOptions,
  createFeatures: CreateFeatureStage,
): Promise<IngestionBackend<SellerFeaturesRow>> {
  const opened = await openStore(options);
  let priority: Awaited<ReturnType<typeof openStore>> | undefined;
  try {
    const { store } = opened;
    const features = await createFeatures({ store, logger: options.logger });
    // Migrated already: its own `migrate` finds nothing to do.
    if (options.priorityConnection) priority = await openStore({ ...options, ownConnection: true });
    return {
      store: createPipelineStore({
        store,
        ...(priority ? { priorityStore: priority.store } : {}),
        logger: options.logger,
        minhash: features.minhash,
      }),
      features,
      tables: store,
      async openTables() {
        // Migrated already: its own `migrate` finds nothing to do.
        const own = await openStore({ ...options, ownConnection: true });
        return { store: own.store, close: () => own.close() };
      },
      async close() {
        try {
          await priority?.close();
        } finally {
          await opened.close();
        }
      },
    };
  } catch (err) {
    await priority?.close();
    await opened.close();
    throw err;
  }
}

/** The production backend: the store plus the real feature engine. */
export const defaultOpenBackend = (options: OpenBackendOptions) => {
  const crossSellerMode = options.crossSeller ?? loadPipelineConfig().VIGIE_CROSS_SELLER;
  return openStoreBackend(options, (deps) => createEngineStage({ ...deps, crossSellerMode }));
};

/**
 * Detectors and flags for replay and the service: the detector loop over the same store, scoring
 * sellers whose features changed, and, at the end of a finite input, training a model on the
 * whole population and rescoring everyone.
 */
export const defaultOpenFlagHook: OpenFlagHook = async ({
  flagsOut,
  backend,
  logger,
  schedule,
}) => {
  if (!backend.tables) {
    throw new VigieError('INTERNAL', 'the detectors need the store behind the ingestion backend');
  }
  // The detectors' connection of its own, as `vigie start` gives them (the API's): scoring reads
  // and flag writes do not wait behind the pipeline's inserts (docs/store.md).
  const own = backend.openTables ? await backend.openTables() : undefined;
  const service = createDetectorService({
    config: loadDetectorConfig(),
    store: own?.store ?? backend.tables,
    logger: logger.child({ component: 'services.detector' }),
    flagsOut,
    schedule: schedule ?? false,
  });
  try {
    await service.start();
  } catch (err) {
    await own?.close();
    throw err;
  }
  return {
    onChanged: (sellerIds, { snapshots, stored }) =>
      service.onChanged(
        sellerIds,
        snapshots.map((row, i) => recordFromSnapshot(row, i)),
        stored,
      ),
    // Scores the snapshots it is handed (recordFromSnapshot): no read of seller_features.
    readsStore: false,
    // Scores and reads flag states while the events are written; emits once they are stored.
    awaitsStored: true,
    emitted: () => service.emitted(),
    async finish() {
      await service.loop.train({ rescore: true });
    },
    async close() {
      try {
        await service.close();
      } finally {
        await own?.close();
      }
    },
  };
};
