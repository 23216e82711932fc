import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import {
  createKafkaSource,
  type BackoffOptions,
  type KafkaSource,
} from '../../streams/kafka/index.ts';
import { createBatchCoalescer } from './coalesce.ts';
import type { Pipeline } from './pipeline.ts';

export interface IngestServiceOptions {
  kafka: Kafka;
  pipeline: Pipeline;
  logger: Logger;
  groupId: string;
  /** Main input topic (`marketplace.events`). */
  topic: string;
  /**
   * Priority topic (`marketplace.priority`), consumed by a second consumer in its own group
   * (`<groupId>.priority`) so its fetches never queue behind main-topic batches. Unset: no lane.
   */
  priorityTopic?: string;
  partitionsConsumedConcurrently?: number;
  /** Bytes fetched per partition per request (bounds a batch). Default 1 MiB. */
  maxBytesPerPartition?: number;
  /** Kafka session timeout, ms. Default 30,000. */
  sessionTimeout?: number;
  backoff?: BackoffOptions;
  /** How long a batch may be in hand with heartbeats sent for it (kafka-source.ts). Default 5 min. */
  maxInHandMs?: number;
  /** Main-topic records merged into one pipeline run at most (coalesce.ts). Default 20,000. */
  maxRunRecords?: number;
  /**
   * Main-topic runs in flight (1 or 2): with 2, the main consumer fetches on once a run is taken
   * and the coalescer starts the next run then (see kafka-source.ts `inFlight`). Default 1.
   */
  inFlight?: number;
  /**
   * With two in flight, the smallest run (records) that lets the next fetch go on before it is
   * acknowledged; smaller runs go one at a time (see coalesce.ts `overlapFrom`). Default 0.
   */
  overlapFrom?: number;
}

export interface IngestService {
  start(): Promise<void>;
  /** Both consumers finish their batches in hand (stored, committed), leave, disconnect. */
  stop(): Promise<void>;
  readonly sources: readonly KafkaSource[];
}

/** The Kafka side of the ingestion service: main and priority consumers feeding one pipeline. */
export function createIngestService(options: IngestServiceOptions): IngestService {
  const { pipeline } = options;
  const onBatch = async (batch: Parameters<Pipeline['process']>[0]) => {
    await pipeline.process(batch);
  };
  // The partitions' batches of one fetch go through the pipeline as one run (see coalesce.ts).
  const inFlight = options.inFlight ?? 1;
  const onMainBatch = createBatchCoalescer({
    process: (batch) => pipeline.process(batch),
    depth: inFlight,
    maxRecords: options.maxRunRecords,
    overlapFrom: options.overlapFrom,
  });
  const onLag = (topic: string, partition: number, lag: number) =>
    pipeline.metrics.lag(topic, partition, lag);
  // A partition this instance did not own before may hold sellers another instance changed since
  // our rebuild: their state is re-read from the store on their next event. The first assignment
  // after start is covered by the start-up rebuild; losing partitions needs nothing.
  let owned: Set<number> | undefined;
  const onAssignment = (partitions: readonly number[]) => {
    if (owned && partitions.some((p) => !owned!.has(p))) pipeline.reassigned();
    owned = new Set(partitions);
  };
  const main = createKafkaSource({
    kafka: options.kafka,
    logger: options.logger,
    groupId: options.groupId,
    topic: options.topic,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
    backoff: options.backoff,
    maxBytesPerPartition: options.maxBytesPerPartition,
    sessionTimeout: options.sessionTimeout,
    maxInHandMs: options.maxInHandMs,
    onBatch: onMainBatch,
    onLag,
    onAssignment,
    inFlight: inFlight > 1,
  });
  const sources: KafkaSource[] = [main];
  if (options.priorityTopic) {
    sources.push(
      createKafkaSource({
        kafka: options.kafka,
        logger: options.logger,
        groupId: `${options.groupId}.priority`,
        topic: options.priorityTopic,
        priority: true,
        partitionsConsumedConcurrently: 1,
        backoff: options.backoff,
        sessionTimeout: options.sessionTimeout,
        maxInHandMs: options.maxInHandMs,
        onBatch,
        onLag,
      }),
    );
  }
  return {
    sources,
    async start() {
      // Priority first: under a backlog its consumer should be fetching before the main one.
      for (const source of [...sources].reverse()) await source.start();
    },
    async stop() {
      await Promise.all(sources.map((s) => s.stop()));
      await pipeline.stop();
    },
  };
}
