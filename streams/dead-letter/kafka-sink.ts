import type { Producer } from 'kafkajs';
import {
  deadLetterHeaders,
  deadLetterKey,
  toDeadLetterRecord,
  type DeadLetter,
  type DeadLetterSink,
} from './dead-letter.ts';
import { VigieError } from '../errors.ts';

export interface KafkaDeadLetterSinkOptions {
  /** A connected producer; the sink does not own it (its owner disconnects it). */
  producer: Producer;
  /** Default `vigie.dead-letter`. */
  topic?: string;
  /**
   * Original bytes embedded per dead letter; longer records are cut (`truncated: true`, `size`
   * keeps the full size). Base64 grows them by 4/3, so the topic's `max.message.bytes` must
   * exceed ~1.4 × this (see `DEAD_LETTER_TOPIC_CONFIG`). Default 1 MiB.
   */
  maxBytes?: number;
}

/** Topic settings for `vigie.dead-letter`: room for a 1 MiB record in base64, kept 30 days. */
export const DEAD_LETTER_TOPIC_CONFIG = {
  'max.message.bytes': String(4 * 1024 * 1024),
  'retention.ms': String(30 * 24 * 3600 * 1000),
} as const;

/** Dead letters to a Kafka topic, keyed by source coordinates, acknowledged by all replicas. */
export function createKafkaDeadLetterSink(options: KafkaDeadLetterSinkOptions): DeadLetterSink {
  const topic = options.topic ?? 'vigie.dead-letter';
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  return {
    async write(letters: readonly DeadLetter[]): Promise<void> {
      if (letters.length === 0) return;
      try {
        await options.producer.send({
          topic,
          acks: -1,
          messages: letters.map((letter) => ({
            key: deadLetterKey(letter.origin),
            value: JSON.stringify(toDeadLetterRecord(letter, maxBytes)),
            headers: deadLetterHeaders(letter),
          })),
        });
      } catch (err) {
        // Retriable: the batch is not acknowledged, the source pauses and redelivers it.
        throw new VigieError('BROKER_UNAVAILABLE', `could not write dead letters to ${topic}`, {
          retriable: true,
          context: { topic, count: letters.length },
          cause: err,
        });
      }
    },
    async close(): Promise<void> {},
  };
}
