import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { cpuWatch, nameLibuvPool, nameThread, threadTimes } from './thread-cpu.ts';

const linux = existsSync('/proc/self/task');

/** Burns about `ms` of CPU on the calling thread. */
function spin(ms: number): void {
  const until = performance.now() + ms;
  let x = 0;
  while (performance.now() < until) x += Math.sqrt(x + 1);
  expect(x).toBeGreaterThan(0);
}

describe(`thread CPU${linux ? '' : ' (skipped: no /proc/self/task, not Linux)'}`, () => {
  it.skipIf(!linux)('counts the main thread’s work under `main`, not under other threads', () => {
    const watch = cpuWatch();
    spin(300);
    const spent = watch.spent();
    expect(spent.threads_s.main).toBeGreaterThanOrEqual(0.2);
    for (const [name, s] of Object.entries(spent.threads_s)) {
      if (name !== 'main') expect(s).toBeLessThan(0.2);
    }
    expect(spent.machine_busy_cores).toBeGreaterThan(0.5);
  });

  it.skipIf(!linux)(
    'tells libuv’s pool from V8’s threads, and a worker that registered',
    async () => {
      await nameLibuvPool(4);
      const names = [...threadTimes().values()].map((t) => t.name);
      // Node's default pool: the test runs without UV_THREADPOOL_SIZE.
      expect(names.filter((n) => n === 'libuv')).toHaveLength(4);
      expect(names).toContain('node');

      const watch = cpuWatch();
      const worker = new Worker(
        `const { parentPort } = require('node:worker_threads');
       const { readlinkSync } = require('node:fs');
       parentPort.postMessage(readlinkSync('/proc/thread-self').split('/').pop());
       parentPort.once('message', () => {
         const until = performance.now() + 300;
         let x = 0;
         while (performance.now() < until) x += Math.sqrt(x + 1);
         parentPort.postMessage(x);
       });`,
        { eval: true },
      );
      const tid = await new Promise<string>((resolve) => worker.once('message', resolve));
      nameThread(tid, 'test worker');
      worker.postMessage('go');
      await new Promise((resolve) => worker.once('message', resolve));
      const spent = watch.spent();
      await worker.terminate();
      expect(spent.threads_s['test worker']).toBeGreaterThanOrEqual(0.2);
      expect(spent.threads_s.main ?? 0).toBeLessThan(0.2);
    },
  );
});
