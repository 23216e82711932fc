import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExecutor, type ClickHouseExecutor } from '../../features/store/executor.ts';

/**
 * chdb 3.4 chains every parameterized (bound) query of the process and starts each from a promise
 * reaction; a query with its parameters inlined (`inlineParams`) goes straight to the engine.
 * These tests pin both behaviours, since the pipeline overlaps its lookups with the engine's
 * synchronous work on that basis.
 */
const NOW_MS = 'SELECT toUnixTimestamp64Milli(now64(3)) AS t FROM system.one WHERE {x:UInt8} = 1';
const SLOW = 'SELECT sleepEachRow(0.5) FROM numbers({n:UInt32}) SETTINGS max_block_size = 1';

/** Runs `work` synchronously for `ms` milliseconds (as the feature engine does a chunk). */
function spin(ms: number): number {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy
  }
  return Date.now();
}

describe('chDB queries with inlined parameters', () => {
  let dir: string;
  let shared: ClickHouseExecutor;
  let own: ClickHouseExecutor;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigie-inline-'));
    shared = await createExecutor({ dataDir: dir, database: 'inline' });
    own = await createExecutor({ dataDir: dir, database: 'inline', ownConnection: true });
    await shared.command(
      "CREATE TABLE t (s String, at DateTime64(3, 'UTC'), n UInt32) ENGINE = MergeTree ORDER BY (s, at)",
    );
    await shared.command(
      `INSERT INTO t SELECT concat('s', toString(number % 7)),
         toDateTime64('2026-01-01 00:00:00', 3, 'UTC') + toIntervalSecond(number), number
       FROM numbers(1000)`,
    );
  });
  afterAll(async () => {
    await own?.close();
    await shared?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('start at once; bound ones only after the synchronous work that follows them', async () => {
    const inlined = shared.query<{ t: string }>(NOW_MS, { params: { x: 1 }, inlineParams: true });
    const inlinedSpinEnd = spin(400);
    const bound = shared.query<{ t: string }>(NOW_MS, { params: { x: 1 } });
    const boundSpinEnd = spin(400);
    const [[early], [late]] = await Promise.all([inlined, bound]);
    expect(Number(early!.t)).toBeLessThan(inlinedSpinEnd - 200);
    expect(Number(late!.t)).toBeGreaterThanOrEqual(boundSpinEnd - 5);
  });

  it('do not wait for a bound query on another connection', async () => {
    const order: string[] = [];
    const slow = shared.query(SLOW, { params: { n: 5 } }).then(() => order.push('slow'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await own
      .query(NOW_MS, { params: { x: 1 }, inlineParams: true })
      .then(() => order.push('inlined'));
    await own.query(NOW_MS, { params: { x: 1 } }).then(() => order.push('bound'));
    await slow;
    // The bound one waited for the slow bound query of the other connection.
    expect(order).toEqual(['inlined', 'slow', 'bound']);
  });

  it('give the same rows as bound parameters', async () => {
    const sql = `SELECT s, at, n FROM t
      WHERE s IN {sellers:Array(String)} AND at < {until:DateTime64(3, 'UTC')} AND n != {skip:UInt32}
        AND s != {none:String}
      ORDER BY at DESC LIMIT {k:UInt32} BY s`;
    const params = {
      sellers: ['s1', 's3', "o'brien", 'back\\slash'],
      until: '2026-01-01 00:10:00.500',
      skip: 584,
      none: "x' OR '1' = '1",
      k: 3,
    };
    const bound = await shared.query(sql, { params });
    expect(bound).toHaveLength(6);
    expect(await shared.query(sql, { params, inlineParams: true })).toEqual(bound);
  });

  it('take a statement longer than the engine’s default 256 KiB limit', async () => {
    const sellers = Array.from({ length: 20_000 }, (_, i) => `seller-${'x'.repeat(20)}-${i}`);
    sellers.push('s2');
    const rows = await shared.query<{ n: string }>(
      'SELECT count() AS n FROM t WHERE s IN {sellers:Array(String)}',
      { params: { sellers }, inlineParams: true },
    );
    expect(rows).toEqual([{ n: '143' }]);
  });
});
