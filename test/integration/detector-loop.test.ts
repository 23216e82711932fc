import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  DEFAULT_POLICY_DOCUMENT,
  FEATURE_NAMES,
  loadDetectorModel,
  parsePolicy,
  trainDetectorModel,
} from '../../detectors/index.ts';
import { createStore, type Store } from '../../features/store/index.ts';
import { SellerFlaggedSchema, type SellerFlagged } from '../../streams/contract/index.ts';
import { VigieError } from '../../streams/errors.ts';
import {
  createClickHouseDetectorStore,
  createDetectorLoop,
  createKafkaFlagSink,
  createStoreWebhookDeadLetters,
  createWebhookSender,
  verifyWebhookSignature,
  type DetectorLoop,
  type FlagSink,
  type KafkaFlagSink,
  type ModelFactory,
  type WebhookSender,
} from '../../services/detector/index.ts';
import { chdbBackend, featureRow } from '../helpers/clickhouse.ts';
import {
  createTestKafka,
  createTopic,
  endOffsets,
  readMessages,
  testNames,
} from '../helpers/kafka-utils.ts';

const logger = pino({ level: 'silent' });
/** The default policy, but letting the forest flag alone (the default does not), to test both paths. */
const policy = parsePolicy({
  ...(DEFAULT_POLICY_DOCUMENT as object),
  anomaly: { flag_alone: true, severity: 'low' },
});
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-03-01T10:00:00Z');
const SECRET = 'whsec_detector_loop_test';
const kafka = createTestKafka(inject('kafkaBrokers'));
const names = testNames('detector');
const backend = chdbBackend();

/** Seeded population of ordinary sellers (no Math.random). */
function population(n: number): Array<Record<string, number>> {
  let s = 12345;
  const rand = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  return Array.from({ length: n }, () => ({
    account_age_days: Math.floor(60 + rand() * 1500),
    listings_total: Math.floor(1 + rand() * 60),
    listings_7d: Math.floor(rand() * 4),
    listing_velocity_ratio: 0.5 + rand(),
    takedowns_total: rand() < 0.1 ? 1 : 0,
    price_vs_category_median: 0.7 + rand() * 0.6,
  }));
}

const models: ModelFactory = {
  features: FEATURE_NAMES,
  train: (rows, { seed, trainedAt }) =>
    trainDetectorModel(rows, { seed, trainedAt, trees: 50, contamination: 0.02 }),
  load: loadDetectorModel,
};

/** Features the default policy flags on rules alone: three illegal takedowns in 90 days. */
const RECIDIVIST = {
  takedowns_illegal_90d: 3,
  takedowns_90d: 3,
  takedowns_total: 3,
  takedown_rate_smoothed: 0.1,
};

/** A flag sink that records the seller of every flag it is sent. */
function recordingSink(): { sink: FlagSink; sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    sink: {
      send: async (flags) => {
        sent.push(...flags.map((f) => f.seller_id));
      },
    },
  };
}

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

describe('detector loop on the real store, broker and an HTTP receiver', () => {
  let store: Store;
  let loop: DetectorLoop;
  let kafkaSink: KafkaFlagSink;
  let webhooks: WebhookSender;
  let server: Server;
  const received: Received[] = [];
  let clock = T0 + DAY;

  async function putFeatures(
    sellerId: string,
    asOf: number,
    values: Record<string, number>,
    byFeature: Record<string, { listing_ids?: string[]; linked_seller_ids?: string[] }> = {},
  ): Promise<void> {
    const evidence = JSON.stringify({
      listing_ids: [],
      linked_seller_ids: [],
      by_feature: byFeature,
    });
    await store.sellerFeatures.insert([featureRow(sellerId, asOf, clock++, values, evidence)]);
    await store.sellerFeatures.flush();
  }

  /** A second loop on the same store, delivering to `sink` only (no webhooks, no schedule). */
  const loopWithSink = (sink: FlagSink) =>
    createDetectorLoop({
      store: createClickHouseDetectorStore(store),
      models,
      policy: () => policy,
      logger,
      sinks: [sink],
      trainIntervalMs: 0,
    });

  async function flagRows(sellerId: string) {
    return store.executor.query<{ flag_id: string; status: string; severity: string }>(
      `SELECT flag_id, status, severity FROM flags FINAL WHERE seller_id = {s:String} ORDER BY flagged_at`,
      { params: { s: sellerId } },
    );
  }

  beforeAll(async () => {
    const executor = await backend.executor('detector');
    store = createStore({ executor, logger });
    await store.migrate();
    await createTopic(kafka, names.main, 2);
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as AddressInfo;
    kafkaSink = createKafkaFlagSink({ kafka, topic: names.main });
    await kafkaSink.start();
    webhooks = createWebhookSender({
      endpoints: [{ url: `http://127.0.0.1:${port}/vigie`, secrets: [SECRET] }],
      deadLetters: await createStoreWebhookDeadLetters(executor),
      logger,
      retry: { baseDelayMs: 5, maxDelayMs: 20, seed: 1 },
    });
    loop = createDetectorLoop({
      store: createClickHouseDetectorStore(store),
      models,
      policy: () => policy,
      logger,
      sinks: [kafkaSink],
      webhooks,
      cooldownMs: 7 * DAY,
      minTrainingRows: 50,
      trainIntervalMs: 0,
      now: () => clock,
    });
    await loop.start();
  });

  afterAll(async () => {
    await loop?.stop();
    await webhooks?.stop();
    await kafkaSink?.stop();
    await new Promise<void>((r) => server?.close(() => r()));
    await backend.cleanup();
  });

  it('flags by rules before any model, to Kafka, the flags table and a signed webhook', async () => {
    await putFeatures(
      'rec-1',
      T0,
      {
        takedowns_illegal_90d: 3,
        takedowns_90d: 3,
        takedowns_total: 3,
        takedown_rate_smoothed: 0.1,
      },
      { takedowns_illegal_90d: { listing_ids: ['l-3', 'l-1', 'l-2'] } },
    );
    const summary = await loop.onChanged(['rec-1']);
    expect(summary).toMatchObject({ scored: 1, flagged: 1, emitted: 1, reasons: { first: 1 } });

    const [message] = await readMessages(kafka, names.main, 1);
    expect(message!.key).toBe('rec-1');
    expect(message!.headers['vigie-event-type']).toBe('seller.flagged');
    const flag = SellerFlaggedSchema.parse(JSON.parse(message!.value!.toString('utf8')));
    expect(flag).toMatchObject({
      seller_id: 'rec-1',
      kinds: ['recidivist'],
      severity: 'medium',
      model_version: 'none',
      flagged_at: new Date(T0).toISOString(),
      evidence: { listing_ids: ['l-1', 'l-2', 'l-3'], linked_seller_ids: [] },
      reasons: [
        { rule: 'illegal-takedowns-90d', detail: '3 takedowns on illegal grounds in 90 days' },
      ],
    });
    expect(message!.headers['vigie-flag-id']).toBe(flag.flag_id);

    expect(await flagRows('rec-1')).toEqual([
      { flag_id: flag.flag_id, status: 'open', severity: 'medium' },
    ]);
    await webhooks.drain();
    const hook = received.find((r) => JSON.parse(r.body).flag_id === flag.flag_id);
    expect(hook).toBeDefined();
    expect(
      verifyWebhookSignature(hook!.body, hook!.headers['vigie-signature'] as string, SECRET).ok,
    ).toBe(true);
  });

  it('does not repeat an unchanged flag, re-alerts on new evidence and after the cool-down', async () => {
    expect((await loop.onChanged(['rec-1'])).suppressed.cooldown).toBe(1);
    await putFeatures(
      'rec-1',
      T0 + HOUR,
      {
        takedowns_illegal_90d: 4,
        takedowns_90d: 4,
        takedowns_total: 4,
        takedown_rate_smoothed: 0.1,
      },
      { takedowns_illegal_90d: { listing_ids: ['l-1', 'l-2', 'l-3', 'l-4'] } },
    );
    expect((await loop.onChanged(['rec-1'])).reasons).toEqual({ new_evidence: 1 });
    // Same evidence, a day later in event time: still inside the cool-down.
    await putFeatures(
      'rec-1',
      T0 + DAY,
      {
        takedowns_illegal_90d: 4,
        takedowns_90d: 4,
        takedowns_total: 4,
        takedown_rate_smoothed: 0.1,
      },
      { takedowns_illegal_90d: { listing_ids: ['l-1', 'l-2', 'l-3', 'l-4'] } },
    );
    expect((await loop.onChanged(['rec-1'])).emitted).toBe(0);
    await putFeatures(
      'rec-1',
      T0 + HOUR + 7 * DAY,
      {
        takedowns_illegal_90d: 4,
        takedowns_90d: 4,
        takedowns_total: 4,
        takedown_rate_smoothed: 0.1,
      },
      { takedowns_illegal_90d: { listing_ids: ['l-1', 'l-2', 'l-3', 'l-4'] } },
    );
    expect((await loop.onChanged(['rec-1'])).reasons).toEqual({ cooldown_elapsed: 1 });
    expect((await flagRows('rec-1')).length).toBeGreaterThanOrEqual(2);
  });

  it('suppresses evidence a reviewer dismissed until new evidence comes', async () => {
    const relist = {
      relists_own_7d: 1,
      relist_best_similarity: 0.9,
      relists_own_total: 1,
      image_reuse_exact: 1,
    };
    await putFeatures('ev-1', T0, relist, { relists_own_7d: { listing_ids: ['x-1'] } });
    expect((await loop.onChanged(['ev-1'])).emitted).toBe(1);
    const [row] = await flagRows('ev-1');
    await store.flagReviews.insert([
      {
        flag_id: row!.flag_id,
        reviewer: 'rev-1',
        decision: 'dismissed',
        note: '',
        reviewed_at: clock,
      },
    ]);
    await store.flagReviews.flush();
    await putFeatures('ev-1', T0 + 30 * DAY, relist, { relists_own_7d: { listing_ids: ['x-1'] } });
    expect((await loop.onChanged(['ev-1'])).suppressed.dismissed).toBe(1);
    await putFeatures(
      'ev-1',
      T0 + 31 * DAY,
      { ...relist, relists_own_7d: 2 },
      {
        relists_own_7d: { listing_ids: ['x-1', 'x-2'] },
      },
    );
    expect((await loop.onChanged(['ev-1'])).reasons).toEqual({ new_evidence: 1 });
  });

  it('makes a flag critical when protection of minors is involved, and re-alerts as it rises', async () => {
    await putFeatures(
      'min-1',
      T0,
      { takedowns_illegal_90d: 3, takedown_rate_smoothed: 0.1 },
      {
        takedowns_illegal_90d: { listing_ids: ['m-1'] },
      },
    );
    await loop.onChanged(['min-1']);
    await putFeatures(
      'min-1',
      T0 + HOUR,
      { takedowns_illegal_90d: 3, takedowns_minors_total: 1, takedown_rate_smoothed: 0.1 },
      {
        takedowns_illegal_90d: { listing_ids: ['m-1'] },
      },
    );
    expect((await loop.onChanged(['min-1'])).reasons).toEqual({ severity_rose: 1 });
    expect((await flagRows('min-1')).map((r) => r.severity)).toEqual(['medium', 'critical']);
  });

  it('trains a reproducible, stored model and rescores everyone with it', async () => {
    const pop = population(120);
    for (let i = 0; i < pop.length; i++) {
      await store.sellerFeatures.insert([featureRow(`pop-${i}`, T0, clock, pop[i]!)]);
    }
    await putFeatures('odd-1', T0, {
      account_age_days: 2,
      listings_total: 300,
      listings_7d: 120,
      listing_velocity_ratio: 30,
      takedowns_total: 1,
      price_vs_category_median: 0.1,
    });
    const first = await loop.train({ seed: 5, rescore: false });
    expect(first).toMatchObject({ trained: true, rows: 124 });
    expect(first.version).toMatch(/^if-\d{12}-5-[0-9a-f]{8}$/);
    const again = await loop.train({ seed: 5 });
    expect(again.version).toBe(first.version);
    const stored = await store.executor.query<{
      version: string;
      params: string;
      training_summary: string;
    }>('SELECT version, params, training_summary FROM models FINAL');
    expect(stored.map((r) => r.version)).toEqual([first.version]);
    expect(JSON.parse(stored[0]!.params)).toMatchObject({
      seed: 5,
      trees: 50,
      contamination: 0.02,
    });
    expect(JSON.parse(stored[0]!.training_summary)).toMatchObject({ rows: 124 });

    const odd = await loop.assess('odd-1');
    expect(odd!.assessment).toMatchObject({ anomalous: true, model_version: first.version });
    expect(odd!.assessment.reasons[0]).toMatchObject({ feature: expect.any(String) });
    const oddFlags = await store.executor.query<{ kinds: string[]; model_version: string }>(
      `SELECT kinds, model_version FROM flags FINAL WHERE seller_id = 'odd-1'`,
    );
    expect(oddFlags).toEqual([{ kinds: ['anomalous'], model_version: first.version }]);

    // Another instance finds the model in the store at start.
    const other = createDetectorLoop({
      store: createClickHouseDetectorStore(store),
      models,
      policy: () => policy,
      logger,
      trainIntervalMs: 0,
    });
    await other.start();
    expect(other.currentModel()?.version).toBe(first.version);
    expect((await other.assess('odd-1'))!.assessment.score).toBe(odd!.assessment.score);
    await other.stop();
  });

  it('records nothing when Kafka refuses the flags, and emits the same flag id on retry', async () => {
    // A topic whose records may not exceed 64 bytes: the broker refuses every flag.
    const tiny = `${names.main}.tiny`;
    await createTopic(kafka, tiny, 1, { 'max.message.bytes': '64' });
    const missing = createKafkaFlagSink({ kafka, topic: tiny });
    await missing.start();
    const failing = loopWithSink(missing);
    await putFeatures(
      'ban-1',
      T0,
      { linked_terminated_sellers: 1 },
      {
        linked_terminated_sellers: { linked_seller_ids: ['terminated-9'] },
      },
    );
    const error = await failing.onChanged(['ban-1']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VigieError);
    expect((error as VigieError).code).toBe('BROKER_UNAVAILABLE');
    expect(await flagRows('ban-1')).toEqual([]);
    await missing.stop();

    const before = [...(await endOffsets(kafka, names.main)).values()].reduce((a, b) => a + b, 0n);
    expect((await loop.onChanged(['ban-1'])).emitted).toBe(1);
    const [row] = await flagRows('ban-1');
    const all = await readMessages(kafka, names.main, Number(before) + 1);
    const flags = all.map((m) => JSON.parse(m.value!.toString('utf8')) as SellerFlagged);
    expect(flags.filter((f) => f.seller_id === 'ban-1').map((f) => f.flag_id)).toEqual([
      row!.flag_id,
    ]);
    expect(flags.find((f) => f.seller_id === 'ban-1')).toMatchObject({
      kinds: ['ban_evasion'],
      severity: 'high',
      evidence: { linked_seller_ids: ['terminated-9'] },
    });
  });

  it('emits nothing before the batch is stored, and nothing if storing it fails', async () => {
    // The pipeline calls the hook while the batch's events are still being written.
    const { sink, sent } = recordingSink();
    const waiting = loopWithSink(sink);
    await putFeatures('rec-stored', T0, RECIDIVIST);
    let release!: () => void;
    const stored = new Promise<void>((resolve) => (release = resolve));
    const pass = waiting.onChanged(['rec-stored'], undefined, stored);
    await new Promise((r) => setTimeout(r, 200));
    expect(sent).toEqual([]);
    expect(await flagRows('rec-stored')).toEqual([]);
    release();
    expect((await pass).emitted).toBe(1);
    expect(sent).toEqual(['rec-stored']);
    expect(await flagRows('rec-stored')).toHaveLength(1);

    await putFeatures('rec-unstored', T0, RECIDIVIST);
    const failed = Promise.reject(new Error('events write failed'));
    failed.catch(() => undefined);
    await expect(waiting.onChanged(['rec-unstored'], undefined, failed)).rejects.toThrow(
      'events write failed',
    );
    expect(sent).toEqual(['rec-stored']);
    expect(await flagRows('rec-unstored')).toEqual([]);
  });

  it('holds only its own sellers while it waits for its batch to be stored', async () => {
    // A backlog batch's pass waits for its writes; a trusted-flagger notice's pass for another
    // seller must not wait behind it, and a second pass for the same seller must.
    const { sink, sent } = recordingSink();
    const passes = loopWithSink(sink);
    await putFeatures('lock-backlog', T0, RECIDIVIST);
    await putFeatures('lock-notice', T0, RECIDIVIST);
    let release!: () => void;
    const backlogStored = new Promise<void>((resolve) => (release = resolve));
    const backlog = passes.onChanged(['lock-backlog'], undefined, backlogStored);
    const again = passes.onChanged(['lock-backlog'], undefined, Promise.resolve());
    let againDone = false;
    void again.then(() => (againDone = true));
    const timeout = new Promise<'timed out'>((r) => setTimeout(() => r('timed out'), 10_000));
    const notice = await Promise.race([
      passes.onChanged(['lock-notice'], undefined, Promise.resolve()),
      timeout,
    ]);
    expect(notice).not.toBe('timed out');
    expect(notice !== 'timed out' && notice.emitted).toBe(1);
    expect(sent).toEqual(['lock-notice']);
    expect(againDone).toBe(false);
    release();
    expect((await backlog).emitted).toBe(1);
    // Decided after the first pass's flag was stored: the same flag is not sent twice.
    expect((await again).emitted).toBe(0);
    expect(sent).toEqual(['lock-notice', 'lock-backlog']);
    expect(await flagRows('lock-backlog')).toHaveLength(1);
    await passes.stop();
  });

  it('keeps a dead-letter row in the store when a webhook receiver stays down', async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', () => r()));
    const { port } = dead.address() as AddressInfo;
    await new Promise<void>((r) => dead.close(() => r()));
    const sender = createWebhookSender({
      endpoints: [{ url: `http://127.0.0.1:${port}/down?key=secret`, secrets: [SECRET] }],
      deadLetters: await createStoreWebhookDeadLetters(store.executor),
      logger,
      retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 10, seed: 2 },
    });
    const [row] = await flagRows('ban-1');
    const flag = { ...JSON.parse(received.at(-1)!.body), flag_id: row!.flag_id } as SellerFlagged;
    sender.send(flag);
    await sender.drain();
    const letters = await store.executor.query<Record<string, unknown>>(
      `SELECT flag_id, endpoint, reason, attempts, last_status, body FROM webhook_dead_letters
       WHERE flag_id = {f:String}`,
      { params: { f: row!.flag_id } },
    );
    expect(letters).toEqual([
      {
        flag_id: row!.flag_id,
        endpoint: `http://127.0.0.1:${port}/down`,
        reason: 'receiver_down',
        attempts: 3,
        last_status: null,
        body: JSON.stringify(flag),
      },
    ]);
  });
});
