import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** How late the event loop ran a timer due every 10 ms: the main thread's longest busy spells. */
export interface LoopDelay {
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
}

/**
 * Watches the event loop's delay from now on (Node's `monitorEventLoopDelay`, 10 ms
 * resolution). While it is held, nothing that waits for the main thread runs: an I/O
 * completion of the other lane, a timer, a Kafka heartbeat. `take` returns the delays since the
 * start or the previous `take`; `stop` ends the watch.
 */
export function loopDelayWatch(): { take(): LoopDelay; stop(): void } {
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const ms = (ns: number) => Math.round(ns / 1e5) / 10;
  return {
    take() {
      const delay =
        histogram.count === 0
          ? { p50_ms: 0, p99_ms: 0, max_ms: 0 }
          : {
              p50_ms: ms(histogram.percentile(50)),
              p99_ms: ms(histogram.percentile(99)),
              max_ms: ms(histogram.max),
            };
      histogram.reset();
      return delay;
    },
    stop() {
      histogram.disable();
    },
  };
}
