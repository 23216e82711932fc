import { PerformanceObserver } from 'node:perf_hooks';
import type { GcPause } from './latency-tail.ts';

/**
 * Records the main thread's GC pauses (perf_hooks `gc` entries, performance.now() scale) into
 * `pauses` until `stop()`. Entries are delivered asynchronously: let the event loop turn once
 * before stopping to keep the last ones.
 */
export function recordGcPauses(): { pauses: GcPause[]; stop(): void } {
  const pauses: GcPause[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) pauses.push({ start: e.startTime, duration: e.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  return { pauses, stop: () => observer.disconnect() };
}
