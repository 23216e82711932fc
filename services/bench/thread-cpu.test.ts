import { existsSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { cpuWatch, nameLibuvPool, nameThread, threadTimes } from './thread-cpu.ts';

const linux = existsSync('/proc/self/task');

/** The calling thread's own run time so far, ms (schedstat; Linux only). */
function ownRunMs(): number {
  return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
}

/**
 * Burns `ms` of the calling thread's own CPU time. Counted in run time, not wall time: under a
 * loaded test run (other test files, chDB, the broker on two cores) a wall-time spin may get
 * only a fraction of its CPU.
 */
function spin(ms: number): void {
  const until = ownRunMs() + ms;
  let x = 0;
  while (ownRunMs() < until) for (let i = 0; i < 10_000; i += 1) x += Math.sqrt(x + 1);
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
       const { readFileSync, readlinkSync } = require('node:fs');
       const runMs = () =>
         Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
       parentPort.postMessage(readlinkSync('/proc/thread-self').split('/').pop());
       parentPort.once('message', () => {
         // 300 ms of this thread's own CPU, however loaded the machine is.
         const until = runMs() + 300;
         let x = 0;
         while (runMs() < until) for (let i = 0; i < 10000; i += 1) x += Math.sqrt(x + 1);
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
