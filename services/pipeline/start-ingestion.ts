import type { Producer } from 'kafkajs';
import type { Logger } from 'pino';
import {
  createKafkaDeadLetterSink,
  DEAD_LETTER_TOPIC_CONFIG,
} from '../../streams/dead-letter/index.ts';
import { VigieError } from '../../streams/errors.ts';
import { createKafkaClient, ensureTopics } from '../../streams/kafka/index.ts';
import type { FlagHook, IngestionBackend, OpenFlagHook, OpenIngestionBackend } from './backend.ts';
import type { PipelineEnv } from './config.ts';
import { defaultOpenBackend, defaultOpenFlagHook } from './default-backend.ts';
import {
  createIngestService,
  type IngestService,
  type IngestServiceOptions,
} from './ingest-service.ts';
import { createPipeline, type Pipeline } from './pipeline.ts';
import type { PipelineHooks } from './types.ts';

export interface StartIngestionOptions {
  config: PipelineEnv;
  logger: Logger;
  openBackend?: OpenIngestionBackend;
  openFlagHook?: OpenFlagHook | null;
}

export interface Ingestion {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Available once started. */
  readonly pipeline: Pipeline | undefined;
}

/**
 * The ingestion service from Kafka: store and engine, dead-letter producer, main and priority
 * consumers. `start` opens everything in order; `stop` drains the consumers first (their batches
 * in hand are stored and committed), then closes the store.
 */
/** The Kafka consumer settings of the ingestion service, from its configuration. */
export function consumerOptionsFrom(
  config: PipelineEnv,
): Omit<IngestServiceOptions, 'kafka' | 'pipeline' | 'logger'> {
  return {
    groupId: config.VIGIE_GROUP_ID,
    topic: config.VIGIE_INPUT_TOPIC,
    priorityTopic: config.VIGIE_PRIORITY_LANE ? config.VIGIE_PRIORITY_TOPIC : undefined,
    partitionsConsumedConcurrently: config.VIGIE_PARTITIONS_CONCURRENCY,
    maxBytesPerPartition: config.VIGIE_FETCH_MAX_BYTES,
    maxRunRecords: config.VIGIE_RUN_MAX_RECORDS,
    sessionTimeout: config.VIGIE_SESSION_TIMEOUT_MS,
    maxInHandMs: config.VIGIE_BATCH_IN_HAND_MAX_MS,
    backoff: { initialMs: config.VIGIE_RETRY_INITIAL_MS },
    inFlight: config.VIGIE_KAFKA_IN_FLIGHT,
    // A backlog's runs overlap; near real time, a run waits to grow (coalesce.ts).
    overlapFrom: config.VIGIE_BATCH_SIZE,
  };
}

export function createIngestion(options: StartIngestionOptions): Ingestion {
  const { config, logger } = options;
  if (!config.KAFKA_BROKERS) {
    throw new VigieError(
      'INVALID_CONFIG',
      'KAFKA_BROKERS is unset: the ingestion service needs a broker',
      {
        context: { variables: ['KAFKA_BROKERS'] },
      },
    );
  }
  const kafka = createKafkaClient({
    brokers: config.KAFKA_BROKERS.split(','),
    clientId: config.KAFKA_CLIENT_ID,
    logger,
  });
  let backend: IngestionBackend | undefined;
  let flags: FlagHook | null = null;
  let producer: Producer | undefined;
  let service: IngestService | undefined;
  let pipeline: Pipeline | undefined;

  return {
    get pipeline() {
      return pipeline;
    },
    async start() {
      await ensureTopics(kafka, [
        { topic: config.VIGIE_DEAD_LETTER_TOPIC, config: DEAD_LETTER_TOPIC_CONFIG },
      ]);
      producer = kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      const opened = await (options.openBackend ?? defaultOpenBackend)({
        dataDir: config.VIGIE_DATA_DIR,
        url: config.CLICKHOUSE_URL,
        database: config.CLICKHOUSE_DATABASE,
        textTtlDays: config.VIGIE_TEXT_TTL_DAYS,
        mergeNice: config.VIGIE_CHDB_MERGE_NICE,
        logger,
        crossSeller: config.VIGIE_CROSS_SELLER,
        priorityConnection: config.VIGIE_PRIORITY_LANE,
      });
      backend = opened;
      const openFlags =
        options.openFlagHook === undefined ? defaultOpenFlagHook : options.openFlagHook;
      flags = openFlags ? await openFlags({ backend: opened, logger, schedule: true }) : null;
      pipeline = createPipeline({
        store: opened.store,
        features: opened.features,
        deadLetters: createKafkaDeadLetterSink({ producer, topic: config.VIGIE_DEAD_LETTER_TOPIC }),
        logger,
        onChanged: flags?.onChanged,
        onChangedReadsStore: flags?.readsStore ?? true,
        onChangedAwaitsStored: flags?.awaitsStored ?? false,
        batchSize: config.VIGIE_BATCH_SIZE,
        snapshotSlice: config.VIGIE_SNAPSHOT_SLICE,
        priorityChunk: config.VIGIE_PRIORITY_CHUNK,
        recentIdCapacity: config.VIGIE_RECENT_IDS,
        hooks: crashHooks(config.VIGIE_TEST_CRASH_AFTER_STORE),
      });
      if (config.VIGIE_REBUILD === 'full') await pipeline.rebuild();
      service = createIngestService({
        kafka,
        pipeline,
        logger,
        ...consumerOptionsFrom(config),
      });
      await service.start();
    },
    async stop() {
      await service?.stop();
      await flags?.close();
      await producer?.disconnect();
      await backend?.close();
    },
  };
}

/** VIGIE_TEST_CRASH_AFTER_STORE=N: kill -9 right after the N-th batch's events are stored. */
function crashHooks(crashAfter: number | undefined): PipelineHooks | undefined {
  if (crashAfter === undefined) return undefined;
  return {
    afterEventsStored: ({ batch }) => {
      if (batch >= crashAfter) process.kill(process.pid, 'SIGKILL');
    },
  };
}
