import type { IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { createTestKafka, uniqueName, waitFor } from './kafka/index.ts';

export { createTestKafka, uniqueName, waitFor };

/** Topic, group and database names for one test: unique on a shared broker and chDB. */
export function testNames(prefix: string) {
  const id = uniqueName(prefix).split('.').pop()!;
  return {
    main: `${prefix}.events.${id}`,
    priority: `${prefix}.priority.${id}`,
    deadLetter: `${prefix}.dead-letter.${id}`,
    group: `${prefix}.group.${id}`,
    database: `t_${prefix.replace(/[^A-Za-z0-9]/g, '_')}_${id}`,
  };
}

/** Creates a topic (with room for records over 1 MiB, to test the oversize path). */
export async function createTopic(
  kafka: Kafka,
  topic: string,
  numPartitions = 1,
  config: Record<string, string> = { 'max.message.bytes': String(4 * 1024 * 1024) },
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          numPartitions,
          configEntries: Object.entries(config).map(([name, value]) => ({ name, value })),
        },
      ],
    });
  } finally {
    await admin.disconnect();
  }
}

export interface OutMessage {
  key: string;
  value: string | Buffer | null;
  partition?: number;
}

/**
 * Produces messages (acks from all replicas) and disconnects. `perSend` messages go in one request;
 * Kafka stores them as one record batch per partition, and a consumer fetch never splits one, so
 * a small `perSend` makes small consumer batches.
 */
export async function produce(
  kafka: Kafka,
  topic: string,
  messages: OutMessage[],
  { perSend = 1_000 }: { perSend?: number } = {},
): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += perSend) {
      await producer.send({ topic, acks: -1, messages: messages.slice(i, i + perSend) });
    }
  } finally {
    await producer.disconnect();
  }
}

export interface ReadMessage {
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

function headersOf(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v !== undefined) out[k] = Array.isArray(v) ? String(v[0]) : String(v);
  }
  return out;
}

/** Reads a topic from the beginning until `count` messages came (or fails after the timeout). */
export async function readMessages(
  kafka: Kafka,
  topic: string,
  count: number,
  timeoutMs = 30_000,
): Promise<ReadMessage[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 200 });
  const out: ReadMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }: { partition: number; message: KafkaMessage }) => {
        out.push({
          partition,
          offset: message.offset,
          key: message.key?.toString('utf8') ?? null,
          value: message.value,
          headers: headersOf(message.headers),
        });
      },
    });
    await waitFor(() => out.length >= count, { timeoutMs, what: `${count} messages in ${topic}` });
  } finally {
    await consumer.disconnect();
  }
  return out;
}

/** The group's committed offset per partition of `topic` (-1 when none). */
export async function committedOffsets(
  kafka: Kafka,
  groupId: string,
  topic: string,
): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((entry?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
  } finally {
    await admin.disconnect();
  }
}

/** The end offset (high watermark) per partition of `topic`. */
export async function endOffsets(kafka: Kafka, topic: string): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((p) => [p.partition, BigInt(p.high)]));
  } finally {
    await admin.disconnect();
  }
}

/** Waits until `group` has committed every partition of `topic` up to its end offset. */
export async function waitForGroupDrained(
  kafka: Kafka,
  group: string,
  topic: string,
  timeoutMs = 90_000,
): Promise<void> {
  await waitFor(
    async () => {
      const [committed, end] = await Promise.all([
        committedOffsets(kafka, group, topic),
        endOffsets(kafka, topic),
      ]);
      return [...end].every(([p, high]) => committed.get(p) === high);
    },
    { what: `group ${group} committed to the end of ${topic}`, timeoutMs },
  );
}
