import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createExecutor, type ClickHouseExecutor } from '../../features/store/executor.ts';
import { createStore } from '../../features/store/writer.ts';
import type { SellerFeaturesRow } from '../../features/store/tables/seller-features.ts';
import { createPipeline, type PipelineStore } from '../../services/pipeline/index.ts';
import { createPipelineStore } from '../../services/pipeline/store-adapter.ts';
import type { RawRecord } from '../../streams/contract/index.ts';
import { createLogDeadLetterSink } from '../../streams/dead-letter/index.ts';
import { uniqueDatabase } from '../helpers/clickhouse.ts';
import { createCountingStage, makeEvents } from './pipeline-fixtures.ts';

/**
 * `onChangedReadsStore`: by default a batch's snapshots are in the store before `onChanged` runs
 * (a hook may read them back); a hook that scores the snapshots it is handed lets the pipeline
 * write them meanwhile. Either way the batch is acknowledged only once both are done. Real chDB.
 */
const logger = pino({ level: 'silent' });
const dataDir = mkdtempSync(join(tmpdir(), 'vigie-hook-order-'));
const executors: ClickHouseExecutor[] = [];

afterAll(async () => {
  for (const e of executors.splice(0)) await e.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Timeline {
  writeStarted?: number;
  writeEnded?: number;
  hookStarted?: number;
  hookEnded?: number;
  acked?: number;
  /** Snapshot rows of the batch's sellers the hook found in the store when it started. */
  rowsSeenByHook?: number;
}

async function runOnce(onChangedReadsStore: boolean | undefined, delays = { write: 0, hook: 0 }) {
  const executor = await createExecutor({
    dataDir,
    database: uniqueDatabase(`hook_${String(onChangedReadsStore)}`),
    logger,
  });
  executors.push(executor);
  const tables = createStore({ executor, logger });
  await tables.migrate();
  const inner = createPipelineStore({ store: tables, logger });
  const t: Timeline = {};
  let tick = 0;
  const at = () => (tick += 1);
  const store: PipelineStore<SellerFeaturesRow> = {
    ...inner,
    async writeSnapshots(rows) {
      t.writeStarted = at();
      await inner.writeSnapshots(rows);
      if (delays.write > 0) await new Promise((r) => setTimeout(r, delays.write));
      t.writeEnded = at();
    },
  };
  const events = makeEvents({ seed: 3, sellers: 40, perSeller: 6 });
  const pipeline = createPipeline({
    store,
    features: createCountingStage(),
    deadLetters: createLogDeadLetterSink(logger),
    logger,
    ...(onChangedReadsStore === undefined ? {} : { onChangedReadsStore }),
    onChanged: async (sellers) => {
      t.hookStarted = at();
      const [row] = await executor.query<{ n: string }>(
        `SELECT count() AS n FROM seller_features WHERE seller_id IN {ids:Array(String)}`,
        { params: { ids: [...sellers] } },
      );
      t.rowsSeenByHook = Number(row!.n);
      if (delays.hook > 0) await new Promise((r) => setTimeout(r, delays.hook));
      t.hookEnded = at();
    },
  });
  const records: RawRecord[] = events.map((e, line) => ({
    bytes: Buffer.from(JSON.stringify(e)),
    origin: { kind: 'file', file: 'hook-order.ndjson', line: line + 1 },
    receivedAt: Date.now(),
  }));
  const result = await pipeline.process({
    records,
    ack: async () => {
      t.acked = at();
    },
  });
  expect(result.accepted).toBe(events.length);
  expect(result.changedSellers).toHaveLength(40);
  return { ...t, stages: pipeline.metrics.stageTotals };
}

describe('when onChanged runs, against the snapshot write (chDB)', () => {
  it('by default, after the batch snapshots are stored, so the hook can read them', async () => {
    const t = await runOnce(undefined);
    expect(t.hookStarted!).toBeGreaterThan(t.writeEnded!);
    expect(t.rowsSeenByHook).toBe(40);
    expect(t.acked!).toBeGreaterThan(t.hookEnded!);
  });

  it('with onChangedReadsStore false, alongside the write; acknowledged after both', async () => {
    const t = await runOnce(false);
    expect(t.writeStarted!).toBeLessThan(t.hookStarted!);
    expect(t.hookStarted!).toBeLessThan(t.writeEnded!);
    expect(t.acked!).toBeGreaterThan(t.writeEnded!);
    expect(t.acked!).toBeGreaterThan(t.hookEnded!);
  });
});

describe('where a batch spent its time (stage metrics)', () => {
  it('records each stage once per batch, with the time the write and the hook took', async () => {
    const { stages } = await runOnce(undefined, { write: 60, hook: 120 });
    const main = stages.main;
    for (const stage of ['decode', 'engine', 'snapshots', 'snapshot_write', 'hook', 'ack']) {
      expect(main[stage as keyof typeof main]?.batches, stage).toBe(1);
    }
    expect(main.snapshot_write!.seconds).toBeGreaterThanOrEqual(0.055);
    expect(main.hook!.seconds).toBeGreaterThanOrEqual(0.115);
    expect(main.snapshot_write_hook).toBeUndefined();
    expect(stages.priority).toEqual({});
  });

  it('records the overlapped write and hook as one stage', async () => {
    const { stages } = await runOnce(false, { write: 60, hook: 120 });
    const both = stages.main.snapshot_write_hook!;
    expect(both.batches).toBe(1);
    expect(both.seconds).toBeGreaterThanOrEqual(0.115);
    expect(stages.main.hook).toBeUndefined();
  });
});

describe('a hook that awaits the stored events (onChangedAwaitsStored)', () => {
  async function runEarly(options: { failWrite: boolean; failSnapshots?: boolean }) {
    const executor = await createExecutor({
      dataDir,
      database: uniqueDatabase(`hook_early_${String(options.failWrite)}`),
      logger,
    });
    executors.push(executor);
    const tables = createStore({ executor, logger });
    await tables.migrate();
    const inner = createPipelineStore({ store: tables, logger });
    const t: Timeline & { eventsStored?: number; storedSeen?: number; storedFailed?: boolean } = {};
    let tick = 0;
    const at = () => (tick += 1);
    const store: PipelineStore<SellerFeaturesRow> = {
      ...inner,
      async writeEvents(events) {
        await new Promise((r) => setTimeout(r, 150));
        if (options.failWrite) throw new Error('events write failed');
        await inner.writeEvents(events);
        t.eventsStored = at();
      },
      async writeSnapshots(rows) {
        t.writeStarted = at();
        await new Promise((r) => setTimeout(r, 100));
        if (options.failSnapshots) throw new Error('snapshot write failed');
        await inner.writeSnapshots(rows);
        t.writeEnded = at();
      },
    };
    let handed = 0;
    const pipeline = createPipeline({
      store,
      features: createCountingStage(),
      deadLetters: createLogDeadLetterSink(logger),
      logger,
      onChangedReadsStore: false,
      onChangedAwaitsStored: true,
      onChanged: async (sellers, { stored }) => {
        t.hookStarted = at();
        handed = sellers.length;
        try {
          await stored;
          t.storedSeen = at();
        } catch (err) {
          t.storedFailed = true;
          throw err;
        }
        t.hookEnded = at();
      },
    });
    const events = makeEvents({ seed: 5, sellers: 30, perSeller: 4 });
    const outcome = await pipeline
      .process({
        records: events.map((e, line) => ({
          bytes: Buffer.from(JSON.stringify(e)),
          origin: { kind: 'file', file: 'hook-early.ndjson', line: line + 1 },
          receivedAt: Date.now(),
        })),
        ack: async () => {
          t.acked = at();
        },
      })
      .then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      );
    return { t, handed, outcome };
  }

  it('is called while the events are written, and emits only once they are stored', async () => {
    const { t, handed, outcome } = await runEarly({ failWrite: false });
    expect(outcome).toHaveProperty('result');
    expect(handed).toBe(30);
    expect(t.hookStarted!).toBeLessThan(t.eventsStored!);
    expect(t.storedSeen!).toBeGreaterThan(t.eventsStored!);
    // The snapshots still follow the events, and `stored` settles only once they are written
    // too: a flag's reader finds the features that raised it. The ack follows everything.
    expect(t.writeStarted!).toBeGreaterThan(t.eventsStored!);
    expect(t.storedSeen!).toBeGreaterThan(t.writeEnded!);
    expect(t.acked!).toBeGreaterThan(Math.max(t.writeEnded!, t.hookEnded!));
  });

  it('sees `stored` reject when the snapshot write fails; no ack', async () => {
    const { t, outcome } = await runEarly({ failWrite: false, failSnapshots: true });
    expect(outcome).toHaveProperty('error');
    expect(t.eventsStored).toBeDefined();
    expect(t.storedFailed).toBe(true);
    expect(t.hookEnded).toBeUndefined();
    expect(t.acked).toBeUndefined();
  });

  it('sees `stored` reject when the events write fails; nothing written, no ack', async () => {
    const { t, outcome } = await runEarly({ failWrite: true });
    expect(outcome).toHaveProperty('error');
    expect(t.storedFailed).toBe(true);
    expect(t.writeStarted).toBeUndefined();
    expect(t.acked).toBeUndefined();
  });
});
