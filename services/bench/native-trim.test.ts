import { describe, expect, it } from 'vitest';
import { collectGarbage } from './memory.ts';
import { glibcRuntime, trimNativeMemory } from './native-trim.ts';

const glibc = glibcRuntime();
const MiB = 2 ** 20;

describe(`trimNativeMemory${glibc === undefined ? ' (skipped: not a glibc system)' : ''}`, () => {
  it.skipIf(glibc === undefined)(
    'gives back memory that was malloc-ed and freed, which glibc keeps otherwise',
    async () => {
      // 300,000 small buffers: mallocs below the mmap threshold, in glibc's heaps. Freed in the
      // GC's order, they leave free pages inside the heaps, which glibc's automatic trim (the
      // top of a heap only) does not return.
      let held: Buffer[] = Array.from({ length: 300_000 }, () => Buffer.allocUnsafeSlow(1_000));
      expect(held.length).toBe(300_000);
      held = [];
      collectGarbage();
      const before = process.memoryUsage().rss;
      const outcome = await trimNativeMemory();
      const after = process.memoryUsage().rss;
      expect(outcome).toMatchObject({ released: true });
      expect(before - after).toBeGreaterThan(100 * MiB);
    },
  );

  it.skipIf(glibc !== undefined)('says why it cannot run off glibc', async () => {
    expect(await trimNativeMemory()).toEqual({ unavailable: 'the C library is not glibc' });
  });
});
