import { describe, expect, it } from 'vitest';
import { measureRecentIdsHeap, readMemory } from './memory.ts';

describe('readMemory', () => {
  it('reads the heap inside the RSS, and the file pages on Linux', () => {
    const m = readMemory();
    expect(m.heapUsed).toBeGreaterThan(0);
    expect(m.heapUsed).toBeLessThanOrEqual(m.heapTotal);
    expect(m.rss).toBeGreaterThan(m.heapUsed);
    if (process.platform === 'linux') {
      expect(m.rssFile).toBeGreaterThan(0);
      expect(m.rssFile).toBeLessThan(m.rss);
    }
  });
});

describe('measureRecentIdsHeap', () => {
  it('grows with the ids held and stops at the capacity', () => {
    const full = measureRecentIdsHeap(50_000, 50_000, 5_000);
    const few = measureRecentIdsHeap(50_000, 5_000, 5_000);
    const capped = measureRecentIdsHeap(5_000, 50_000, 5_000);
    // An id costs its string, a Map entry and queue slots: tens of bytes, not kilobytes.
    expect(full / 50_000).toBeGreaterThan(30);
    expect(full / 50_000).toBeLessThan(1_000);
    expect(few).toBeLessThan(full / 2);
    expect(capped).toBeLessThan(full / 2);
  });
});
