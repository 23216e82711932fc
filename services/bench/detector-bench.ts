import { IsolationForest } from 'ml-isolation-forest';
import { fitForest } from '../../detectors/forest/index.ts';
import { BENCH_TARGETS, type BenchOptions } from './options.ts';
import { createParallelScorer } from './parallel-scorer.ts';
import type { DetectorSection } from './report.ts';
import { round, stopwatch } from './stats.ts';
import { rowArrays, sampleRows, syntheticFeatureMatrix } from './feature-matrix.ts';

const TREES = 100;
const SAMPLE = 256;
/** ml-isolation-forest grows every tree on all its rows: 4,096 rows give depth-12 trees. */
const LARGE_SAMPLE = 4_096;

export interface DetectorBenchDeps {
  log: (line: string) => void;
}

type ScoringRun = DetectorSection['vigie']['single_thread'];

function run(rows: number, w: ReturnType<typeof stopwatch>): ScoringRun {
  const elapsed = w.wallMs();
  return {
    elapsed_ms: round(elapsed),
    cpu_ms: round(Math.max(w.cpuMs(), 0.1)),
    sellers_per_s: Math.round((rows / Math.max(elapsed, 1e-3)) * 1000),
  };
}

/**
 * Training time and scoring throughput of Vigie's forest (one thread, then worker threads)
 * against ml-isolation-forest on the same rows, 100 trees each (the package's default).
 */
export async function runDetectorBench(
  options: BenchOptions,
  { log }: DetectorBenchDeps,
): Promise<DetectorSection> {
  const rows = options.detectorRows ?? options.events;
  const matrix = syntheticFeatureMatrix(rows, options.seed);
  log(`detector: ${rows} sellers × ${matrix.cols} features`);

  let w = stopwatch();
  const forest = fitForest(matrix, { trees: TREES, sampleSize: SAMPLE, seed: options.seed });
  const trainMs = w.wallMs();

  w = stopwatch();
  const single = forest.scoreMany(matrix);
  const singleRun = run(rows, w);
  log(`detector: vigie trained in ${Math.round(trainMs)} ms, scored in ${singleRun.elapsed_ms} ms`);

  w = stopwatch();
  const scorer = await createParallelScorer({ forest, threads: options.threads });
  const poolMs = w.wallMs();
  let parallelRun: ScoringRun;
  let identical: boolean;
  try {
    w = stopwatch();
    const parallel = await scorer.scoreMany(matrix);
    parallelRun = run(rows, w);
    identical = parallel.every((s, i) => s === single[i]);
  } finally {
    await scorer.close();
  }
  log(`detector: ${options.threads} threads scored in ${parallelRun.elapsed_ms} ms`);

  // Same-size trees: ψ rows, as each Vigie tree sees.
  const sample = sampleRows(matrix, SAMPLE, options.seed);
  const scoredRows = Math.min(options.baselineScoreRows, rows);
  const input = rowArrays(matrix, scoredRows);
  w = stopwatch();
  const baseline = new IsolationForest({ nEstimators: TREES });
  baseline.train(sample);
  const baseTrainMs = w.wallMs();
  w = stopwatch();
  baseline.predict(input);
  const baseRun = run(scoredRows, w);
  log(`detector: ml-isolation-forest scored ${scoredRows} in ${baseRun.elapsed_ms} ms`);

  const large = sampleRows(matrix, LARGE_SAMPLE, options.seed + 1);
  w = stopwatch();
  const deep = new IsolationForest({ nEstimators: TREES });
  deep.train(large);
  const deepTrainMs = w.wallMs();
  const deepRows = Math.max(1_000, Math.round(scoredRows / 4));
  w = stopwatch();
  deep.predict(input.slice(0, deepRows));
  const deepRun = run(deepRows, w);

  const best = Math.max(singleRun.sellers_per_s, parallelRun.sellers_per_s);
  const speedup = round(best / baseRun.sellers_per_s, 2);
  const perCpu = (r: ScoringRun, n: number) => n / r.cpu_ms;
  return {
    rows,
    features: matrix.cols,
    trees: TREES,
    sample_size: SAMPLE,
    vigie: {
      train_ms: round(trainMs),
      single_thread: singleRun,
      parallel: { ...parallelRun, threads: options.threads, pool_start_ms: round(poolMs) },
    },
    baseline: {
      name: 'ml-isolation-forest 0.1.0',
      train_ms: round(baseTrainMs, 2),
      scored_rows: scoredRows,
      score: baseRun,
      large: {
        train_rows: LARGE_SAMPLE,
        train_ms: round(deepTrainMs),
        scored_rows: deepRows,
        sellers_per_s: deepRun.sellers_per_s,
      },
    },
    speedup,
    speedup_single_thread: round(singleRun.sellers_per_s / baseRun.sellers_per_s, 2),
    speedup_per_cpu: round(perCpu(singleRun, rows) / perCpu(baseRun, scoredRows), 2),
    speedup_vs_large: round(best / deepRun.sellers_per_s, 2),
    parallel_identical: identical,
    target: { target: BENCH_TARGETS.scoringSpeedup, met: speedup >= BENCH_TARGETS.scoringSpeedup },
  };
}
