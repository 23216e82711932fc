/**
 * The ClickHouse store: executors (embedded chDB or a server), migrations, one module per table,
 * the batched writer, read-only analyst queries and erasure. This file is the store's only door.
 */
export type {
  ClickHouseExecutor,
  CreateExecutorOptions,
  InsertOptions,
  QueryOptions,
} from './executor.ts';
export { createExecutor, DEFAULT_CHDB_MERGE_NICE } from './executor.ts';
export { toStoreError } from './errors.ts';
export { MIGRATIONS, DEFAULT_TEXT_TTL_DAYS, migrate } from './migrations/index.ts';
export type {
  Migration,
  MigrationContext,
  MigrateOptions,
  MigrationReport,
} from './migrations/index.ts';
export { createStore } from './writer.ts';
export { openStore, type OpenStoreOptions, type OpenedStore } from './open-store.ts';
export type { RetryOptions, Store, StoreOptions, TableWriter } from './writer.ts';
export { DEFAULT_READONLY_LIMITS, runReadonlyQuery } from './readonly-query.ts';
export type { ReadonlyLimits, ReadonlyQueryParams, ReadonlyQueryResult } from './readonly-query.ts';
export { eraseSeller, erasurePseudonym } from './erase.ts';
export type { EraseOptions, ErasureCount, ErasureReport } from './erase.ts';
export { FEATURE_COLUMNS, FEATURE_COMMENTS } from './tables/feature-columns.ts';
export type { FeatureColumn } from './tables/feature-columns.ts';
export { eventsTable, toEventRow } from './tables/events.ts';
export type { EventOrigin, EventRow } from './tables/events.ts';
export { listingTextsTable } from './tables/listing-texts.ts';
export type { ListingTextRow } from './tables/listing-texts.ts';
export { featuresAsOf, sellerFeaturesTable } from './tables/seller-features.ts';
export type { SellerFeaturesRow, SellerFeaturesSnapshot } from './tables/seller-features.ts';
export { IDENTIFIER_KINDS, identifierLinksTable } from './tables/identifier-links.ts';
export type { IdentifierLinkRow } from './tables/identifier-links.ts';
export { FLAG_STATUSES, flagsTable } from './tables/flags.ts';
export type { FlagRow, FlagStatus } from './tables/flags.ts';
export { REVIEW_DECISIONS, flagReviewsTable } from './tables/flag-reviews.ts';
export type { FlagReviewRow } from './tables/flag-reviews.ts';
export { modelsTable } from './tables/models.ts';
export type { ModelRow } from './tables/models.ts';
export { auditLogTable } from './tables/audit-log.ts';
export type { AuditLogRow } from './tables/audit-log.ts';
export type { TableDefinition } from './tables/table.ts';
export { formatDateTime64, parseDateTime64 } from './sql.ts';
