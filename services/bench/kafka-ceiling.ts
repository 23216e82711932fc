import type { Kafka } from 'kafkajs';
import { VigieError } from '../../streams/errors.ts';
import type { Throughput } from './report.ts';
import { stopwatch, throughput } from './stats.ts';

export interface CeilingOptions {
  kafka: Kafka;
  topic: string;
  groupId: string;
  /** Messages on the topic: the run ends when this many were read. */
  expected: number;
  /** As the pipeline's consumer, so only the work differs. */
  partitionsConsumedConcurrently: number;
  maxBytesPerPartition: number;
  timeoutMs: number;
}

/**
 * The transport ceiling: a kafkajs consumer group that reads the topic from the beginning and
 * only JSON-parses each value (auto-commit, nothing stored). What any Node consumer of this
 * broker on this machine can reach before doing real work.
 */
export async function measureKafkaCeiling(
  options: CeilingOptions,
): Promise<Throughput & { startup_s: number }> {
  const consumer = options.kafka.consumer({
    groupId: options.groupId,
    maxBytesPerPartition: options.maxBytesPerPartition,
    maxWaitTimeInMs: 500,
  });
  let read = 0;
  let first: number | undefined;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [options.topic], fromBeginning: true });
    const started = performance.now();
    const watch = stopwatch();
    await consumer.run({
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
      eachBatch: async ({ batch }) => {
        first ??= performance.now();
        for (const message of batch.messages) {
          try {
            JSON.parse(message.value?.toString('utf8') ?? '');
          } catch {
            // Malformed lines are part of the stream; parsing them is the cost measured.
          }
        }
        read += batch.messages.length;
        if (read >= options.expected) finish();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new VigieError('INTERNAL', `transport baseline read ${read} of ${options.expected}`),
          ),
        options.timeoutMs,
      );
    });
    try {
      await Promise.race([done, timeout]);
    } finally {
      clearTimeout(timer);
    }
    const end = performance.now();
    return {
      ...throughput(read, end - (first ?? started), watch.cpuMs()),
      startup_s: Math.round((first ?? started) - started) / 1000,
    };
  } finally {
    await consumer.disconnect();
  }
}
