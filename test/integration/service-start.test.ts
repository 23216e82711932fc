import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SellerFlaggedSchema, type SellerFlagged } from '../../streams/contract/index.ts';
import { createTestKafka, createTopic, testNames, waitFor } from '../helpers/kafka-utils.ts';

const BIN = resolve('services/cli/bin.cjs');

function run(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.resume();
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout }));
  });
}

/** Three illegal-ground takedowns in a week: the default policy's recidivist rule. */
function recidivistEvents(seller: string): object[] {
  const t = (h: number) => new Date(Date.UTC(2026, 4, 4, 8) + h * 3_600_000).toISOString();
  const events: object[] = [
    {
      event_id: `${seller}-reg`,
      type: 'seller.registered',
      occurred_at: t(0),
      seller_id: seller,
      identifiers: { device_hash: 'ab12' },
    },
  ];
  for (let i = 0; i < 3; i++) {
    events.push(
      {
        event_id: `${seller}-pub-${i}`,
        type: 'listing.published',
        occurred_at: t(1 + i),
        seller_id: seller,
        listing_id: `${seller}-L${i}`,
        title: `Pointeur laser 5000 mW modèle ${i}`,
        description: 'Très puissant, brûle à distance',
        category: 'electronics/lasers',
        price: { amount: 30 + i, currency: 'EUR' },
      },
      {
        event_id: `${seller}-td-${i}`,
        type: 'listing.taken_down',
        occurred_at: t(10 + i),
        seller_id: seller,
        listing_id: `${seller}-L${i}`,
        decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
        category: 'STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS',
        source_type: 'SOURCE_ARTICLE_16',
        automated_detection: false,
      },
    );
  }
  return events;
}

describe('vigie start: Kafka in, features in the store, flags out, API up', () => {
  const brokers = inject('kafkaBrokers');
  const names = testNames('start');
  const flagsTopic = `${names.main}.flags`;
  let dataDir: string;
  let child: ChildProcess | undefined;
  let consumer: Consumer | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vigie-start-'));
    const kafka = createTestKafka(brokers);
    await createTopic(kafka, names.main, 2);
    await createTopic(kafka, names.priority, 1);
    await createTopic(kafka, flagsTopic, 1);
  });

  afterAll(async () => {
    await consumer?.disconnect();
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('consumes events, flags the recidivist on vigie.seller-flags, and stops on SIGTERM', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      KAFKA_BROKERS: brokers,
      VIGIE_INPUT_TOPIC: names.main,
      VIGIE_PRIORITY_TOPIC: names.priority,
      VIGIE_DEAD_LETTER_TOPIC: names.deadLetter,
      VIGIE_FLAGS_TOPIC: flagsTopic,
      VIGIE_GROUP_ID: names.group,
      VIGIE_DATA_DIR: dataDir,
      VIGIE_TEXT_TTL_DAYS: '3650',
      LOG_LEVEL: 'warn',
    };
    delete env.CLICKHOUSE_URL;
    const key = await run(['keys', 'create', '--id', 'ops', '--role', 'admin'], env);
    expect(key.code).toBe(0);
    const secret = /vk_[A-Za-z0-9_-]+/.exec(key.stdout)?.[0];
    expect(secret).toBeDefined();

    const kafka = createTestKafka(brokers);
    const flags: SellerFlagged[] = [];
    consumer = kafka.consumer({ groupId: `${names.group}.reader` });
    await consumer.connect();
    await consumer.subscribe({ topic: flagsTopic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        flags.push(SellerFlaggedSchema.parse(JSON.parse(message.value!.toString())));
      },
    });

    child = spawn(process.execPath, [BIN, 'start', '--port', '0'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr!.resume();
    const lines = createInterface({ input: child.stdout! });
    const ready = await new Promise<{ url: string; kafka: boolean }>((done, fail) => {
      lines.once('line', (l) => done(JSON.parse(l) as { url: string; kafka: boolean }));
      child!.once('exit', (code) => fail(new Error(`vigie start exited with ${code}`)));
    });
    expect(ready.kafka).toBe(true);

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: names.main,
      messages: [
        ...recidivistEvents('s-rec').map((e) => ({ key: 's-rec', value: JSON.stringify(e) })),
        { key: 's-bad', value: '{"not json' },
      ],
    });
    await producer.disconnect();

    await waitFor(() => flags.some((f) => f.seller_id === 's-rec'), {
      timeoutMs: 60_000,
      what: 'a seller.flagged event for s-rec on the flags topic',
    });
    const flag = flags.find((f) => f.seller_id === 's-rec')!;
    expect(flag.kinds).toContain('recidivist');
    expect(flag.evidence.listing_ids.length).toBeGreaterThanOrEqual(3);

    const res = await fetch(`${ready.url}/v1/sellers/s-rec`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(res.status).toBe(200);
    const view = (await res.json()) as { features: Record<string, number> };
    expect(view.features.takedowns_illegal_90d).toBe(3);

    const exited = new Promise<number | null>((done) => child!.once('exit', done));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

describe('vigie demo', () => {
  it('simulates, replays, flags and prints the top flags with reasons', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-demo-'));
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
      delete env.CLICKHOUSE_URL;
      const out = await run(
        ['demo', '--no-serve', '--sellers', '200', '--days', '10', '--data-dir', dir, '--top', '3'],
        env,
      );
      expect(out.code).toBe(0);
      expect(out.stdout).toMatch(/events: \d+ accepted/);
      const emitted = Number(/flags: (\d+) emitted/.exec(out.stdout)?.[1]);
      expect(emitted).toBeGreaterThan(0);
      expect(out.stdout).toMatch(/top 3 flags:/);
      // Honest sellers are not flagged in the demo's population.
      expect(out.stdout).toMatch(/ordinary\s+0 \//);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
