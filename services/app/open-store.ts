import { openStore, type OpenedStore } from '../../features/store/index.ts';
import type { BaseEnv } from '../shared/config.ts';
import type { Logger } from '../shared/logger.ts';

export type OpenedAppStore = OpenedStore;

/**
 * The store for one command (`vigie query`, `report`, `erase`): chDB under `dataDir` or the
 * server of CLICKHOUSE_URL, migrated. A chDB directory held by a running `vigie serve` fails with
 * STORE_UNAVAILABLE (exit code 4): one process per directory.
 */
export function openAppStore(options: {
  config: Pick<
    BaseEnv,
    'CLICKHOUSE_URL' | 'CLICKHOUSE_DATABASE' | 'VIGIE_TEXT_TTL_DAYS' | 'VIGIE_CHDB_MERGE_NICE'
  >;
  dataDir: string;
  logger: Logger;
}): Promise<OpenedAppStore> {
  const { config, logger } = options;
  return openStore({
    url: config.CLICKHOUSE_URL,
    dataDir: options.dataDir,
    database: config.CLICKHOUSE_DATABASE,
    textTtlDays: config.VIGIE_TEXT_TTL_DAYS,
    mergeNice: config.VIGIE_CHDB_MERGE_NICE,
    logger,
  });
}
