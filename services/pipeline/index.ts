export { createPipeline, type Pipeline, type PipelineOptions } from './pipeline.ts';
export { decodeBatch, type DecodedBatch } from './decode-batch.ts';
export { processInOrder } from './in-order.ts';
export {
  rebuildAllFromStore,
  rebuildFromStore,
  type RebuildAllOptions,
  type RebuildOptions,
} from './rebuild.ts';
export {
  createPipelineMetrics,
  type DuplicateLayer,
  type PipelineCounters,
  type PipelineMetrics,
  type PipelineStage,
  type StageTotals,
} from './metrics.ts';
export {
  createIngestService,
  type IngestService,
  type IngestServiceOptions,
} from './ingest-service.ts';
export { runUntilSignal, type Runnable, type RunUntilSignalOptions } from './run-until-signal.ts';
export { loadPipelineConfig, PipelineEnvSchema, type PipelineEnv } from './config.ts';
export type {
  FlagHook,
  IngestionBackend,
  OpenBackendOptions,
  OpenFlagHook,
  OpenIngestionBackend,
} from './backend.ts';
export { defaultOpenBackend, defaultOpenFlagHook } from './default-backend.ts';
export {
  consumerOptionsFrom,
  createIngestion,
  type Ingestion,
  type StartIngestionOptions,
} from './start-ingestion.ts';
export type {
  AcceptedEvent,
  BatchResult,
  FeatureStage,
  OnChangedSellers,
  PipelineHooks,
  PipelineStore,
} from './types.ts';
