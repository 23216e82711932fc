/**
 * `vigie bench` (issue 6, "Benchmarks"): end-to-end ingestion through a real Kafka broker, file
 * replay, the priority lane under backlog, detector training and scoring, memory per seller —
 * each next to a baseline measured in the same run. See docs/performance.md.
 */
export { runBench, writeBenchReport, type RunBenchDeps } from './run-bench.ts';
export {
  BENCH_SECTIONS,
  BENCH_TARGETS,
  BenchOptionsSchema,
  type BenchOptions,
  type BenchOptionsInput,
  type BenchSection,
} from './options.ts';
export {
  BenchReportSchema,
  type BenchReport,
  type DetectorSection,
  type E2eSection,
  type MemorySection,
  type PrioritySection,
  type ReplaySection,
} from './report.ts';
export { formatBenchTable } from './format.ts';
export {
  createParallelScorer,
  sharedMatrix,
  type ParallelScorer,
  type ParallelScorerOptions,
} from './parallel-scorer.ts';
export { loadBenchConfig, BenchEnvSchema, type BenchEnv } from './config.ts';
