import type { Logger } from 'pino';
import type { SellerFeaturesRow, Store } from '../../features/store/index.ts';
import type { FeatureStage, OnChangedSellers, PipelineStore } from './types.ts';

/** Where the pipeline's state lives: the store and the feature engine over it. */
export interface IngestionBackend<Snapshot = SellerFeaturesRow> {
  store: PipelineStore<Snapshot>;
  features: FeatureStage<Snapshot>;
  /** The open, migrated store itself, for the detectors and the API on the same process. */
  tables?: Store;
  /**
   * The same store on a connection of its own (chDB runs one statement at a time per
   * connection; a server's requests are concurrent anyway), for the detectors: their reads and
   * flag writes then run beside the pipeline's inserts instead of queueing behind them. The
   * caller closes it, before the backend.
   */
  openTables?(): Promise<{ store: Store; close(): Promise<void> }>;
  close(): Promise<void>;
}

export interface OpenBackendOptions {
  /** chDB data directory (embedded mode). */
  dataDir: string;
  /** ClickHouse server URL; unset = embedded chDB. */
  url?: string;
  database: string;
  textTtlDays: number;
  logger: Logger;
  /** chDB only: nice value of the engine's merge threads (VIGIE_CHDB_MERGE_NICE). */
  mergeNice?: number;
  /** Cross-seller lookups in memory or through the store (VIGIE_CROSS_SELLER). */
  crossSeller?: 'store' | 'memory';
  /**
   * The priority lane's statements on a connection of their own (chDB runs one statement at a
   * time per connection), so that a trusted-flagger notice's lookups and writes do not queue
   * behind the main lane's inserts. For a service that consumes the priority topic.
   */
  priorityConnection?: boolean;
}

export type OpenIngestionBackend = (options: OpenBackendOptions) => Promise<IngestionBackend>;

/**
 * Detectors and flags, as the pipeline's `onChanged` hook. The lead wires the real one (issue 7);
 * until then replay and the service run without, and report 0 flags.
 */
export interface FlagHook {
  onChanged: OnChangedSellers<SellerFeaturesRow>;
  /**
   * False when `onChanged` works from the snapshots it is handed and never reads them back from
   * the store: the pipeline then writes them while the hook runs. @default true
   */
  readsStore?: boolean;
  /**
   * True when `onChanged` awaits `context.stored` before it emits a flag or writes anything: the
   * pipeline then calls it while the batch's last events are still being written. @default false
   */
  awaitsStored?: boolean;
  /** Flags emitted so far. */
  emitted(): number;
  /**
   * End of a finite input (replay): a final training and scoring pass, so the flags reflect
   * everything read.
   */
  finish?(): Promise<void>;
  close(): Promise<void>;
}

export type OpenFlagHook = (options: {
  /** `vigie replay --flags-out F`: also write emitted flags to this NDJSON file. */
  flagsOut?: string;
  backend: IngestionBackend;
  logger: Logger;
  /** Train on a schedule and poll for new models (a long-running service). @default false */
  schedule?: boolean;
}) => Promise<FlagHook>;
