// The Kafka test harness: the broker for integration tests, and small helpers for using it.
export type {} from './provided-context.ts';
export { startKafkaForTests } from './start-kafka.ts';
export type { KafkaForTests, KafkaSource, StartKafkaOptions } from './start-kafka.ts';
export { projectHadFailures } from './run-outcome.ts';
export { createTestKafka, uniqueName, waitFor } from './test-utils.ts';
export type { WaitForOptions } from './test-utils.ts';
export { DEFAULT_KAFKA_VERSION } from './versions.ts';
