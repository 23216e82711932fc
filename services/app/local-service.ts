import {
  createExecutor,
  createStore,
  type ClickHouseExecutor,
  type Store,
} from '../../features/store/index.ts';
import type { Producer } from 'kafkajs';
import {
  createKafkaDeadLetterSink,
  createLogDeadLetterSink,
  DEAD_LETTER_TOPIC_CONFIG,
} from '../../streams/dead-letter/index.ts';
import { createKafkaClient, ensureTopics } from '../../streams/kafka/index.ts';
import { apiOptionsFrom, startApiServer, type ApiEnv, type ApiServer } from '../api/index.ts';
import {
  createDetectorService,
  type DetectorEnv,
  type DetectorService,
  recordFromSnapshot,
} from '../detector/index.ts';
import {
  consumerOptionsFrom,
  createIngestService,
  createPipeline,
  defaultOpenBackend,
  type IngestService,
  type IngestionBackend,
  type Pipeline,
  type PipelineEnv,
} from '../pipeline/index.ts';
import type { Logger } from '../shared/logger.ts';
import { VigieError } from '../../streams/errors.ts';
import { createApiDeps, type AppDeps } from './api-deps.ts';

export interface LocalServiceOptions {
  /** chDB data directory (embedded mode). */
  dataDir: string;
  /** Parsed environments; their CLICKHOUSE_URL / database / TTL agree (same variables). */
  api: ApiEnv;
  pipeline: PipelineEnv;
  detector: DetectorEnv;
  keysFile: string;
  host: string;
  port: number;
  logger: Logger;
  /**
   * Also consume `marketplace.events` (and the priority topic) from KAFKA_BROKERS and publish
   * flags to `vigie.seller-flags` (`vigie start`). Default false (`vigie serve`).
   */
  kafka?: boolean;
}

export interface LocalService {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Set once started. */
  readonly url: string | undefined;
  readonly deps: AppDeps | undefined;
}

/**
 * The API over the store with HTTP ingest and the detector loop, no Kafka (`vigie serve`): the
 * store, the pipeline (feature engine) feeding the detector, the API deps, and the server. Kafka
 * consumers come on top of the same pieces in `vigie start`.
 */
export function createLocalService(options: LocalServiceOptions): LocalService {
  const { logger, api } = options;
  let executor: ClickHouseExecutor | undefined;
  let store: Store | undefined;
  let backend: IngestionBackend | undefined;
  let detector: DetectorService | undefined;
  let pipeline: Pipeline | undefined;
  let deps: AppDeps | undefined;
  let server: ApiServer | undefined;
  let consumers: IngestService | undefined;
  let producer: Producer | undefined;
  const storeOptions = {
    url: api.CLICKHOUSE_URL,
    dataDir: options.dataDir,
    database: api.CLICKHOUSE_DATABASE,
    mergeNice: api.VIGIE_CHDB_MERGE_NICE,
    logger,
  };

  async function stop(): Promise<void> {
    // Consumers first: their batches in hand are stored and committed before the store closes.
    await consumers?.stop();
    await producer?.disconnect();
    await server?.close();
    await deps?.close();
    await pipeline?.stop();
    await detector?.close();
    await backend?.close();
    await store?.close();
    await executor?.close();
  }

  return {
    get url() {
      return server?.url;
    },
    get deps() {
      return deps;
    },
    async start() {
      try {
        // The API's connection of its own: chDB runs one statement at a time per connection, and
        // an analyst's query (up to VIGIE_QUERY_MAX_SECONDS) would otherwise hold up ingestion,
        // priority notices included, and a listing check would wait behind ingestion's writes.
        executor = await createExecutor({ ...storeOptions, ownConnection: true });
        store = createStore({ executor, logger, textTtlDays: api.VIGIE_TEXT_TTL_DAYS });
        await store.migrate();
        // A second executor on the same directory shares the process's chDB session.
        backend = await defaultOpenBackend({
          ...storeOptions,
          textTtlDays: api.VIGIE_TEXT_TTL_DAYS,
          priorityConnection: Boolean(options.kafka && options.pipeline.VIGIE_PRIORITY_LANE),
        });
        const brokers = options.kafka ? options.pipeline.KAFKA_BROKERS : undefined;
        if (options.kafka && !brokers) {
          throw new VigieError('INVALID_CONFIG', 'KAFKA_BROKERS is unset: nothing to consume', {
            context: { variables: ['KAFKA_BROKERS'] },
          });
        }
        const kafka = brokers
          ? createKafkaClient({
              brokers: brokers.split(','),
              clientId: options.pipeline.KAFKA_CLIENT_ID,
              logger,
            })
          : null;
        if (kafka) {
          await ensureTopics(kafka, [
            { topic: options.pipeline.VIGIE_DEAD_LETTER_TOPIC, config: DEAD_LETTER_TOPIC_CONFIG },
          ]);
          producer = kafka.producer({ allowAutoTopicCreation: false });
          await producer.connect();
        }
        detector = createDetectorService({
          config: options.detector,
          store,
          logger,
          kafka,
          schedule: true,
        });
        await detector.start();
        const onChanged = detector.onChanged.bind(detector);
        pipeline = createPipeline({
          store: backend.store,
          features: backend.features,
          deadLetters: producer
            ? createKafkaDeadLetterSink({
                producer,
                topic: options.pipeline.VIGIE_DEAD_LETTER_TOPIC,
              })
            : createLogDeadLetterSink(logger),
          logger,
          onChanged: (ids, { snapshots, stored }) =>
            onChanged(ids, snapshots.map(recordFromSnapshot), stored),
          // Scores and reads flag states while the batch's events are written (on the API's
          // connection, beside the pipeline's); emits once they are stored, as `vigie run` does.
          onChangedReadsStore: false,
          onChangedAwaitsStored: true,
          batchSize: options.pipeline.VIGIE_BATCH_SIZE,
          snapshotSlice: options.pipeline.VIGIE_SNAPSHOT_SLICE,
          priorityChunk: options.pipeline.VIGIE_PRIORITY_CHUNK,
          recentIdCapacity: options.pipeline.VIGIE_RECENT_IDS,
        });
        if (options.pipeline.VIGIE_REBUILD === 'full') await pipeline.rebuild();
        deps = await createApiDeps({
          executor,
          store,
          detector: detector.loop,
          ingest: pipeline,
          logger,
          config: api,
          keysFile: options.keysFile,
          registries: [pipeline.metrics.registry],
        });
        server = await startApiServer({
          deps,
          host: options.host,
          port: options.port,
          options: apiOptionsFrom(api),
        });
        if (kafka) {
          consumers = createIngestService({
            kafka,
            pipeline,
            logger,
            ...consumerOptionsFrom(options.pipeline),
          });
          await consumers.start();
        }
      } catch (err) {
        await stop().catch(() => undefined);
        throw err;
      }
    },
    stop,
  };
}
