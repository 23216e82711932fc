export { createKafkaClient, type KafkaClientOptions } from './kafka-client.ts';
export { createKafkaSource, type KafkaSource, type KafkaSourceOptions } from './kafka-source.ts';
export { ensureTopics, type TopicSpec } from './topics.ts';
export { createBackoff, type BackoffOptions } from './backoff.ts';
