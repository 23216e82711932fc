import { z } from 'zod';

/** The measurements `vigie bench` can run, in the order they run. */
export const BENCH_SECTIONS = ['detector', 'replay', 'e2e', 'priority', 'memory'] as const;
export type BenchSection = (typeof BENCH_SECTIONS)[number];

/** What the issue asks (issue 6, "Benchmarks"); the JSON says for each figure whether it holds. */
export const BENCH_TARGETS = {
  kafkaEventsPerS: 20_000,
  fileEventsPerS: 50_000,
  p99LatencyMs: 2_000,
  priorityLatencyMs: 2_000,
  scoringSpeedup: 20,
  bytesPerSeller: 2_048,
} as const;

/** Simulated events per seller over 30 days (services/simulator, default population shares). */
export const EVENTS_PER_SELLER = 80;

export const BenchOptionsSchema = z
  .object({
    /** Ordinary events to simulate and push through each ingestion path. @default 1,000,000 */
    events: z.number().int().min(1_000).max(20_000_000).default(1_000_000),
    /** Sections to run; default all. */
    only: z
      .array(z.enum(BENCH_SECTIONS))
      .min(1)
      .default([...BENCH_SECTIONS]),
    /** Seed of the simulated marketplace and of the forests. @default 42 */
    seed: z.number().int().min(0).max(0xffffffff).default(42),
    /** Sellers scored by the detector measurement. Default: `events` (1,000,000). */
    detectorRows: z.number().int().min(1_000).max(10_000_000).optional(),
    /**
     * Rows ml-isolation-forest scores (it walks object trees recursively: 1M rows take minutes);
     * its rate is per row, so a subset gives it. @default 200,000
     */
    baselineScoreRows: z.number().int().min(1_000).max(10_000_000).default(200_000),
    /** Duration of the paced 2,000 events/s latency run, seconds. Default: scaled to `events`. */
    latencySeconds: z.number().int().min(2).max(3_600).optional(),
    /** Paced production rate of the latency run, events/s. @default 2,000 */
    latencyRate: z.number().int().min(10).max(100_000).default(2_000),
    /** Trusted-flagger notices sent on the priority topic while the backlog drains. @default 5 */
    priorityProbes: z.number().int().min(1).max(100).default(5),
    /** Give up waiting for the pipeline after this long (per ingestion run), seconds. */
    drainTimeoutSeconds: z.number().int().min(10).max(86_400).default(3_600),
    /** Scoring threads of the parallel scorer. @default 2 (this machine's cores) */
    threads: z.number().int().min(1).max(64).default(2),
    /** Where temporary data (simulated file, chDB store) goes; removed at the end. */
    workDir: z.string().min(1).optional(),
    /** Keep the temporary directory (for a look at the store afterwards). @default false */
    keepWorkDir: z.boolean().default(false),
  })
  .strict();

export type BenchOptionsInput = z.input<typeof BenchOptionsSchema>;
export type BenchOptions = z.output<typeof BenchOptionsSchema>;

/** The latency run lasts long enough for a stable p99 without dominating a quick run. */
export function latencySecondsFor(options: BenchOptions): number {
  if (options.latencySeconds !== undefined) return options.latencySeconds;
  return Math.max(5, Math.min(60, Math.round(options.events / 16_000)));
}
