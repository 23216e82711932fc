import { performance, PerformanceObserver, constants } from 'node:perf_hooks';
import type { StageBreakdown } from './report.ts';
import { loopDelayWatch, type LoopDelay } from './loop-delay.ts';
import { cpuWatch } from './thread-cpu.ts';

/**
 * What the process did in one window of a timed run: the pipeline's stage means over the
 * batches that ended in it, V8's garbage-collection pauses, the event loop's utilisation and
 * the process's CPU. The latency run's windows are 10 s, like `latency.by_10s`, so that a slow
 * window can be read next to where its time went.
 */
export interface WindowSample {
  /** Seconds since the sampler started, at the window's end. */
  end_s: number;
  stages: StageBreakdown;
  gc: { pauses: number; total_ms: number; max_ms: number; major_ms: number };
  event_loop_utilization: number;
  /** How late the event loop ran a 10 ms timer (loop-delay.ts). Since the twenty-third session. */
  event_loop_delay_ms: LoopDelay;
  cpu_s: number;
  /**
   * The process's CPU seconds per thread name (`main`, `libuv`, chDB's threads by their names,
   * `node`: V8's helpers, a registered worker under its own name); Linux only.
   */
  threads_s?: Record<string, number>;
  /** Cores the whole machine kept busy (the broker and every other process included); Linux only. */
  machine_busy_cores?: number;
}

export interface WindowSampler {
  /** Closes the current window and returns every window, in order. */
  stop(): WindowSample[];
}

/**
 * Samples every `windowMs` until stopped. `mark` reads cumulative stage totals and `breakdown`
 * turns two marks into means per batch (the bench's own helpers, passed in so the sampler does
 * not know the pipeline).
 */
export function startWindowSampler<M>(
  windowMs: number,
  mark: () => M,
  breakdown: (from: M, to: M) => StageBreakdown,
): WindowSampler {
  const started = performance.now();
  const samples: WindowSample[] = [];
  let gc = { pauses: 0, total_ms: 0, max_ms: 0, major_ms: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.pauses += 1;
      gc.total_ms += entry.duration;
      gc.max_ms = Math.max(gc.max_ms, entry.duration);
      const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) gc.major_ms += entry.duration;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  let lastMark = mark();
  let lastElu = performance.eventLoopUtilization();
  let lastCpu = process.cpuUsage();
  let lastWatch = cpuWatch();
  const delay = loopDelayWatch();
  const close = (): void => {
    const nextMark = mark();
    const elu = performance.eventLoopUtilization(lastElu);
    const cpu = process.cpuUsage(lastCpu);
    const spent = lastWatch.spent();
    const round = (n: number) => Math.round(n * 10) / 10;
    samples.push({
      end_s: round((performance.now() - started) / 1000),
      stages: breakdown(lastMark, nextMark),
      gc: {
        pauses: gc.pauses,
        total_ms: round(gc.total_ms),
        max_ms: round(gc.max_ms),
        major_ms: round(gc.major_ms),
      },
      event_loop_utilization: Math.round(elu.utilization * 100) / 100,
      event_loop_delay_ms: delay.take(),
      cpu_s: round((cpu.user + cpu.system) / 1e6),
      ...(Object.keys(spent.threads_s).length > 0 ? { threads_s: spent.threads_s } : {}),
      ...(spent.machine_busy_cores === undefined
        ? {}
        : { machine_busy_cores: spent.machine_busy_cores }),
    });
    lastWatch = cpuWatch();
    lastMark = nextMark;
    lastElu = performance.eventLoopUtilization();
    lastCpu = process.cpuUsage();
    gc = { pauses: 0, total_ms: 0, max_ms: 0, major_ms: 0 };
  };
  const timer = setInterval(close, windowMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      close();
      delay.stop();
      observer.disconnect();
      return samples;
    },
  };
}
