import { CompressionTypes, Partitioners, type Kafka } from 'kafkajs';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { createTestKafka, uniqueName, waitFor } from '../helpers/kafka/index.ts';

/**
 * kafkajs 2.2.4 is no longer maintained; this proves it still works with the broker the tests
 * run (see docs/kafka.md for the versions verified): topics, keyed produce, a consumer group
 * with explicit commits, and a restart that resumes from the committed offsets.
 */

const PARTITIONS = 3;

interface Seen {
  key: string;
  value: string;
  partition: number;
  offset: string;
  headers: Record<string, string>;
}

/**
 * Starts a consumer in `groupId` that records what it reads and commits, by hand, after each
 * batch (autoCommit off, so only these commits can make a restart resume).
 */
async function startConsumer(kafka: Kafka, groupId: string, topic: string, seen: Seen[]) {
  // A short fetch wait: disconnect waits for the fetch in flight (5 s by default).
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 250, retry: { retries: 5 } });
  onTestFinished(() => consumer.disconnect());
  await consumer.connect();
  // fromBeginning: without a committed offset the group would re-read everything.
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      for (const message of batch.messages) {
        seen.push({
          key: message.key?.toString() ?? '',
          value: message.value?.toString() ?? '',
          partition: batch.partition,
          offset: message.offset,
          headers: Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
          ),
        });
        resolveOffset(message.offset);
      }
      await consumer.commitOffsets([
        {
          topic: batch.topic,
          partition: batch.partition,
          offset: (BigInt(batch.lastOffset()) + 1n).toString(),
        },
      ]);
      await heartbeat();
    },
  });
  return consumer;
}

describe('kafkajs against the real broker', () => {
  it('resumes a consumer group from its committed offsets after a restart', async () => {
    const kafka = createTestKafka(inject('kafkaBrokers'));
    const topic = uniqueName('test.kafka-compat');
    const groupId = uniqueName('test.kafka-compat.group');

    const admin = kafka.admin();
    await admin.connect();
    onTestFinished(async () => {
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    });
    const created = await admin.createTopics({
      topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    expect(created).toBe(true);

    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    onTestFinished(() => producer.disconnect());
    await producer.connect();

    // Phase 1: keyed messages, consumed and committed by the group.
    const first = Array.from({ length: 20 }, (_, i) => ({
      key: `seller-${i % 10}`,
      value: `first-${i}`,
    }));
    await producer.send({ topic, acks: -1, messages: first });

    const seenBefore: Seen[] = [];
    const consumer1 = await startConsumer(kafka, groupId, topic, seenBefore);
    await waitFor(() => seenBefore.length >= first.length, { what: 'the first messages' });
    const ends = await admin.fetchTopicOffsets(topic);
    const endOf = new Map(ends.map((p) => [p.partition, p.high]));
    await waitFor(
      async () => {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
        // A partition no key hashed to has nothing to commit (offset -1).
        return (committed?.partitions ?? []).every((p) => {
          const end = endOf.get(p.partition);
          return end === '0' ? p.offset === '-1' : p.offset === end;
        });
      },
      { what: 'the group to commit up to the end of each partition' },
    );
    await consumer1.disconnect();

    expect(seenBefore.map((m) => m.value).sort()).toEqual(first.map((m) => m.value).sort());
    // Keyed: every message of a key lands in one partition.
    const partitionsOfKey = new Map<string, Set<number>>();
    for (const m of seenBefore) {
      partitionsOfKey.set(m.key, (partitionsOfKey.get(m.key) ?? new Set()).add(m.partition));
    }
    expect([...partitionsOfKey.values()].every((parts) => parts.size === 1)).toBe(true);

    // Phase 2: one new message in every partition, then a new consumer in the same group. Each
    // partition is read in offset order, so any old message read again would come before the
    // new one of its partition: once every new one is in, nothing old may have been seen.
    const second = Array.from({ length: PARTITIONS }, (_, partition) => ({
      key: `seller-new-${partition}`,
      value: `second-${partition}`,
      partition,
    }));
    await producer.send({ topic, acks: -1, messages: second });

    const seenAfter: Seen[] = [];
    await startConsumer(kafka, groupId, topic, seenAfter);
    await waitFor(
      () =>
        new Set(seenAfter.filter((m) => m.value.startsWith('second-')).map((m) => m.partition))
          .size === PARTITIONS,
      { what: 'the new message of every partition' },
    );

    expect(seenAfter.map((m) => m.value).sort()).toEqual(second.map((m) => m.value).sort());
    for (const m of seenAfter) {
      expect(BigInt(m.offset)).toBe(BigInt(endOf.get(m.partition) ?? '-1'));
    }
  });

  it('reads back what an idempotent producer wrote with gzip and headers', async () => {
    const kafka = createTestKafka(inject('kafkaBrokers'));
    const topic = uniqueName('test.kafka-compat.idempotent');

    const admin = kafka.admin();
    await admin.connect();
    onTestFinished(async () => {
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    });
    await admin.createTopics({
      topics: [{ topic, numPartitions: PARTITIONS }],
      waitForLeaders: true,
    });

    // As the flag sink produces: idempotent (InitProducerId, sequence numbers), one in flight.
    const producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    onTestFinished(() => producer.disconnect());
    await producer.connect();
    const sent = Array.from({ length: 6 }, (_, i) => ({
      key: `seller-${i}`,
      value: JSON.stringify({ n: i, text: 'é∑ — ok' }),
      headers: { 'content-type': 'application/json', seq: String(i) },
    }));
    const acks = await producer.send({
      topic,
      acks: -1,
      compression: CompressionTypes.GZIP,
      messages: sent,
    });
    expect(acks.every((a) => a.errorCode === 0)).toBe(true);

    const seen: Seen[] = [];
    await startConsumer(kafka, uniqueName('test.kafka-compat.idempotent.group'), topic, seen);
    await waitFor(() => seen.length >= sent.length, { what: 'the idempotent writes' });

    const byKey = new Map(seen.map((m) => [m.key, m]));
    expect(seen).toHaveLength(sent.length);
    for (const m of sent) {
      expect(byKey.get(m.key)?.value).toBe(m.value);
      expect(byKey.get(m.key)?.headers).toEqual(m.headers);
    }
  });
});
