import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createExecutor, type ClickHouseExecutor } from '../../features/store/executor.ts';
import { openStoreBackend } from '../../services/pipeline/default-backend.ts';
import { createCountingStage } from './pipeline-fixtures.ts';

/**
 * chDB runs one statement at a time per connection (Session). A long statement (here 2.5 s of
 * `sleepEachRow`, which holds its connection without using the CPU) makes a short one sent on
 * the same connection wait for it; on an executor with a connection of its own, it does not.
 */
const LONG = 'SELECT sleepEachRow(0.5) FROM numbers(5) SETTINGS max_block_size = 1';

/** Which of the long statement and a short one sent 200 ms after it finished first. */
async function firstToFinish(
  long: ClickHouseExecutor,
  short: (ex: ClickHouseExecutor) => Promise<unknown>,
  on: ClickHouseExecutor,
): Promise<string[]> {
  const order: string[] = [];
  const longDone = long.query(LONG).then(() => order.push('long'));
  await new Promise((resolve) => setTimeout(resolve, 200));
  await short(on).then(() => order.push('short'));
  await longDone;
  return order;
}

describe('chDB executors with a connection of their own', () => {
  let dir: string;
  let shared: ClickHouseExecutor;
  let sharedToo: ClickHouseExecutor;
  let own: ClickHouseExecutor;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigie-own-'));
    shared = await createExecutor({ dataDir: dir, database: 'own' });
    sharedToo = await createExecutor({ dataDir: dir, database: 'own' });
    own = await createExecutor({ dataDir: dir, database: 'own', ownConnection: true });
    await shared.command('CREATE TABLE t (id UInt32, by String) ENGINE = MergeTree ORDER BY id');
  });
  afterAll(async () => {
    await own?.close();
    await sharedToo?.close();
    await shared?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const insert = (id: number, by: string) => (ex: ClickHouseExecutor) =>
    ex.insert('t', ['id', 'by'], [[id, by]]);

  it('share one connection by default: a short insert waits for a long query', async () => {
    expect(await firstToFinish(shared, insert(1, 'shared'), sharedToo)).toEqual(['long', 'short']);
  });

  it('run beside the shared connection: neither waits for the other', async () => {
    expect(await firstToFinish(own, insert(2, 'shared'), shared)).toEqual(['short', 'long']);
    expect(await firstToFinish(shared, insert(3, 'own'), own)).toEqual(['short', 'long']);
  });

  it('see what the other connection wrote once its write has returned', async () => {
    await insert(4, 'own')(own);
    await insert(5, 'shared')(shared);
    const read = (ex: ClickHouseExecutor) =>
      ex.query<{ id: number; by: string }>('SELECT id, by FROM t ORDER BY id');
    const all = [
      { id: 1, by: 'shared' },
      { id: 2, by: 'shared' },
      { id: 3, by: 'own' },
      { id: 4, by: 'own' },
      { id: 5, by: 'shared' },
    ];
    expect(await read(own)).toEqual(all);
    expect(await read(shared)).toEqual(all);
  });

  it('keep the directory open until the last executor closes, whichever closes first', async () => {
    const extra = await createExecutor({ dataDir: dir, database: 'own', ownConnection: true });
    await extra.close();
    await expect(own.query('SELECT count() AS n FROM t')).resolves.toEqual([{ n: '5' }]);
    await expect(shared.query('SELECT count() AS n FROM t')).resolves.toEqual([{ n: '5' }]);
  });
});

describe("the ingestion backend's tables for the detectors (openTables)", () => {
  it('are on a connection of their own: their statements do not wait for the pipeline’s', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-own-backend-'));
    const backend = await openStoreBackend(
      {
        dataDir: dir,
        database: 'own_backend',
        textTtlDays: 180,
        logger: pino({ level: 'silent' }),
      },
      () => createCountingStage(),
    );
    try {
      const detectors = await backend.openTables!();
      try {
        const pipelineSide = backend.tables!.executor;
        const count = (ex: ClickHouseExecutor) => ex.query('SELECT count() AS n FROM flags');
        expect(await firstToFinish(pipelineSide, count, detectors.store.executor)).toEqual([
          'short',
          'long',
        ]);
        // The same store: what one side writes, the other reads.
        await detectors.store.executor.command(
          'CREATE TABLE own_probe (id UInt32) ENGINE = MergeTree ORDER BY id',
        );
        await detectors.store.executor.insert('own_probe', ['id'], [[7]]);
        expect(await pipelineSide.query('SELECT id FROM own_probe')).toEqual([{ id: 7 }]);
      } finally {
        await detectors.close();
      }
      // Closing the detectors' connection leaves the pipeline's open.
      await expect(backend.tables!.executor.query('SELECT 1 AS one')).resolves.toEqual([
        { one: 1 },
      ]);
    } finally {
      await backend.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
