import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { loopDelayWatch } from './loop-delay.ts';

describe('loopDelayWatch', () => {
  it('sees a synchronous spell of the main thread, and starts afresh after take', async () => {
    const watch = loopDelayWatch();
    await sleep(30);
    const until = performance.now() + 300;
    while (performance.now() < until) {
      // Holds the main thread, as a large engine call does.
    }
    await sleep(30);
    const held = watch.take();
    expect(held.max_ms).toBeGreaterThanOrEqual(250);
    expect(held.p50_ms).toBeLessThanOrEqual(held.max_ms);
    await sleep(50);
    const after = watch.take();
    watch.stop();
    // The spell is not counted again: `take` started a new reading.
    expect(after.max_ms).toBeLessThan(held.max_ms);
  });
});
