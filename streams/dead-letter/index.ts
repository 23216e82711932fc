export {
  DeadLetterRecordSchema,
  OriginSchema,
  deadLetterHeaders,
  deadLetterKey,
  toDeadLetterRecord,
  type DeadLetter,
  type DeadLetterRecord,
  type DeadLetterSink,
} from './dead-letter.ts';
export {
  DEAD_LETTER_TOPIC_CONFIG,
  createKafkaDeadLetterSink,
  type KafkaDeadLetterSinkOptions,
} from './kafka-sink.ts';
export { createFileDeadLetterSink, type FileDeadLetterSinkOptions } from './file-sink.ts';
export { createCollectingDeadLetterSink } from './collecting-sink.ts';
export { createLogDeadLetterSink } from './log-sink.ts';
