import {
  createExecutor,
  createStore,
  type ClickHouseExecutor,
  type Store,
} from '../../features/store/index.ts';
import type { BaseEnv } from '../shared/config.ts';
import type { Logger } from '../shared/logger.ts';

export interface OpenedAppStore {
  executor: ClickHouseExecutor;
  store: Store;
  /** Flushes the writers, then closes the executor. */
  close(): Promise<void>;
}

/**
 * The store for one command (`vigie query`, `report`, `erase`): chDB under `dataDir` or the
 * server of CLICKHOUSE_URL, migrated. A chDB directory held by a running `vigie serve` fails with
 * STORE_UNAVAILABLE (exit code 4): one process per directory.
 */
export async function openAppStore(options: {
  config: Pick<BaseEnv, 'CLICKHOUSE_URL' | 'CLICKHOUSE_DATABASE' | 'VIGIE_TEXT_TTL_DAYS'>;
  dataDir: string;
  logger: Logger;
}): Promise<OpenedAppStore> {
  const { config, logger } = options;
  const executor = await createExecutor({
    url: config.CLICKHOUSE_URL,
    dataDir: options.dataDir,
    database: config.CLICKHOUSE_DATABASE,
    logger,
  });
  try {
    const store = createStore({ executor, logger, textTtlDays: config.VIGIE_TEXT_TTL_DAYS });
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
