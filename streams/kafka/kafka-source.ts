import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { RawRecord, RecordBatch } from '../contract/index.ts';
import { VigieError } from '../errors.ts';
import { createBackoff, type BackoffOptions } from './backoff.ts';

export interface KafkaSourceOptions {
  kafka: Kafka;
  groupId: string;
  topic: string;
  /** Marks every batch as the priority lane. Default false. */
  priority?: boolean;
  /**
   * Handles one batch: must call `batch.ack()` once the batch is durably stored. A throw (or a
   * return without ack) leaves the offsets where they were: the partition is paused, backs off,
   * resumes, and the same records are delivered again.
   */
  onBatch: (batch: RecordBatch) => Promise<void>;
  logger: Logger;
  /**
   * Partitions handled at once by this consumer. Default 2, so one slow partition does not hold
   * the others.
   */
  partitionsConsumedConcurrently?: number;
  /** Back-off between tries of a failing partition. Default 200 ms doubling to 30 s. */
  backoff?: BackoffOptions;
  /** A new group starts at the beginning of the topic, so nothing produced before is lost. */
  fromBeginning?: boolean;
  /** Max bytes fetched per partition per request. Default 1 MiB (a batch's upper bound). */
  maxBytesPerPartition?: number;
  /** Session timeout, ms. Default 30,000. */
  sessionTimeout?: number;
  /** Called after the group assigns partitions (start-up and every rebalance). */
  onAssignment?: (partitions: readonly number[]) => void;
  /** Called after each handled batch with the partition's remaining lag (messages). */
  onLag?: (topic: string, partition: number, lag: number) => void;
}

export interface KafkaSource {
  start(): Promise<void>;
  /** Finishes the batches in hand (they ack and commit), leaves the group, disconnects. */
  stop(): Promise<void>;
  /** Partitions currently paused after a failure (for health and tests). */
  paused(): Array<{ topic: string; partition: number }>;
  readonly consumer: Consumer;
}

/**
 * A Kafka consumer group as a source of record batches. Offsets are resolved and committed only by
 * `batch.ack()`, i.e. after the pipeline has stored the batch; kafkajs' auto-commit and
 * auto-resolve are off. Per-partition order holds: a partition's next batch is fetched only after
 * the previous one was handled (kafkajs fetches from the last resolved offset).
 */
export function createKafkaSource(options: KafkaSourceOptions): KafkaSource {
  const log = options.logger.child({ component: 'streams.kafka-source', topic: options.topic });
  const consumer = options.kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: options.sessionTimeout ?? 30_000,
    maxBytesPerPartition: options.maxBytesPerPartition ?? 1024 * 1024,
    // Fetch returns as soon as data is there; an idle topic is polled every 500 ms.
    maxWaitTimeInMs: 500,
    retry: { retries: 10 },
  });
  const backoff = createBackoff(options.backoff);
  const timers = new Set<NodeJS.Timeout>();
  let stopping = false;

  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    const partitions = event.payload.memberAssignment[options.topic] ?? [];
    log.info({ partitions, groupId: options.groupId }, 'partitions assigned');
    options.onAssignment?.(partitions);
  });

  const eachBatch = async (payload: EachBatchPayload): Promise<void> => {
    const { batch, resolveOffset, commitOffsetsIfNecessary, pause, isRunning, isStale } = payload;
    const { topic, partition } = batch;
    const last = batch.messages[batch.messages.length - 1];
    if (!last || !isRunning() || isStale()) return;
    const key = `${topic}/${partition}`;
    const receivedAt = Date.now();
    const records: RawRecord[] = batch.messages.map((m) => ({
      // A null value (tombstone) is not an event: it becomes a dead letter like any bad record.
      bytes: m.value ?? Buffer.alloc(0),
      origin: { kind: 'kafka', topic, partition, offset: m.offset },
      receivedAt,
    }));
    let acked = false;
    const recordBatch: RecordBatch = {
      records,
      priority: options.priority ?? false,
      ack: async () => {
        resolveOffset(last.offset);
        const next = (BigInt(last.offset) + 1n).toString();
        try {
          await commitOffsetsIfNecessary({
            topics: [{ topic, partitions: [{ partition, offset: next }] }],
          });
        } catch (err) {
          // The batch is stored; a lost commit only means a redelivery, which is deduplicated.
          log.warn(
            { err, partition, offset: next },
            'offset commit failed; batch may be redelivered',
          );
        }
        acked = true;
      },
    };
    try {
      await options.onBatch(recordBatch);
    } catch (err) {
      if (acked) throw err;
      const delay = backoff.fail(key);
      const retriable = err instanceof VigieError && err.retriable;
      log[retriable ? 'warn' : 'error'](
        { err, partition, firstOffset: batch.firstOffset(), delayMs: delay },
        'batch failed; pausing partition and retrying',
      );
      pauseFor(pause, delay);
      return;
    }
    if (!acked) {
      // A handler that neither acked nor threw would stall the partition silently: treat as failure.
      const delay = backoff.fail(key);
      log.error({ partition, delayMs: delay }, 'batch handler returned without ack; retrying');
      pauseFor(pause, delay);
      return;
    }
    backoff.succeed(key);
    const high = BigInt(batch.highWatermark);
    const lag = Number(high - BigInt(last.offset) - 1n);
    options.onLag?.(topic, partition, Math.max(0, lag));
  };

  function pauseFor(pause: () => () => void, delayMs: number): void {
    // Paused partitions are not fetched: nothing is buffered while the store is down.
    const resume = pause();
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!stopping) resume();
    }, delayMs);
    timers.add(timer);
  }

  return {
    consumer,
    async start(): Promise<void> {
      try {
        await consumer.connect();
        await consumer.subscribe({
          topics: [options.topic],
          fromBeginning: options.fromBeginning ?? true,
        });
      } catch (err) {
        throw new VigieError('BROKER_UNAVAILABLE', `cannot consume ${options.topic}`, {
          retriable: true,
          context: { topic: options.topic, groupId: options.groupId },
          cause: err,
        });
      }
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 2,
        eachBatch,
      });
    },
    async stop(): Promise<void> {
      stopping = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      // kafkajs waits for the batches in hand to finish (and so to ack and commit) before leaving.
      await consumer.stop();
      await consumer.disconnect();
    },
    paused: () =>
      consumer
        .paused()
        .flatMap(({ topic, partitions }) => partitions.map((partition) => ({ topic, partition }))),
  };
}
