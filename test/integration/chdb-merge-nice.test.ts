import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createExecutor, type ClickHouseExecutor } from '../../features/store/executor.ts';
import { hasCapSysNice } from '../../services/bench/environment.ts';

/** Nice values of this process's threads named `name`, read from /proc (Linux). */
function niceOf(name: string): number[] {
  const out: number[] = [];
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      if (readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() !== name) continue;
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // After "(comm) ": state is field 3 of stat(5), nice field 19.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push(Number(fields[16]));
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

const linux = process.platform === 'linux';
const capSysNice = linux ? hasCapSysNice(readFileSync('/proc/self/status', 'utf8')) : null;

/**
 * The embedded engine's merges run at the nice value the executor is opened with (chDB's
 * `os_threads_nice_value_merge_mutate`). 7, not the default 10, so that the option is seen to
 * reach the engine. One executor per process: chDB's settings are fixed at connect.
 */
describe('chDB merge threads', () => {
  let dir: string | undefined;
  let executor: ClickHouseExecutor | undefined;
  afterAll(async () => {
    await executor?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('refuse a nice value Linux does not have', async () => {
    await expect(
      createExecutor({ dataDir: '/nonexistent', database: 'nice', mergeNice: 20 }),
    ).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
  });

  it('get the configured nice value as a server setting', async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigie-nice-'));
    executor = await createExecutor({ dataDir: dir, database: 'nice', mergeNice: 7 });
    const rows = await executor.query<{ value: string; changed: number }>(
      `SELECT value, changed FROM system.server_settings
       WHERE name = 'os_threads_nice_value_merge_mutate'`,
    );
    expect(rows).toEqual([{ value: '7', changed: 1 }]);
  });

  it.skipIf(!linux || capSysNice !== true)(
    `run merges at that nice value (needs Linux and CAP_SYS_NICE; here: ${
      linux ? `CAP_SYS_NICE ${capSysNice}` : process.platform
    })`,
    async () => {
      const ex = executor!;
      await ex.command('CREATE TABLE t (a UInt64, b String) ENGINE = MergeTree ORDER BY a');
      const seen = new Set<number>();
      // Many small parts, so that merges run while the threads are sampled; at most 200 inserts.
      for (let i = 0; i < 200 && !seen.has(7); i += 1) {
        await ex.command(
          `INSERT INTO t SELECT number, toString(number) FROM numbers(${i * 200_000}, 200000)`,
        );
        for (const nice of niceOf('MergeMutate')) seen.add(nice);
      }
      expect([...seen]).toContain(7);
    },
  );
});
