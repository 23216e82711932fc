import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import {
  createExecutor,
  createStore,
  type ClickHouseExecutor,
  type Store,
} from '../../features/store/index.ts';
import {
  createKafkaDeadLetterSink,
  DEAD_LETTER_TOPIC_CONFIG,
} from '../../streams/dead-letter/index.ts';
import { ensureTopics } from '../../streams/kafka/index.ts';
import {
  createDetectorService,
  recordFromSnapshot,
  type DetectorService,
} from '../detector/index.ts';
import {
  consumerOptionsFrom,
  createIngestService,
  createPipeline,
  defaultOpenBackend,
  type IngestionBackend,
  type IngestService,
} from '../pipeline/index.ts';
import type { BenchEnv } from './config.ts';
import { createTimedPipeline, type TimedPipeline } from './timed-pipeline.ts';

export interface BenchTopics {
  main: string;
  priority: string;
  deadLetter: string;
  group: string;
}

export interface BenchIngestion {
  readonly timed: TimedPipeline;
  readonly detector: DetectorService;
  readonly store: Store;
  /** Starts both consumers (main and priority lanes). */
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenIngestionOptions {
  kafka: Kafka;
  topics: BenchTopics;
  config: BenchEnv;
  logger: Logger;
  dataDir: string;
  database: string;
}

/**
 * The ingestion service as `vigie run` wires it — store and feature engine, the detector on the
 * pipeline's `onChanged` (as `vigie serve` wires it), dead letters to Kafka, main and priority
 * consumers — with the pipeline wrapped in a stopwatch.
 */
export async function openBenchIngestion(options: OpenIngestionOptions): Promise<BenchIngestion> {
  const { kafka, topics, config, logger } = options;
  await ensureTopics(kafka, [{ topic: topics.deadLetter, config: DEAD_LETTER_TOPIC_CONFIG }]);
  const opened: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const step of opened.reverse()) await step().catch(() => undefined);
    opened.length = 0;
  };
  try {
    const producer: Producer = kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    opened.push(() => producer.disconnect());
    const storeOptions = {
      dataDir: options.dataDir,
      database: options.database,
      mergeNice: config.VIGIE_CHDB_MERGE_NICE,
      logger,
    };
    const backend: IngestionBackend = await defaultOpenBackend({
      ...storeOptions,
      textTtlDays: config.VIGIE_TEXT_TTL_DAYS,
      // As `vigie start` opens it: the priority lane's statements on a connection of their own.
      priorityConnection: config.VIGIE_PRIORITY_LANE,
    });
    opened.push(() => backend.close());
    // The detector's connection of its own, as `vigie run` and `vigie start` give it: its reads
    // and flag writes do not queue behind the pipeline's inserts.
    const executor: ClickHouseExecutor = await createExecutor({
      ...storeOptions,
      ownConnection: true,
    });
    opened.push(() => executor.close());
    const store = createStore({ executor, logger, textTtlDays: config.VIGIE_TEXT_TTL_DAYS });
    opened.push(() => store.close());
    const detector = createDetectorService({ config, store, logger, kafka: null, schedule: false });
    await detector.start();
    opened.push(() => detector.close());
    const pipeline = createPipeline({
      store: backend.store,
      features: backend.features,
      deadLetters: createKafkaDeadLetterSink({ producer, topic: topics.deadLetter }),
      logger,
      onChanged: (ids, { snapshots, stored }) =>
        detector.onChanged(ids, snapshots.map(recordFromSnapshot), stored),
      onChangedReadsStore: false,
      onChangedAwaitsStored: true,
      batchSize: config.VIGIE_BATCH_SIZE,
      snapshotSlice: config.VIGIE_SNAPSHOT_SLICE,
      priorityChunk: config.VIGIE_PRIORITY_CHUNK,
      recentIdCapacity: config.VIGIE_RECENT_IDS,
    });
    const timed = createTimedPipeline(pipeline);
    // The service's consumer settings (start-ingestion.ts), on the bench's own topics.
    const service: IngestService = createIngestService({
      ...consumerOptionsFrom(config),
      kafka,
      pipeline: timed.pipeline,
      logger,
      groupId: topics.group,
      topic: topics.main,
      priorityTopic: topics.priority,
    });
    let started = false;
    return {
      timed,
      detector,
      store,
      async start() {
        opened.push(() => service.stop());
        started = true;
        // As `vigie start` does with VIGIE_REBUILD=full (the default): the state is rebuilt from
        // the store before consuming, so no seller is looked up again batch by batch.
        if (config.VIGIE_REBUILD === 'full') await pipeline.rebuild();
        await service.start();
      },
      async close() {
        if (!started) await pipeline.stop();
        await close();
      },
    };
  } catch (err) {
    await close();
    throw err;
  }
}
