import pino from 'pino';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { RecordBatch } from '../../streams/contract/index.ts';
import { VigieError } from '../../streams/errors.ts';
import { createKafkaSource, type KafkaSource } from '../../streams/kafka/index.ts';
import {
  committedOffsets,
  createTestKafka,
  createTopic,
  endOffsets,
  produce,
  testNames,
  waitFor,
} from '../helpers/kafka-utils.ts';

const brokers = inject('kafkaBrokers');
const logger = pino({ level: 'silent' });
const kafka = createTestKafka(brokers);
const sources: KafkaSource[] = [];

afterEach(async () => {
  await Promise.allSettled(sources.splice(0).map((s) => s.stop()));
});

function messages(n: number) {
  return Array.from({ length: n }, (_, i) => ({ key: `seller-${i % 5}`, value: `m${i}` }));
}

describe('Kafka source', () => {
  it('commits only acknowledged batches and redelivers a failed one after pausing', async () => {
    const names = testNames('ks-fail');
    await createTopic(kafka, names.main, 2);
    await produce(kafka, names.main, messages(40));

    const acked: string[] = [];
    const deliveries = new Map<string, number>();
    let failures = 0;
    let pausedDuringFailure = false;
    const source = createKafkaSource({
      kafka,
      logger,
      groupId: names.group,
      topic: names.main,
      backoff: { initialMs: 1_000 },
      onBatch: async (batch: RecordBatch) => {
        for (const r of batch.records) {
          const key = `${r.origin.kind === 'kafka' ? r.origin.partition : -1}@${r.bytes}`;
          deliveries.set(key, (deliveries.get(key) ?? 0) + 1);
        }
        if (failures === 0) {
          failures += 1;
          throw new VigieError('STORE_UNAVAILABLE', 'store down (test)', { retriable: true });
        }
        await batch.ack();
        acked.push(...batch.records.map((r) => r.bytes.toString()));
      },
    });
    sources.push(source);
    await source.start();
    await waitFor(() => failures === 1, { what: 'the first (failing) batch' });
    await waitFor(
      () => {
        pausedDuringFailure ||= source.paused().length === 1;
        return acked.length >= 40;
      },
      { what: 'all 40 messages acknowledged' },
    );
    expect(pausedDuringFailure).toBe(true);
    expect([...acked].sort()).toEqual(
      messages(40)
        .map((m) => m.value)
        .sort(),
    );
    // The failed batch was delivered twice; nothing else was.
    expect([...deliveries.values()].some((n) => n === 2)).toBe(true);
    expect([...deliveries.values()].every((n) => n <= 2)).toBe(true);
    await waitFor(
      async () => {
        const [committed, end] = await Promise.all([
          committedOffsets(kafka, names.group, names.main),
          endOffsets(kafka, names.main),
        ]);
        return [...end].every(([p, high]) => committed.get(p) === high);
      },
      { what: 'offsets committed to the end of each partition' },
    );
  });

  it('keeps per-partition order with several partitions in flight', async () => {
    const names = testNames('ks-order');
    await createTopic(kafka, names.main, 3);
    await produce(kafka, names.main, messages(60));
    const seen = new Map<number, bigint[]>();
    let total = 0;
    const source = createKafkaSource({
      kafka,
      logger,
      groupId: names.group,
      topic: names.main,
      partitionsConsumedConcurrently: 3,
      onBatch: async (batch) => {
        for (const r of batch.records) {
          if (r.origin.kind !== 'kafka') continue;
          const list = seen.get(r.origin.partition) ?? [];
          list.push(BigInt(r.origin.offset));
          seen.set(r.origin.partition, list);
        }
        total += batch.records.length;
        await batch.ack();
      },
    });
    sources.push(source);
    await source.start();
    await waitFor(() => total >= 60, { what: '60 messages' });
    for (const offsets of seen.values()) {
      expect(offsets).toEqual([...offsets].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      expect(new Set(offsets).size).toBe(offsets.length);
    }
  });

  it('on stop, finishes the batch in hand and commits it', async () => {
    const names = testNames('ks-stop');
    await createTopic(kafka, names.main, 1);
    await produce(kafka, names.main, messages(10));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let inHand = false;
    let processed = 0;
    const source = createKafkaSource({
      kafka,
      logger,
      groupId: names.group,
      topic: names.main,
      onBatch: async (batch) => {
        inHand = true;
        await gate;
        processed += batch.records.length;
        await batch.ack();
      },
    });
    await source.start();
    await waitFor(() => inHand, { what: 'a batch in hand' });
    const stopping = source.stop();
    release();
    await stopping;
    expect(processed).toBeGreaterThan(0);
    const committed = await committedOffsets(kafka, names.group, names.main);
    expect(committed.get(0)).toBe(BigInt(processed));
  });

  describe('a batch in hand longer than the session timeout (6 s)', () => {
    /**
     * 10 messages on one partition, consumed under a 6 s session by a source whose handler holds
     * the first delivery 10 s and acks later ones at once; counts deliveries and group joins.
     */
    async function holdFirstDelivery(name: string, maxInHandMs?: number) {
      const names = testNames(name);
      await createTopic(kafka, names.main, 1);
      await produce(kafka, names.main, messages(10));
      const seen = { deliveries: [] as string[], joins: 0 };
      const source = createKafkaSource({
        kafka,
        logger,
        groupId: names.group,
        topic: names.main,
        sessionTimeout: 6_000,
        maxInHandMs,
        onBatch: async (batch: RecordBatch) => {
          const first = seen.deliveries.length === 0;
          seen.deliveries.push(...batch.records.map((r) => r.bytes.toString()));
          if (first) await new Promise((r) => setTimeout(r, 10_000));
          await batch.ack();
        },
      });
      source.consumer.on(source.consumer.events.GROUP_JOIN, () => (seen.joins += 1));
      sources.push(source);
      await source.start();
      await waitFor(
        async () => (await committedOffsets(kafka, names.group, names.main)).get(0) === 10n,
        { what: 'offset 10 committed', timeoutMs: 60_000 },
      );
      return seen;
    }

    it('stays in the group: committed once, one join, no redelivery', async () => {
      // kafkajs heartbeats between batches only: a batch held past the session timeout (a large
      // run on a slow machine, or one waiting for the run before it) cost the member its
      // partitions, and the batch came again and was held again, unless the source heartbeats.
      const seen = await holdFirstDelivery('ks-long');
      expect([...seen.deliveries].sort()).toEqual(
        messages(10)
          .map((m) => m.value)
          .sort(),
      );
      expect(seen.joins).toBe(1);
    });

    it('stops heartbeating past maxInHandMs, so a hung batch lets the group move on', async () => {
      const seen = await holdFirstDelivery('ks-hung', 1_000);
      // The session expired under the held batch: the group rejoined and delivered it again.
      expect(seen.joins).toBeGreaterThanOrEqual(2);
      expect(seen.deliveries.filter((v) => v === 'm0')).toHaveLength(2);
    });
  });

  describe('with batches in flight', () => {
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    /** 30 messages in 10 record batches on one partition, fetched a record batch at a time. */
    async function tenBatches(name: string) {
      const names = testNames(name);
      await createTopic(kafka, names.main, 1);
      await produce(kafka, names.main, messages(30), { perSend: 3 });
      return names;
    }
    const offsetOf = (r: RecordBatch['records'][number]) =>
      r.origin.kind === 'kafka' ? Number(r.origin.offset) : -1;
    /** An in-flight source on `names.main`, fetching a record batch (3 messages) at a time. */
    async function startInFlight(
      names: ReturnType<typeof testNames>,
      o: Pick<Parameters<typeof createKafkaSource>[0], 'onBatch' | 'backoff'>,
    ) {
      const source = createKafkaSource({
        kafka,
        logger,
        groupId: names.group,
        topic: names.main,
        maxBytesPerPartition: 64,
        inFlight: true,
        ...o,
      });
      sources.push(source);
      await source.start();
    }
    const allCommitted = (names: ReturnType<typeof testNames>) =>
      waitFor(async () => (await committedOffsets(kafka, names.group, names.main)).get(0) === 30n, {
        what: 'offset 30 committed',
      });

    it('hands over the next batch before the previous is acknowledged; commits all in order', async () => {
      const names = await tenBatches('ks-inflight');
      const delivered: number[] = [];
      let pending = 0;
      let overlapped = 0;
      await startInFlight(names, {
        onBatch: async (batch) => {
          if (pending > 0) overlapped += 1;
          pending += 1;
          delivered.push(...batch.records.map(offsetOf));
          batch.taken!();
          // The batch's writes, as the pipeline's tail: the next batch comes in meanwhile.
          await sleep(100);
          await batch.ack();
          pending -= 1;
        },
      });
      await waitFor(() => delivered.length >= 30, { what: '30 messages' });
      expect(delivered).toEqual(Array.from({ length: 30 }, (_, i) => i));
      expect(overlapped).toBeGreaterThan(0);
      await allCommitted(names);
    });

    it('rewinds to a batch that fails after it was taken, committing nothing past it until then', async () => {
      const names = await tenBatches('ks-inflight-fail');
      const deliveries = new Map<number, number>();
      const acked = new Set<number>();
      /** Offsets whose batch called ack (it returns only once the earlier batches settled). */
      const acking = new Set<number>();
      let failedFrom: number | undefined;
      let failedAt: number | undefined;
      let laterHandedOver = false;
      await startInFlight(names, {
        backoff: { initialMs: 2_000 },
        onBatch: async (batch) => {
          const offsets = batch.records.map(offsetOf);
          for (const o of offsets) deliveries.set(o, (deliveries.get(o) ?? 0) + 1);
          if (failedFrom !== undefined && offsets[0]! > failedFrom) laterHandedOver = true;
          batch.taken!();
          if (failedFrom === undefined && offsets.includes(12)) {
            failedFrom = offsets[0]!;
            // Fails only once later batches were handed over and acknowledged.
            await waitFor(() => laterHandedOver && acking.has(failedFrom! + 6), {
              what: 'later batches acknowledged while this one is in flight',
            });
            failedAt = Date.now();
            throw new VigieError('STORE_UNAVAILABLE', 'store down (test)', { retriable: true });
          }
          await sleep(20);
          for (const o of offsets) acking.add(o);
          await batch.ack();
          for (const o of offsets) acked.add(o);
        },
      });
      await waitFor(() => failedAt !== undefined, { what: 'the failing batch' });
      // Within the 2 s back-off: the later batches were acknowledged, but nothing past the failed
      // batch may be committed.
      await sleep(500);
      const during = (await committedOffsets(kafka, names.group, names.main)).get(0) ?? -1n;
      expect(Date.now() - failedAt!).toBeLessThan(2_000);
      expect(during).toBeLessThanOrEqual(BigInt(failedFrom!));
      await waitFor(() => acked.size === 30, { what: 'all 30 messages acknowledged' });
      // The failed batch came again; so may have the batches fetched after it.
      expect(deliveries.get(failedFrom!)).toBe(2);
      expect([...deliveries.keys()].sort((a, b) => a - b)).toEqual(
        Array.from({ length: 30 }, (_, i) => i),
      );
      await allCommitted(names);
    });
  });
});
