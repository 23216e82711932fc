/**
 * The application layer: the store-backed implementation of the HTTP API (`createApiDeps`) and
 * the local service that serves it (`vigie serve`). The only door of services/app.
 */
export { createApiDeps, type AppDeps } from './api-deps.ts';
export {
  createLocalService,
  type LocalService,
  type LocalServiceOptions,
} from './local-service.ts';
export type { ApiDepsOptions, AppConfig, IngestPort, SellerAssessor } from './types.ts';
export { CHECK_THRESHOLDS, decideAction } from './listing-check.ts';
export {
  createTakedownIndex,
  type TakedownIndex,
  type TakedownIndexOptions,
  type TakedownMatch,
} from './takedown-index.ts';
export { transparencyReport, transparencyRows } from './transparency.ts';
export { openAppStore, type OpenedAppStore } from './open-store.ts';
export { formatRows, OUTPUT_FORMATS, toCsv, toTable, type OutputFormat } from './output-format.ts';
export { listFlags, reviewFlag } from './flags.ts';
export { getSellerView } from './seller-view.ts';
export { readonlyLimits, runAuditedQuery } from './query.ts';
export { ingestNdjson, MAX_LISTED_REJECTS } from './ingest.ts';
