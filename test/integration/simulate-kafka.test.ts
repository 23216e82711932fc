import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { decodeRecord } from '../../streams/contract/index.ts';
import { produceToKafka, simulateMarketplace } from '../../services/simulator/index.ts';
import { createTestKafka, uniqueName, waitFor } from '../helpers/kafka/index.ts';

/**
 * `vigie simulate --kafka` against the real broker: every line arrives, keyed by its seller, each
 * seller's events in one partition, in the order they were produced; trusted-flagger and
 * authority notices are copied to the priority topic.
 */
describe('simulator → Kafka', () => {
  it('produces the whole stream keyed by seller id', async () => {
    const kafka = createTestKafka(inject('kafkaBrokers'));
    const topic = uniqueName('test.simulate');
    const priorityTopic = uniqueName('test.simulate.priority');
    const sim = simulateMarketplace({ sellers: 60, days: 7, seed: 'kafka' });
    const expected = [...sim.records()];

    const admin = kafka.admin();
    await admin.connect();
    onTestFinished(async () => {
      await admin.deleteTopics({ topics: [topic, priorityTopic] }).catch(() => undefined);
      await admin.disconnect();
    });
    // Small requests, so that the run has many batches.
    const written = await produceToKafka(sim.records(), {
      kafka,
      topic,
      partitions: 3,
      batchMessages: 500,
      priorityTopic,
    });
    expect(written.lines).toBe(expected.length);

    const seen: Array<{ key: string; value: string; partition: number }> = [];
    const priority: string[] = [];
    const consumer = kafka.consumer({
      groupId: uniqueName('test.simulate.group'),
      maxWaitTimeInMs: 250,
    });
    onTestFinished(() => consumer.disconnect());
    await consumer.connect();
    await consumer.subscribe({ topics: [topic, priorityTopic], fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          if (batch.topic === priorityTopic) {
            priority.push(m.value?.toString() ?? '');
            continue;
          }
          seen.push({
            key: m.key?.toString() ?? '',
            value: m.value?.toString() ?? '',
            partition: batch.partition,
          });
        }
      },
    });
    const notices = expected.filter((r) => {
      const d = decodeRecord(r.line);
      return (
        d.ok &&
        d.event.type === 'notice.received' &&
        (d.event.notifier_type === 'trusted_flagger' || d.event.notifier_type === 'authority')
      );
    });
    expect(notices.length).toBeGreaterThan(0);
    await waitFor(() => seen.length >= expected.length && priority.length >= notices.length, {
      what: 'every simulated record and priority notice',
    });
    expect(priority.sort()).toEqual(notices.map((r) => r.line).sort());

    expect(seen.map((m) => m.value).sort()).toEqual(expected.map((r) => r.line).sort());
    const partitionsOf = new Map<string, Set<number>>();
    for (const m of seen) {
      partitionsOf.set(m.key, (partitionsOf.get(m.key) ?? new Set()).add(m.partition));
      const decoded = decodeRecord(m.value);
      if (decoded.ok) expect(m.key).toBe(decoded.event.seller_id);
    }
    expect([...partitionsOf.values()].every((p) => p.size === 1)).toBe(true);
    expect(new Set(partitionsOf.keys())).toEqual(new Set(Object.keys(sim.truth.sellers)));
    // Within a partition, a seller's records keep the order they were produced in.
    const bySeller = (list: Array<{ key: string; value: string }>) => {
      const out = new Map<string, string[]>();
      for (const r of list) out.set(r.key, [...(out.get(r.key) ?? []), r.value]);
      return out;
    };
    expect(bySeller(seen)).toEqual(bySeller(expected.map((r) => ({ key: r.key, value: r.line }))));
  });
});
