import type { LatencySummary, Throughput } from './report.ts';

/** Nearest-rank percentile of sorted values (p in [0, 100]). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

const round = (x: number, digits = 1): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

export function summariseLatencies(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50_ms: round(percentile(sorted, 50)),
    p90_ms: round(percentile(sorted, 90)),
    p99_ms: round(percentile(sorted, 99)),
    max_ms: round(sorted[sorted.length - 1] ?? 0),
  };
}

export function throughput(records: number, elapsedMs: number, cpuMs?: number): Throughput {
  const elapsed = Math.max(elapsedMs, 1);
  return {
    records,
    elapsed_s: round(elapsed / 1000, 3),
    events_per_s: Math.round((records / elapsed) * 1000),
    ...(cpuMs === undefined ? {} : { cpu_s: round(cpuMs / 1000, 3) }),
  };
}

/** A stopwatch of wall-clock and process CPU time (every thread of the process). */
export function stopwatch(): { wallMs(): number; cpuMs(): number } {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return {
    wallMs: () => performance.now() - wall,
    cpuMs: () => {
      const used = process.cpuUsage(cpu);
      return (used.user + used.system) / 1000;
    },
  };
}

export { round };
