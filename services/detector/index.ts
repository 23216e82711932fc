/** The detector service: train/score loop, policy hot reload, alert delivery (Kafka, webhooks). */
export {
  createDetectorLoop,
  type DetectorLoop,
  type DetectorLoopOptions,
  type FlagSink,
  type ModelFactory,
  type ScoreSummary,
  type TrainOutcome,
} from './detector-loop.ts';
export {
  createDetectorService,
  createModelFactory,
  type DetectorService,
  type DetectorServiceOptions,
} from './detector-service.ts';
export {
  DetectorEnvSchema,
  DetectorEnvShape,
  loadDetectorConfig,
  type DetectorEnv,
} from './config.ts';
export {
  createPolicySource,
  type PolicySource,
  type PolicySourceOptions,
} from './policy-source.ts';
export type { DetectorStore, SellerFeatureRecord } from './store-port.ts';
export { createClickHouseDetectorStore, recordFromSnapshot } from './clickhouse-detector-store.ts';
export { openDetectorStore, type OpenedStore } from './open-store.ts';
export {
  DEFAULT_TOLERANCE_S,
  SIGNATURE_HEADER,
  signWebhook,
  verifyWebhookSignature,
  type SignatureCheck,
} from './alerts/signature.ts';
export {
  createWebhookSender,
  type WebhookRetryOptions,
  type WebhookSender,
  type WebhookSenderOptions,
} from './alerts/webhook-sender.ts';
export type {
  WebhookDeadLetter,
  WebhookDeadLetterSink,
  WebhookEndpoint,
  WebhookFailure,
  WebhookOutcome,
} from './alerts/webhook-types.ts';
export {
  createKafkaFlagSink,
  type KafkaFlagSink,
  type KafkaFlagSinkOptions,
} from './alerts/kafka-flag-sink.ts';
export { createNdjsonFlagSink } from './alerts/file-flag-sink.ts';
export {
  createStoreWebhookDeadLetters,
  WEBHOOK_DEAD_LETTERS_DDL,
} from './alerts/store-dead-letters.ts';
export { retryDelay } from './alerts/backoff.ts';
