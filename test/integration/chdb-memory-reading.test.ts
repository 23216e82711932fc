import { afterAll, describe, expect, it } from 'vitest';
import type { ClickHouseExecutor } from '../../features/store/executor.ts';
import { readChdbMemory, type ChdbMemoryReading } from '../../services/bench/memory.ts';
import { chdbBackend } from '../helpers/clickhouse.ts';

/**
 * The bench's reading of the embedded engine's memory (services/bench/memory.ts), against real
 * chDB: what it tracks, its parts, and the merges in flight, which hold memory that is work, not
 * state (the memory section's chDB figure moved by up to 500 MB between runs of the same code).
 */
describe("the bench's chDB memory reading", () => {
  const chdb = chdbBackend();
  afterAll(() => chdb.cleanup());

  it('counts tracked memory, active parts, and the merges running with their memory', async () => {
    const ex = await chdb.executor('memory_reading');
    await ex.command(
      'CREATE TABLE t (a UInt64, b String) ENGINE = MergeTree ORDER BY a ' +
        'SETTINGS old_parts_lifetime = 1',
    );
    const first = (await readChdbMemory(ex)) as ChdbMemoryReading;
    expect(first.tracked).toBeGreaterThan(0);
    expect(first.merges).toBe(0);
    expect(first.mergesBytes).toBe(0);

    // Parts of 400,000 rows until a reading catches a merge in flight that holds memory (at
    // most 100 inserts): a merge read just as it starts has not allocated yet (CI once read one
    // at 0 bytes), so such readings are counted and passed by.
    let merging: ChdbMemoryReading | undefined;
    let last = first;
    let mergesSeen = 0;
    for (let i = 0; i < 100 && merging === undefined; i += 1) {
      await ex.command(
        `INSERT INTO t SELECT number, repeat(toString(number), 8) FROM numbers(${i * 400_000}, 400000)`,
      );
      last = (await readChdbMemory(ex)) as ChdbMemoryReading;
      if (last.merges > 0) mergesSeen += 1;
      if (last.merges > 0 && last.mergesBytes > 0) merging = last;
      // No merge, no merge memory.
      if (last.merges === 0) expect(last.mergesBytes).toBe(0);
    }
    expect(last.parts).toBeGreaterThan(0);
    expect(last.primaryKeyBytes).toBeGreaterThan(0);
    expect(
      merging,
      `no reading caught a merge holding memory in 100 inserts (${mergesSeen} caught a merge)`,
    ).toBeDefined();
    expect(merging!.mergesBytes).toBeGreaterThan(0);
    for (const bytes of Object.values(merging!.caches)) expect(bytes).toBeGreaterThan(0);
  });

  it('says nothing for a ClickHouse server, whose memory is not this process', async () => {
    const server = { kind: 'server' } as unknown as ClickHouseExecutor;
    expect(await readChdbMemory(server)).toBeUndefined();
  });
});
