// Two feature-engine instances (two pipelines in one process) sharing one real chDB store, each
// fed different sellers' events, as when several instances split the Kafka partitions: the
// cross-seller facts one finds must come from what the other stored.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createTimeline, D, H, T0 } from '../../features/engine/test-timeline.ts';
import { createExecutor, type ClickHouseExecutor } from '../../features/store/executor.ts';
import { createStore } from '../../features/store/writer.ts';
import { createEngineStage } from '../../services/pipeline/engine-stage.ts';
import type { AcceptedEvent } from '../../features/engine/index.ts';
import { createPipeline } from '../../services/pipeline/index.ts';
import { createPipelineStore } from '../../services/pipeline/store-adapter.ts';
import type { DeadLetter } from '../../streams/dead-letter/index.ts';

const logger = pino({ level: 'silent' });
// chDB opens one data directory per process: one for this file, a database per test.
const dataDir = mkdtempSync(join(tmpdir(), 'vigie-cross-seller-'));
let executor: ClickHouseExecutor | undefined;
let databases = 0;

afterAll(async () => {
  await executor?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const LISTING = {
  title: 'Sac à main cuir monogramme',
  description:
    'Sac façon grande maison, toile enduite, fermoir doré, qualité miroir, livré avec dust bag.',
  images: ['ab'.repeat(32)],
};
// Cyrillic look-alikes, leetspeak, a zero-width space, and a different image.
const COPY = {
  ...LISTING,
  title: 'S\u0430c à m\u200bain cu1r monogr\u0430mme',
  images: ['cd'.repeat(32)],
};
const PAYOUT = 'feedc0ffee'.repeat(4);

/** An instance: its own pipeline and engine stage over the shared database. */
async function openInstance(exec: ClickHouseExecutor) {
  const store = createStore({ executor: exec, logger });
  await store.migrate();
  const stage = createEngineStage({ store, logger, crossSellerMode: 'store' });
  const rejects: DeadLetter[] = [];
  const pipeline = createPipeline({
    store: createPipelineStore({ store, logger, minhash: stage.minhash }),
    features: stage,
    deadLetters: {
      write: async (letters) => void rejects.push(...letters),
      close: async () => {},
    },
    logger,
  });
  return {
    stage,
    rejects,
    async feed(events: readonly AcceptedEvent[]) {
      await pipeline.process({
        records: events.map((e, line) => ({
          bytes: Buffer.from(JSON.stringify(e.event)),
          origin: { kind: 'http', request: 'test', line },
          receivedAt: Date.now(),
        })),
        ack: async () => {},
      });
    },
  };
}

async function twoInstances() {
  executor ??= await createExecutor({ dataDir, database: 'cs_boot', logger });
  databases += 1;
  const database = `cross_seller_${databases}`;
  await executor.command(`CREATE DATABASE IF NOT EXISTS ${database}`);
  const exec = await createExecutor({ dataDir, database, logger });
  const one = await openInstance(exec);
  const two = await openInstance(exec);
  return {
    one,
    two,
    /** The stored current snapshot of a seller (what the API and the detectors read). */
    async feature(sellerId: string, name: string): Promise<number> {
      const rows = await exec.query<Record<string, unknown>>(
        `SELECT ${name} AS v FROM seller_features_latest WHERE seller_id = {id:String}`,
        { params: { id: sellerId } },
      );
      return Number(rows[0]?.v ?? Number.NaN);
    },
  };
}

describe('cross-seller lookups through the store, two instances', () => {
  const relist = () => {
    const tl = createTimeline('relist');
    return {
      sellerA: [
        tl.registered('a', T0 - D, { email_hash: 'aa01' }),
        tl.published('a', 'orig', T0, LISTING),
        tl.takenDown('a', 'orig', T0 + H),
      ],
      sellerB: [
        tl.registered('b', T0 - D, { email_hash: 'bb01' }),
        tl.published('b', 'copy', T0 + D, COPY),
      ],
    };
  };

  it('finds B re-listing A taken-down listing when A’s takedown is stored first', async () => {
    const { one, two, feature } = await twoInstances();
    const { sellerA, sellerB } = relist();
    await one.feed(sellerA);
    await two.feed(sellerB);
    expect(await feature('b', 'relists_any_7d')).toBeGreaterThanOrEqual(1);
    expect(two.stage.engine.features('b').evidence.linked_seller_ids).toContain('a');
    expect(one.stage.engine.has('b')).toBe(false);
    expect([...one.rejects, ...two.rejects]).toEqual([]);
  });

  // Known limitation (docs/features.md, "Limits across instances"): when B's copy is stored
  // before A's takedown, instance 1 finds the pair but does not hold B, and instance 2 never
  // re-checks B's older publication. Closing it needs the store to notify the owner.
  it.fails('finds the re-list when B’s copy is stored before A’s takedown (not yet)', async () => {
    const { one, two, feature } = await twoInstances();
    const { sellerA, sellerB } = relist();
    await two.feed(sellerB);
    await one.feed(sellerA);
    await two.feed([createTimeline('later').registered('z', T0 + 2 * D, { email_hash: 'ff' })]);
    expect(await feature('b', 'relists_any_7d')).toBeGreaterThanOrEqual(1);
  });

  const evasion = () => {
    const tl = createTimeline('evasion');
    return {
      sellerC: [
        tl.registered('c', T0, { payout_hash: PAYOUT, email_hash: 'cc01' }),
        tl.sanctioned('c', T0 + 2 * H, 'termination'),
      ],
      sellerD: [tl.registered('d', T0 + 3 * H, { payout_hash: PAYOUT, email_hash: 'dd01' })],
      // Any later batch on instance 2 (another seller's event).
      other: [tl.registered('e', T0 + 4 * H, { email_hash: 'ee01' })],
    };
  };

  it('links D to terminated C when C is stored first', async () => {
    const { one, two, feature } = await twoInstances();
    const { sellerC, sellerD } = evasion();
    await one.feed(sellerC);
    await two.feed(sellerD);
    expect(await feature('d', 'linked_terminated_sellers')).toBe(1);
    expect(await feature('e', 'linked_terminated_sellers')).toBeNaN();
    expect(two.stage.engine.features('d').evidence.linked_seller_ids).toEqual(['c']);
  });

  it('links D to C when D registered first and C is terminated later on the other instance', async () => {
    const { one, two, feature } = await twoInstances();
    const { sellerC, sellerD, other } = evasion();
    await two.feed(sellerD);
    expect(await feature('d', 'linked_terminated_sellers')).toBe(0);
    await one.feed(sellerC);
    // Instance 2 reads recent sanctions with its next batch, whoever that batch is about.
    await two.feed(other);
    expect(await feature('d', 'linked_terminated_sellers')).toBe(1);
    expect(await feature('e', 'linked_terminated_sellers')).toBe(0);
    expect(one.stage.engine.has('d')).toBe(false);
  });
});
