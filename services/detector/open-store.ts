import { createExecutor, createStore, type Store } from '../../features/store/index.ts';
import type { Logger } from '../shared/logger.ts';

export interface OpenedStore {
  store: Store;
  close(): Promise<void>;
}

/** Opens the store (chDB under `dataDir`, or a server at `url`) and applies migrations. */
export async function openDetectorStore(options: {
  dataDir: string;
  url?: string;
  database: string;
  textTtlDays: number;
  logger: Logger;
}): Promise<OpenedStore> {
  const executor = await createExecutor({
    url: options.url,
    dataDir: options.dataDir,
    database: options.database,
    logger: options.logger,
  });
  try {
    const store = createStore({
      executor,
      logger: options.logger,
      textTtlDays: options.textTtlDays,
    });
    await store.migrate();
    return {
      store,
      async close() {
        try {
          await store.close();
        } finally {
          await executor.close();
        }
      },
    };
  } catch (err) {
    await executor.close();
    throw err;
  }
}
