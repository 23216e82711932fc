import type { Kafka } from 'kafkajs';
import { loadDetectorModel, trainDetectorModel, FEATURE_NAMES } from '../../detectors/index.ts';
import type { Store } from '../../features/store/index.ts';
import { createKafkaClient } from '../../streams/kafka/index.ts';
import type { Logger } from '../shared/logger.ts';
import { createNdjsonFlagSink } from './alerts/file-flag-sink.ts';
import { createKafkaFlagSink, type KafkaFlagSink } from './alerts/kafka-flag-sink.ts';
import { createStoreWebhookDeadLetters } from './alerts/store-dead-letters.ts';
import { createWebhookSender, type WebhookSender } from './alerts/webhook-sender.ts';
import { createClickHouseDetectorStore } from './clickhouse-detector-store.ts';
import type { SellerFeatureRecord } from './store-port.ts';
import type { DetectorEnv } from './config.ts';
import {
  createDetectorLoop,
  type DetectorLoop,
  type FlagSink,
  type ModelFactory,
} from './detector-loop.ts';
import { createPolicySource, type PolicySource } from './policy-source.ts';

export interface DetectorServiceOptions {
  config: DetectorEnv;
  /** The open, migrated store (features/store). */
  store: Store;
  logger: Logger;
  /** A Kafka client for the flags topic; default: one from KAFKA_BROKERS, none when unset. */
  kafka?: Kafka | null;
  /** Also append emitted flags to this NDJSON file (`vigie replay --flags-out`). */
  flagsOut?: string;
  /** Start the training schedule and the model poll. @default true */
  schedule?: boolean;
}

export interface DetectorService {
  readonly loop: DetectorLoop;
  readonly policy: PolicySource;
  /**
   * The pipeline's onChanged hook; `records`: the features just stored (else read back);
   * `stored`: settles once the batch's events are stored, awaited before any flag is emitted.
   */
  onChanged(
    sellerIds: readonly string[],
    records?: readonly SellerFeatureRecord[],
    stored?: Promise<void>,
  ): Promise<void>;
  /** Flags emitted since start. */
  emitted(): number;
  start(): Promise<void>;
  /** Stops schedules and the policy watch, drains webhooks, disconnects Kafka. */
  close(): Promise<void>;
}

/** The models the loop trains and loads, with the configured forest parameters. */
export function createModelFactory(config: DetectorEnv): ModelFactory {
  return {
    features: FEATURE_NAMES,
    train: (rows, { seed, trainedAt }) =>
      trainDetectorModel(rows, {
        seed,
        trainedAt,
        trees: config.VIGIE_FOREST_TREES,
        sampleSize: config.VIGIE_FOREST_SAMPLE,
        extensionLevel: config.VIGIE_FOREST_EXTENSION,
        contamination: config.VIGIE_CONTAMINATION,
      }),
    load: loadDetectorModel,
  };
}

/**
 * Wires the detector: policy (hot-reloaded), the loop over the store, flags to Kafka (when
 * configured) and to an NDJSON file (when asked), webhooks with dead letters in the store.
 */
export function createDetectorService(options: DetectorServiceOptions): DetectorService {
  const { config, logger } = options;
  const policy = createPolicySource({ file: config.VIGIE_POLICY_FILE, logger });
  const kafkaClient =
    options.kafka === undefined && config.KAFKA_BROKERS !== undefined
      ? createKafkaClient({
          brokers: config.KAFKA_BROKERS.split(','),
          clientId: `${config.KAFKA_CLIENT_ID}-flags`,
          logger,
        })
      : (options.kafka ?? undefined);
  const kafkaSink: KafkaFlagSink | undefined = kafkaClient
    ? createKafkaFlagSink({ kafka: kafkaClient, topic: config.VIGIE_FLAGS_TOPIC })
    : undefined;
  const fileSink = options.flagsOut ? createNdjsonFlagSink(options.flagsOut) : undefined;
  const sinks: FlagSink[] = [kafkaSink, fileSink].filter((s): s is NonNullable<typeof s> => !!s);
  let webhooks: WebhookSender | undefined;
  let emitted = 0;
  const countingSink: FlagSink = {
    async send(flags) {
      emitted += flags.length;
    },
  };
  const loop = createDetectorLoop({
    store: createClickHouseDetectorStore(options.store),
    models: createModelFactory(config),
    policy: () => policy.current(),
    logger,
    sinks: [...sinks, countingSink],
    // A getter: the sender exists only once start() has created the dead-letter table.
    get webhooks() {
      return webhooks;
    },
    cooldownMs: config.VIGIE_FLAG_COOLDOWN_H * 3_600_000,
    seed: config.VIGIE_TRAIN_SEED,
    trainIntervalMs: options.schedule === false ? 0 : config.VIGIE_TRAIN_INTERVAL_H * 3_600_000,
    modelPollMs: config.VIGIE_MODEL_POLL_S * 1000,
    minTrainingRows: config.VIGIE_TRAIN_MIN_ROWS,
    maxTrainingRows: config.VIGIE_TRAIN_MAX_ROWS,
  });

  return {
    loop,
    policy,
    async onChanged(sellerIds, records, stored) {
      await loop.onChanged(sellerIds, records, stored);
    },
    emitted: () => emitted,
    async start() {
      await policy.start();
      if (config.VIGIE_WEBHOOK_URLS.length > 0) {
        webhooks = createWebhookSender({
          endpoints: config.VIGIE_WEBHOOK_URLS.map((url) => ({
            url,
            secrets: config.VIGIE_WEBHOOK_SECRETS,
          })),
          deadLetters: await createStoreWebhookDeadLetters(options.store.executor),
          logger,
          retry: {
            maxAttempts: config.VIGIE_WEBHOOK_MAX_ATTEMPTS,
            baseDelayMs: config.VIGIE_WEBHOOK_BASE_DELAY_MS,
            maxDelayMs: config.VIGIE_WEBHOOK_MAX_DELAY_MS,
            timeoutMs: config.VIGIE_WEBHOOK_TIMEOUT_MS,
            seed: config.VIGIE_TRAIN_SEED,
          },
        });
      }
      await kafkaSink?.start();
      await loop.start();
    },
    async close() {
      policy.stop();
      await loop.stop();
      await webhooks?.stop();
      await kafkaSink?.stop();
    },
  };
}
