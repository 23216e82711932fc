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
  /**
   * Max bytes of one fetch request, all partitions together. Default: kafkajs' 10 MiB, or
   * `maxBytesPerPartition` × `partitionsConsumedConcurrently` if larger, so that raising the
   * per-partition bound is not cancelled by the total one.
   */
  maxBytes?: number;
  /** Session timeout, ms. Default 30,000. */
  sessionTimeout?: number;
  /**
   * How long a batch may be in hand (handed over, not yet handled or taken) while the source keeps
   * the group session alive for it. kafkajs heartbeats between batches only, so without this a
   * batch held past the session timeout (a large run, or one waiting for the run before it) costs
   * the member its partitions and is delivered again, held again, and so on. Past this bound the
   * heartbeats stop, so a handler that hangs still lets the group move its partitions to another
   * member. Default 300,000 (5 minutes).
   */
  maxInHandMs?: number;
  /** Called after the group assigns partitions (start-up and every rebalance). */
  onAssignment?: (partitions: readonly number[]) => void;
  /** Called after each handled batch with the partition's remaining lag (messages). */
  onLag?: (topic: string, partition: number, lag: number) => void;
  /**
   * Fetch the next batch once the handler has taken this one (`batch.taken()`), before it is
   * acknowledged, so that its writes and detector pass overlap the next batch's work. Offsets are
   * still committed only by `ack`, in order per partition; a batch that fails after it was taken
   * sends its partition back to its first offset (later batches of the partition are then
   * delivered again and not committed). Default false: one batch at a time per partition.
   */
  inFlight?: boolean;
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
/** kafkajs' default bound of one fetch request (`maxBytes`). */
const KAFKAJS_MAX_BYTES = 10 * 1024 * 1024;
/** Defaults of `maxBytesPerPartition` and `partitionsConsumedConcurrently`. */
const PARTITION_MAX_BYTES = 1024 * 1024;
const PARTITIONS_AT_ONCE = 2;

/**
 * The bound of one fetch request: as given, else kafkajs' 10 MiB or, if larger, what the
 * partitions handled at once may each return (a raised per-partition bound would otherwise be
 * capped by the total, and a backlog's runs would not grow).
 */
export function fetchMaxBytes(
  options: Pick<
    KafkaSourceOptions,
    'maxBytes' | 'maxBytesPerPartition' | 'partitionsConsumedConcurrently'
  >,
): number {
  if (options.maxBytes !== undefined) return options.maxBytes;
  const perPartition = options.maxBytesPerPartition ?? PARTITION_MAX_BYTES;
  const atOnce = options.partitionsConsumedConcurrently ?? PARTITIONS_AT_ONCE;
  return Math.max(KAFKAJS_MAX_BYTES, perPartition * atOnce);
}

export function createKafkaSource(options: KafkaSourceOptions): KafkaSource {
  const log = options.logger.child({ component: 'streams.kafka-source', topic: options.topic });
  const consumer = options.kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: options.sessionTimeout ?? 30_000,
    maxBytesPerPartition: options.maxBytesPerPartition ?? PARTITION_MAX_BYTES,
    maxBytes: fetchMaxBytes(options),
    // Fetch returns as soon as data is there; an idle topic is polled every 500 ms.
    maxWaitTimeInMs: 500,
    retry: { retries: 10 },
  });
  const backoff = createBackoff(options.backoff);
  const timers = new Set<NodeJS.Timeout>();
  let stopping = false;
  /**
   * In-flight mode, per partition: an epoch, bumped when a batch fails after the partition moved
   * past it (it is then rewound to that batch), and the settlement of the latest batch handed
   * over. A batch commits only after every earlier batch of its partition has settled, and only
   * if no failure bumped the epoch since it was fetched: nothing after a failed batch is committed
   * before the failed batch is delivered again and acknowledged.
   */
  const epochs = new Map<string, number>();
  const settledChains = new Map<string, Promise<void>>();
  /** Batches taken and handed back to kafkajs, still finishing (in-flight mode). */
  const tails = new Set<Promise<void>>();

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
    const firstOffset = batch.messages[0]!.offset;
    const next = (BigInt(last.offset) + 1n).toString();
    const inFlight = options.inFlight ?? false;
    const epoch = epochs.get(key) ?? 0;
    const previous = settledChains.get(key) ?? Promise.resolve();
    let settle!: () => void;
    settledChains.set(key, new Promise<void>((resolve) => (settle = resolve)));
    let onTaken: (() => void) | undefined;
    const taken = inFlight ? new Promise<void>((resolve) => (onTaken = resolve)) : undefined;
    let acked = false;

    const commit = async () => {
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
    };
    const recordBatch: RecordBatch = {
      records,
      priority: options.priority ?? false,
      ...(onTaken ? { taken: onTaken } : {}),
      ack: async () => {
        if (!inFlight) {
          resolveOffset(last.offset);
          await commit();
        } else {
          await previous;
          // Not after an earlier batch of the partition failed: the rewind delivers this again.
          if ((epochs.get(key) ?? 0) === epoch) await commit();
        }
        acked = true;
      },
    };

    /** The handler settled with the partition not moved on past this batch. */
    const afterHandled = () => {
      if (!acked) {
        // A handler that neither acked nor threw would stall the partition silently: a failure.
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
    /** Taken, then failed: the partition has moved past the batch and goes back to it. */
    const failedAfterTaken = (err: unknown) => {
      // Later than the first failure of the epoch: that rewind covers this batch too.
      if ((epochs.get(key) ?? 0) !== epoch) return;
      epochs.set(key, epoch + 1);
      const delay = backoff.fail(key);
      const retriable = err instanceof VigieError && err.retriable;
      log[retriable ? 'warn' : 'error'](
        { err, partition, firstOffset, delayMs: delay },
        'batch failed after the next was fetched; rewinding the partition and retrying',
      );
      // Batches fetched after it are stale (kafkajs drops them) or, handed over already, finish
      // without committing (their epoch is past).
      consumer.seek({ topic, partition, offset: firstOffset });
      pauseFor(pause, delay);
    };

    const handled = options.onBatch(recordBatch);
    handled.catch(() => undefined);
    const stopBeating = keepSessionAlive(payload.heartbeat, partition);
    void handled.then(stopBeating, stopBeating);
    void taken?.then(stopBeating);
    if (taken) {
      const first = await Promise.race([taken.then(() => 'taken' as const), handled]).catch(
        () => 'failed' as const,
      );
      if (first === 'taken' && !acked) {
        // The next fetch of this partition starts after this batch, which finishes meanwhile;
        // unless an earlier batch failed since this one was fetched: the partition is being
        // rewound to that batch, and resolving here would move it past it again.
        if ((epochs.get(key) ?? 0) === epoch) resolveOffset(last.offset);
        const tail = handled
          .then(
            () => {
              if ((epochs.get(key) ?? 0) !== epoch) return;
              if (acked) afterHandled();
              else failedAfterTaken(new Error('batch handler returned without ack'));
            },
            (err: unknown) => {
              if (!acked) failedAfterTaken(err);
            },
          )
          .finally(settle);
        tails.add(tail);
        void tail.finally(() => tails.delete(tail));
        return;
      }
    }
    try {
      await handled;
    } catch (err) {
      if (acked) throw err;
      const delay = backoff.fail(key);
      const retriable = err instanceof VigieError && err.retriable;
      log[retriable ? 'warn' : 'error'](
        { err, partition, firstOffset, delayMs: delay },
        'batch failed; pausing partition and retrying',
      );
      pauseFor(pause, delay);
      return;
    } finally {
      settle();
    }
    afterHandled();
  };

  /**
   * Heartbeats while a batch is in hand, up to `maxInHandMs`. kafkajs sends one only once its
   * heartbeat interval (3 s) has passed since the last, so asking every second costs nothing more.
   * A failed heartbeat (a rebalance under way) is left to kafkajs, which rejoins once the batch
   * returns; the batch's commit then fails and it is delivered again, deduplicated downstream.
   */
  function keepSessionAlive(heartbeat: () => Promise<void>, partition: number): () => void {
    const since = Date.now();
    const limit = options.maxInHandMs ?? 300_000;
    const timer = setInterval(() => {
      if (Date.now() - since > limit) {
        clearInterval(timer);
        log.warn(
          { partition, inHandMs: Date.now() - since },
          'batch in hand past maxInHandMs; no more heartbeats for it',
        );
        return;
      }
      heartbeat().catch((err: unknown) =>
        log.debug({ err, partition }, 'heartbeat during a batch failed'),
      );
    }, 1_000);
    return () => clearInterval(timer);
  }

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
        partitionsConsumedConcurrently:
          options.partitionsConsumedConcurrently ?? PARTITIONS_AT_ONCE,
        eachBatch,
      });
    },
    async stop(): Promise<void> {
      stopping = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      if (options.inFlight) {
        // Taken batches finish (ack and commit) while this consumer is still in its group.
        consumer.pause([{ topic: options.topic }]);
        while (tails.size > 0) await Promise.allSettled([...tails]);
      }
      // kafkajs waits for the batches in hand to finish (and so to ack and commit) before leaving.
      await consumer.stop();
      while (tails.size > 0) await Promise.allSettled([...tails]);
      await consumer.disconnect();
    },
    paused: () =>
      consumer
        .paused()
        .flatMap(({ topic, partitions }) => partitions.map((partition) => ({ topic, partition }))),
  };
}
