import type { Logger } from 'pino';
import { createExecutor, type ClickHouseExecutor } from './executor.ts';
import { createStore, type Store } from './writer.ts';

export interface OpenStoreOptions {
  /** ClickHouse server URL; unset = embedded chDB under `dataDir`. */
  url?: string;
  dataDir: string;
  database: string;
  textTtlDays: number;
  logger?: Logger;
  /** chDB only: nice value of the engine's merge threads (CreateExecutorOptions.mergeNice). */
  mergeNice?: number;
  /** chDB only: a connection of its own (CreateExecutorOptions.ownConnection). */
  ownConnection?: boolean;
}

export interface OpenedStore {
  executor: ClickHouseExecutor;
  store: Store;
  /** Flushes the writers, then closes the executor. */
  close(): Promise<void>;
}

/**
 * Opens the store and applies the migrations: chDB under `dataDir` (one process per directory; a
 * directory another process holds fails with STORE_UNAVAILABLE) or the server at `url`.
 */
export async function openStore(options: OpenStoreOptions): Promise<OpenedStore> {
  const executor = await createExecutor({
    url: options.url,
    dataDir: options.dataDir,
    database: options.database,
    logger: options.logger,
    mergeNice: options.mergeNice,
    ownConnection: options.ownConnection,
  });
  try {
    const store = createStore({
      executor,
      logger: options.logger,
      textTtlDays: options.textTtlDays,
    });
    await store.migrate();
    return {
      executor,
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
