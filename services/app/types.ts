import type { Registry } from 'prom-client';
import type { ClickHouseExecutor, Store } from '../../features/store/index.ts';
import type { RecordBatch } from '../../streams/contract/index.ts';
import type { DetectorLoop } from '../detector/index.ts';
import type { BatchResult } from '../pipeline/index.ts';
import type { ApiEnv } from '../api/config.ts';
import type { Logger } from '../shared/logger.ts';

/** What the API asks of the detector: a live assessment of one seller (nothing is emitted). */
export type SellerAssessor = Pick<DetectorLoop, 'assess'>;

/** The ingestion path for HTTP: the pipeline's `process` (decode, dedupe, store, features). */
export interface IngestPort {
  process(batch: RecordBatch): Promise<BatchResult>;
  /**
   * Drops what the ingestion path holds in memory of these sellers (called after an erasure):
   * the feature engine's state and the store adapter's remembered rows. Optional: a port that
   * holds nothing per seller has nothing to drop.
   */
  forget?(sellerIds: readonly string[]): void;
}

/** The configuration createApiDeps reads (a parsed ApiEnv satisfies it). */
export type AppConfig = Pick<
  ApiEnv,
  | 'VIGIE_QUERY_MAX_ROWS'
  | 'VIGIE_QUERY_MAX_BYTES'
  | 'VIGIE_QUERY_MAX_SECONDS'
  | 'VIGIE_CHECK_REFRESH_S'
  | 'VIGIE_CHECK_INDEX_MAX'
>;

export interface ApiDepsOptions {
  /** The store's executor (chDB or a server). */
  executor: ClickHouseExecutor;
  /** The store's writers (reviews, flags, audit rows); the same executor underneath. */
  store: Store;
  /** Live assessments for GET /v1/sellers/{id}; without it the latest flag is shown. */
  detector?: SellerAssessor;
  /** The pipeline for POST /v1/events; without it ingest answers 503. */
  ingest?: IngestPort;
  logger: Logger;
  config: AppConfig;
  /** The API key file (hashed keys), re-read when it changes. */
  keysFile: string;
  /** More registries served by GET /metrics (the pipeline's, the detector's). */
  registries?: readonly Registry[];
  /** Broker reachability for GET /ready; absent = no broker in this process (null). */
  brokerReady?: () => Promise<boolean>;
  now?: () => number;
}
