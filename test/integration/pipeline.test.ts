import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createExecutor, type ClickHouseExecutor } from '../../features/store/executor.ts';
import { createStore } from '../../features/store/writer.ts';
import type { SellerFeaturesRow } from '../../features/store/tables/seller-features.ts';
import {
  createIngestService,
  createPipeline,
  type FeatureStage,
  type OnChangedSellers,
  type Pipeline,
  type PipelineStore,
} from '../../services/pipeline/index.ts';
import { createPipelineStore } from '../../services/pipeline/store-adapter.ts';
import type { MarketplaceEvent } from '../../streams/contract/index.ts';
import {
  createKafkaDeadLetterSink,
  DeadLetterRecordSchema,
  DEAD_LETTER_TOPIC_CONFIG,
} from '../../streams/dead-letter/index.ts';
import { VigieError } from '../../streams/errors.ts';
import {
  committedOffsets,
  createTestKafka,
  createTopic,
  endOffsets,
  produce,
  readMessages,
  testNames,
  waitFor,
  type OutMessage,
} from '../helpers/kafka-utils.ts';
import { createCountingStage, expectedCounts, makeEvents } from './pipeline-fixtures.ts';

const kafka = createTestKafka(inject('kafkaBrokers'));
const logger = pino({ level: 'silent' });
// chDB opens one data directory per process: one for this file, a database per test.
const dataDir = mkdtempSync(join(tmpdir(), 'vigie-pipeline-'));
const cleanups: Array<() => Promise<void>> = [];

afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  rmSync(dataDir, { recursive: true, force: true });
});

type Names = ReturnType<typeof testNames>;

async function setUpTopics(names: Names, partitions: number) {
  await createTopic(kafka, names.main, partitions);
  await createTopic(kafka, names.priority, 1);
  await createTopic(kafka, names.deadLetter, 1, DEAD_LETTER_TOPIC_CONFIG);
}

async function openStore(database: string) {
  const executor = await createExecutor({ dataDir, database, logger });
  const store = createStore({ executor, logger });
  await store.migrate();
  cleanups.push(() => executor.close());
  return { executor, store: createPipelineStore({ store, logger }) };
}

interface RunOptions {
  stage?: FeatureStage<SellerFeaturesRow>;
  wrapStore?: (s: PipelineStore<SellerFeaturesRow>) => PipelineStore<SellerFeaturesRow>;
  onChanged?: OnChangedSellers;
  batchSize?: number;
}

/** The Kafka ingestion service in this process, over the real store. */
async function startService(
  names: Names,
  store: PipelineStore<SellerFeaturesRow>,
  o: RunOptions = {},
) {
  const producer = kafka.producer();
  await producer.connect();
  const pipeline: Pipeline = createPipeline({
    store: o.wrapStore ? o.wrapStore(store) : store,
    features: o.stage ?? createCountingStage(),
    deadLetters: createKafkaDeadLetterSink({ producer, topic: names.deadLetter }),
    logger,
    onChanged: o.onChanged,
    batchSize: o.batchSize,
  });
  const service = createIngestService({
    kafka,
    pipeline,
    logger,
    groupId: names.group,
    topic: names.main,
    priorityTopic: names.priority,
    backoff: { initialMs: 50, maxMs: 500 },
    // Runs in flight (VIGIE_KAFKA_IN_FLIGHT=2, every run overlapped): the store-down test then
    // fails runs after the next was fetched, and nothing may be lost or doubled.
    inFlight: 2,
  });
  await service.start();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await service.stop();
    await producer.disconnect();
  };
  cleanups.push(stop);
  return { pipeline, stop };
}

async function drained(names: Names, topics = [names.main, names.priority]) {
  await waitFor(
    async () => {
      for (const topic of topics) {
        const group = topic === names.priority ? `${names.group}.priority` : names.group;
        const [committed, end] = await Promise.all([
          committedOffsets(kafka, group, topic),
          endOffsets(kafka, topic),
        ]);
        if (![...end].every(([p, high]) => high === 0n || committed.get(p) === high)) return false;
      }
      return true;
    },
    { what: 'every partition committed to its end', timeoutMs: 60_000 },
  );
}

const keyed = (events: readonly MarketplaceEvent[]): OutMessage[] =>
  events.map((e) => ({ key: e.seller_id, value: JSON.stringify(e) }));

async function latestFeatures(executor: ClickHouseExecutor) {
  const rows = await executor.query<{
    seller_id: string;
    listings_total: number;
    takedowns_total: number;
    notices_trusted_total: number;
    notices_user_total: number;
  }>(
    `SELECT seller_id,
            argMax(listings_total, (as_of, computed_at)) AS listings_total,
            argMax(takedowns_total, (as_of, computed_at)) AS takedowns_total,
            argMax(notices_trusted_total, (as_of, computed_at)) AS notices_trusted_total,
            argMax(notices_user_total, (as_of, computed_at)) AS notices_user_total
     FROM seller_features GROUP BY seller_id ORDER BY seller_id`,
  );
  return new Map(
    rows.map((r) => [
      r.seller_id,
      {
        listings: Number(r.listings_total),
        takedowns: Number(r.takedowns_total),
        trusted: Number(r.notices_trusted_total),
        user: Number(r.notices_user_total),
      },
    ]),
  );
}

async function eventCounts(executor: ClickHouseExecutor) {
  const [row] = await executor.query<{ rows: string; ids: string }>(
    'SELECT count() AS rows, uniqExact(event_id) AS ids FROM events',
  );
  return { rows: Number(row?.rows), ids: Number(row?.ids) };
}

describe('ingestion pipeline on the real broker and store', () => {
  it('stores valid events once, dead-letters each kind of bad input, counts redeliveries once', async () => {
    const names = testNames('pl-once');
    await setUpTopics(names, 3);
    const { executor, store } = await openStore(names.database);
    const events = makeEvents({ seed: 1, sellers: 6, perSeller: 10 });
    const resent = events.filter((_, i) => i % 6 === 0); // 10 duplicates, same partition as originals
    const bad: OutMessage[] = [
      { key: 's1', value: '{"event_id": "x1", "type":' },
      {
        key: 's2',
        value: JSON.stringify({
          ...events[2],
          notifier_type: 'robot',
          type: 'notice.received',
          notice_id: 'n',
          category: 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
        }),
      },
      { key: 's3', value: JSON.stringify({ ...events[3], description: 'x'.repeat(1_200_000) }) },
      { key: 's4', value: null },
      { key: 's5', value: Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]) },
    ];
    await produce(kafka, names.main, [...keyed(events), ...bad, ...keyed(resent)]);

    const first = await startService(names, store);
    await drained(names);
    await first.stop();
    expect(first.pipeline.metrics.counters).toMatchObject({
      accepted: 60,
      duplicates: 10,
      rejected: 5,
    });
    expect(await eventCounts(executor)).toEqual({ rows: 60, ids: 60 });
    expect(await latestFeatures(executor)).toEqual(expectedCounts(events));

    const letters = await readMessages(kafka, names.deadLetter, 5);
    expect(letters).toHaveLength(5);
    const parsed = letters.map((m) => ({
      ...m,
      record: DeadLetterRecordSchema.parse(JSON.parse(m.value!.toString())),
    }));
    expect(parsed.map((p) => p.record.code).sort()).toEqual([
      'INVALID_JSON',
      'INVALID_JSON',
      'INVALID_JSON',
      'OVERSIZE_RECORD',
      'SCHEMA_VIOLATION',
    ]);
    for (const p of parsed) {
      const o = p.record.origin;
      expect(o.kind).toBe('kafka');
      if (o.kind !== 'kafka') continue;
      expect(o.topic).toBe(names.main);
      expect(p.key).toBe(`kafka:${names.main}/${o.partition}@${o.offset}`);
      expect(p.headers['vigie-dead-letter-code']).toBe(p.record.code);
      expect(p.headers['vigie-origin-offset']).toBe(o.offset);
      expect(p.record.reason.length).toBeGreaterThan(0);
    }
    const byCode = (code: string) => parsed.filter((p) => p.record.code === code);
    expect(byCode('SCHEMA_VIOLATION')[0]?.record.reason).toMatch(/notifier_type/);
    const oversize = byCode('OVERSIZE_RECORD')[0]!.record;
    expect(oversize.size).toBe(Buffer.byteLength(bad[2]!.value as string));
    expect(oversize.truncated).toBe(true);
    const originals = new Set(bad.map((b) => Buffer.from(b.value ?? '').toString('base64')));
    for (const p of byCode('INVALID_JSON')) expect(originals.has(p.record.bytes_base64)).toBe(true);

    // Redelivery: the group starts over from offset 0 with a fresh process state (empty caches, a
    // new engine); nothing is accepted again and the features do not move.
    const admin = kafka.admin();
    await admin.connect();
    await admin.resetOffsets({ groupId: names.group, topic: names.main, earliest: true });
    await admin.disconnect();
    const second = await startService(names, store);
    await drained(names);
    await second.stop();
    expect(second.pipeline.metrics.counters).toMatchObject({
      accepted: 0,
      duplicates: 70,
      rejected: 5,
    });
    expect(await eventCounts(executor)).toEqual({ rows: 60, ids: 60 });
    expect(await latestFeatures(executor)).toEqual(expectedCounts(events));
  });

  it('pauses while the store is down and resumes without losing or doubling anything', async () => {
    const names = testNames('pl-down');
    await setUpTopics(names, 2);
    const { executor, store } = await openStore(names.database);
    const events = makeEvents({ seed: 2, sellers: 4, perSeller: 25 });
    await produce(kafka, names.main, keyed(events));
    let failures = 0;
    const service = await startService(names, store, {
      batchSize: 20,
      wrapStore: (s) => ({
        ...s,
        async writeEvents(batch) {
          // Fails three times in a row, then the store is back.
          if (failures < 3) {
            failures += 1;
            throw new VigieError('STORE_UNAVAILABLE', 'store down (test)', { retriable: true });
          }
          return s.writeEvents(batch);
        },
      }),
    });
    await drained(names);
    await service.stop();
    expect(failures).toBe(3);
    // A chunk's write can fail while the next chunk's has already started (the pipeline overlaps
    // them), so one failed batch may account for two of the three failures.
    expect(service.pipeline.metrics.counters.failedBatches).toBeGreaterThanOrEqual(2);
    expect(service.pipeline.metrics.counters.accepted).toBe(100);
    expect(await eventCounts(executor)).toEqual({ rows: 100, ids: 100 });
    expect(await latestFeatures(executor)).toEqual(expectedCounts(events));
  });

  it('applies a trusted-flagger notice from the priority topic before the main backlog is done', async () => {
    const names = testNames('pl-prio');
    await setUpTopics(names, 1);
    const { executor, store } = await openStore(names.database);
    const backlog = makeEvents({ seed: 3, sellers: 20, perSeller: 100 });
    const notice: MarketplaceEvent = {
      event_id: 'tf-notice-1',
      type: 'notice.received',
      occurred_at: '2030-01-08T09:00:00Z',
      seller_id: 's7',
      notice_id: 'tf-1',
      notifier_type: 'trusted_flagger',
      category: 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
    };
    // The main copy of the notice sits at the very end of the backlog.
    await produce(kafka, names.main, keyed([...backlog, notice]));
    let mainApplied = 0;
    let mainAppliedWhenNoticeApplied: number | undefined;
    const stage = createCountingStage();
    const service = await startService(names, store, {
      // A slow engine on the main lane: the backlog takes a while to drain, one 50-event chunk
      // per 100 ms, each holding the lane lock (onChanged runs once per batch, after all of
      // its chunks, so it cannot slow the drain).
      stage: {
        ...stage,
        async apply(events) {
          if (events.some((e) => e.event.event_id === notice.event_id)) return stage.apply(events);
          await new Promise((r) => setTimeout(r, 100));
          const changed = await stage.apply(events);
          mainApplied += events.length;
          return changed;
        },
      },
      batchSize: 50,
      onChanged: async (_sellers, { priority }) => {
        if (priority) mainAppliedWhenNoticeApplied ??= mainApplied;
      },
    });
    await waitFor(() => mainApplied > 0, { what: 'the main backlog to start draining' });
    await produce(kafka, names.priority, keyed([notice]));
    await drained(names);
    await service.stop();
    expect(mainAppliedWhenNoticeApplied).toBeDefined();
    expect(mainAppliedWhenNoticeApplied!).toBeLessThan(backlog.length);
    // The main copy was a duplicate: stored once, counted once.
    expect(await eventCounts(executor)).toEqual({ rows: 2_001, ids: 2_001 });
    expect(service.pipeline.metrics.counters.duplicates).toBe(1);
    expect((await latestFeatures(executor)).get('s7')?.trusted).toBe(1);
  });
});
