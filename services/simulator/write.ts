import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Partitioners, type Kafka, type Message } from 'kafkajs';
import { ensureTopics } from '../../streams/kafka/index.ts';
import { VigieError } from '../../streams/errors.ts';
import type { SimulatedRecord } from './mess.ts';
import type { SimulationTruth } from './truth.ts';

/** The simulator's only I/O: NDJSON to a file or stream, records to Kafka, the truth file. */

export interface WriteCounts {
  lines: number;
  bytes: number;
}

/** Bytes per write: large writes keep the syscall and stream overhead per line negligible. */
const CHUNK_BYTES = 1 << 20;

/**
 * Writes `lines` as NDJSON to `path` (or to an open writable such as stdout), honouring
 * back-pressure. Resolves once everything is flushed and the file closed.
 */
export async function writeNdjson(
  lines: Iterable<string>,
  target: string | NodeJS.WritableStream,
): Promise<WriteCounts> {
  const own = typeof target === 'string';
  const out = own ? createWriteStream(target, { highWaterMark: CHUNK_BYTES }) : target;
  const failed = own ? once(out, 'error').then(([err]) => Promise.reject(err)) : null;
  failed?.catch(() => undefined);
  const counts: WriteCounts = { lines: 0, bytes: 0 };
  // Lines are encoded straight into a chunk buffer: joining them first would build one more
  // large string (two bytes per character as soon as one line has a non-Latin-1 character).
  let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = 0;
  const flush = async (): Promise<void> => {
    if (used === 0) return;
    const full = chunk.subarray(0, used);
    chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    used = 0;
    counts.bytes += full.length;
    if (!out.write(full)) {
      await (failed ? Promise.race([once(out, 'drain'), failed]) : once(out, 'drain'));
    }
  };
  for (const line of lines) {
    counts.lines++;
    // 3 bytes per UTF-16 unit is UTF-8's worst case; +1 for the newline.
    if (used + 3 * line.length + 1 > CHUNK_BYTES) {
      await flush();
      if (3 * line.length + 1 > CHUNK_BYTES) {
        const big = Buffer.from(`${line}\n`, 'utf8');
        counts.bytes += big.length;
        if (!out.write(big)) await once(out, 'drain');
        continue;
      }
    }
    used += chunk.write(line, used, 'utf8');
    chunk[used++] = 0x0a;
  }
  await flush();
  if (own) {
    const closed = once(out, 'close');
    out.end();
    await (failed ? Promise.race([closed, failed]) : closed);
  }
  return counts;
}

export async function writeTruth(truth: SimulationTruth, path: string): Promise<void> {
  await writeFile(path, `${JSON.stringify(truth)}\n`);
}

export interface KafkaWriteOptions {
  kafka: Kafka;
  topic: string;
  /**
   * Also publish trusted-flagger and authority notices here (the priority lane of
   * docs/ingestion.md: such notices go to both topics). Unset: main topic only.
   */
  priorityTopic?: string;
  /** Partitions when the topic has to be created (an existing topic is left as it is). Default 6. */
  partitions?: number;
  /** Messages per produce request. Default 2,000. */
  batchMessages?: number;
  /**
   * Bytes per produce request. Default 768 KiB: a request's per-partition record batch must
   * stay under the broker's `message.max.bytes` (1 MiB by default).
   */
  batchBytes?: number;
  /**
   * Produce requests in flight. Default 1: kafkajs does not keep concurrent sends in order, and
   * the contract promises each seller's events in order within its partition. More trades that
   * order for throughput.
   */
  maxInFlight?: number;
}

/**
 * Produces the records to `topic`, keyed by seller id, acks from all in-sync replicas
 * (`acks=-1`), in batches. A broker that cannot be reached is a
 * retriable BROKER_UNAVAILABLE error.
 */
export async function produceToKafka(
  records: Iterable<SimulatedRecord>,
  options: KafkaWriteOptions,
): Promise<WriteCounts> {
  const { kafka, topic } = options;
  const batchMessages = options.batchMessages ?? 2_000;
  const batchBytes = options.batchBytes ?? 768 * 1024;
  const maxInFlight = options.maxInFlight ?? 1;
  // The Java-compatible murmur2 partitioner: a seller's events land where any client puts them.
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  try {
    const numPartitions = options.partitions ?? 6;
    const topics = [{ topic, numPartitions }];
    if (options.priorityTopic !== undefined) {
      topics.push({ topic: options.priorityTopic, numPartitions });
    }
    await ensureTopics(kafka, topics);
    await producer.connect();
  } catch (err) {
    throw new VigieError('BROKER_UNAVAILABLE', `cannot reach Kafka to produce to ${topic}`, {
      retriable: true,
      cause: err,
      context: { topic },
    });
  }
  const counts: WriteCounts = { lines: 0, bytes: 0 };
  const inFlight = new Set<Promise<unknown>>();
  let failure: unknown = null;
  const send = (messages: Message[], priority: Message[]): void => {
    const topicMessages = [{ topic, messages }];
    if (priority.length > 0 && options.priorityTopic !== undefined) {
      topicMessages.push({ topic: options.priorityTopic, messages: priority });
    }
    const p = producer
      .sendBatch({ acks: -1, topicMessages })
      .catch((err: unknown) => {
        failure ??= err;
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  try {
    let messages: Message[] = [];
    let priority: Message[] = [];
    let bytes = 0;
    for (const record of records) {
      const size = Buffer.byteLength(record.line, 'utf8');
      const message = { key: record.key, value: record.line };
      messages.push(message);
      if (options.priorityTopic !== undefined && isPriorityNotice(record)) priority.push(message);
      bytes += size;
      counts.lines++;
      counts.bytes += size;
      if (messages.length >= batchMessages || bytes >= batchBytes) {
        send(messages, priority);
        messages = [];
        priority = [];
        bytes = 0;
        while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
        if (failure !== null) break;
      }
    }
    if (failure === null && messages.length > 0) send(messages, priority);
    await Promise.all(inFlight);
  } finally {
    await producer.disconnect();
  }
  if (failure !== null) {
    throw new VigieError('BROKER_UNAVAILABLE', `producing to ${topic} failed`, {
      retriable: true,
      cause: failure,
      context: { topic, queued: counts.lines },
    });
  }
  return counts;
}

/** A valid trusted-flagger or authority notice (lines are the simulator's own: exact text). */
function isPriorityNotice(record: SimulatedRecord): boolean {
  return (
    (record.kind === 'event' || record.kind === 'duplicate') &&
    record.line.includes('"type":"notice.received"') &&
    (record.line.includes('"notifier_type":"trusted_flagger"') ||
      record.line.includes('"notifier_type":"authority"'))
  );
}
