import { openStore, type OpenedStore } from '../../features/store/index.ts';
import type { Logger } from '../shared/logger.ts';

export type { OpenedStore };

/** Opens the store (chDB under `dataDir`, or a server at `url`) and applies migrations. */
export function openDetectorStore(options: {
  dataDir: string;
  url?: string;
  database: string;
  textTtlDays: number;
  logger: Logger;
}): Promise<OpenedStore> {
  return openStore(options);
}
