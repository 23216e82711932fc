import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const POOL_MODULE = resolve('services/cli/thread-pool.cjs');

/**
 * In a fresh Node process started as `vigie` starts (the pool module required first, or not):
 * six slow statements queued on one chDB connection, then a one-row query on a second
 * connection. Returns the order in which they finished.
 */
function finishOrder(dataDir: string, sized: boolean): string[] {
  const code = `
    ${sized ? `require(${JSON.stringify(POOL_MODULE)});` : ''}
    const { Session } = require('chdb');
    (async () => {
      const a = new Session(process.argv[1]);
      const b = new Session(process.argv[1]);
      const order = [];
      const slow = [];
      for (let i = 0; i < 6; i++) {
        slow.push(
          a.queryAsync('SELECT sum(sleepEachRow(0.05)) FROM numbers(4) SETTINGS max_block_size = 1', 'CSV')
            .then(() => order.push('slow' + i)),
        );
      }
      await new Promise((r) => setTimeout(r, 20));
      await b.queryAsync('SELECT 1', 'CSV');
      order.push('other connection');
      await Promise.all(slow);
      b.close();
      a.close();
      process.stdout.write(JSON.stringify(order));
    })();`;
  const env = { ...process.env };
  delete env.UV_THREADPOOL_SIZE;
  const child = spawnSync(process.execPath, ['-e', code, dataDir], {
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (child.status !== 0) throw new Error(`child failed (${child.status}): ${child.stderr}`);
  return JSON.parse(child.stdout) as string[];
}

describe('libuv thread pool of the vigie command (real chDB)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigie-pool-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("with Node's default pool, statements queued on one connection hold up another connection", () => {
    // The failure the pool size prevents: each queued statement holds a pool thread while it
    // waits for its connection, so the other connection's query waits for a free thread.
    const order = finishOrder(join(dir, 'default'), false);
    expect(order.indexOf('other connection')).toBeGreaterThan(0);
  });

  it('sized as the command sizes it, another connection answers before the queue moves', () => {
    const order = finishOrder(join(dir, 'sized'), true);
    expect(order[0]).toBe('other connection');
    expect(order).toHaveLength(7);
  });
});
