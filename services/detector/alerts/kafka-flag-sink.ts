import type { Kafka, Producer } from 'kafkajs';
import type { SellerFlagged } from '../../../streams/contract/index.ts';
import { VigieError } from '../../../streams/errors.ts';
import { ensureTopics } from '../../../streams/kafka/index.ts';

export interface KafkaFlagSinkOptions {
  kafka: Kafka;
  /** Default `vigie.seller-flags`. */
  topic?: string;
}

export interface KafkaFlagSink {
  start(): Promise<void>;
  /** Produces the flags keyed by `seller_id`; resolves once every in-sync replica has them. */
  send(flags: readonly SellerFlagged[]): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `seller.flagged` to `vigie.seller-flags`, keyed by `seller_id` so one seller's flags stay in
 * order. Idempotent producer (broker-side de-duplication of retried batches, one request in
 * flight to keep order) and acks = -1: a flag the broker acknowledged survives a broker loss.
 */
export function createKafkaFlagSink(options: KafkaFlagSinkOptions): KafkaFlagSink {
  const topic = options.topic ?? 'vigie.seller-flags';
  let producer: Producer | undefined;
  return {
    async start() {
      producer = options.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
      });
      try {
        // Vigie owns its output topic: create it when missing (never the platform's topics).
        await ensureTopics(options.kafka, [{ topic, numPartitions: 6 }]);
        await producer.connect();
      } catch (err) {
        throw new VigieError('BROKER_UNAVAILABLE', `could not connect the flag producer`, {
          retriable: true,
          context: { topic },
          cause: err,
        });
      }
    },
    async send(flags) {
      if (flags.length === 0) return;
      if (producer === undefined) {
        throw new VigieError('INTERNAL', 'flag sink used before start()');
      }
      try {
        await producer.send({
          topic,
          acks: -1,
          messages: flags.map((flag) => ({
            key: flag.seller_id,
            value: JSON.stringify(flag),
            headers: { 'vigie-event-type': 'seller.flagged', 'vigie-flag-id': flag.flag_id },
          })),
        });
      } catch (err) {
        // Retriable: the caller does not record the flags as sent, so they are decided again.
        throw new VigieError('BROKER_UNAVAILABLE', `could not produce flags to ${topic}`, {
          retriable: true,
          context: { topic, count: flags.length },
          cause: err,
        });
      }
    },
    async stop() {
      await producer?.disconnect();
      producer = undefined;
    },
  };
}
