import {
  applyPreparation,
  fitForest,
  fitPreparation,
  type Matrix,
} from '../../detectors/forest/index.ts';
import { averagePrecision, rocAuc } from '../../detectors/metrics/index.ts';
import { fitBaseline, toRows } from './baseline.ts';
import type { LabelledDataset } from './load-csv.ts';

export interface EvaluationOptions {
  /** Seeds 0 … seeds-1 (the baseline, having no seed, is simply run that many times). */
  readonly seeds: number;
  readonly trees: number;
  readonly sampleSize: number;
  /** Hyperplane splits over extensionLevel + 1 features (inputs robust-standardised first). */
  readonly extensionLevel?: number;
  /** Also evaluate ml-isolation-forest. */
  readonly baseline?: boolean;
  /** Called after each run, for progress lines. */
  readonly onRun?: (run: RunResult) => void;
}

export interface RunResult {
  readonly model: 'vigie' | 'ml-isolation-forest';
  readonly seed: number;
  readonly auc: number;
  readonly ap: number;
  readonly fitMs: number;
  readonly scoreMs: number;
}

export interface Summary {
  readonly auc_mean: number;
  readonly auc_sd: number;
  readonly ap_mean: number;
  /** Mean over runs, milliseconds. */
  readonly fit_ms: number;
  readonly score_ms: number;
}

export interface EvaluationReport extends Summary {
  readonly rows: number;
  readonly features: number;
  readonly anomalies: number;
  readonly seeds: number;
  readonly trees: number;
  readonly sample: number;
  readonly extended: number | null;
  readonly baseline?: Summary;
}

/**
 * Fits on all rows and scores the same rows, once per seed, as in the reference figures of the
 * anomaly data sets (unsupervised: labels are used only to score).
 */
export function evaluateForest(
  dataset: LabelledDataset,
  options: EvaluationOptions,
): EvaluationReport {
  const extended = options.extensionLevel ?? null;
  // Axis-parallel splits need no scaling; hyperplanes do (see detectors/forest/prepare.ts).
  const input: Matrix =
    extended === null
      ? dataset.matrix
      : applyPreparation(
          fitPreparation(dataset.matrix, {
            transforms: dataset.featureNames.map(() => 'identity' as const),
            scaling: 'robust',
          }),
          dataset.matrix,
        );

  const runs: RunResult[] = [];
  for (let seed = 0; seed < options.seeds; seed++) {
    let start = performance.now();
    const forest = fitForest(input, {
      seed,
      trees: options.trees,
      sampleSize: options.sampleSize,
      extensionLevel: extended ?? 0,
    });
    const fitMs = performance.now() - start;
    start = performance.now();
    const scores = forest.scoreMany(input);
    const scoreMs = performance.now() - start;
    const run = {
      model: 'vigie' as const,
      seed,
      ...quality(scores, dataset.labels),
      fitMs,
      scoreMs,
    };
    runs.push(run);
    options.onRun?.(run);
  }

  let baseline: Summary | undefined;
  if (options.baseline === true) {
    const rows = toRows(dataset.matrix);
    const baselineRuns: RunResult[] = [];
    for (let seed = 0; seed < options.seeds; seed++) {
      let start = performance.now();
      const model = fitBaseline(rows, options.trees);
      const fitMs = performance.now() - start;
      start = performance.now();
      const scores = model.score(rows);
      const scoreMs = performance.now() - start;
      const run = {
        model: 'ml-isolation-forest' as const,
        seed,
        ...quality(scores, dataset.labels),
        fitMs,
        scoreMs,
      };
      baselineRuns.push(run);
      options.onRun?.(run);
    }
    baseline = summarise(baselineRuns);
  }

  return {
    rows: dataset.matrix.rows,
    features: dataset.matrix.cols,
    anomalies: dataset.labels.reduce((sum, label) => sum + label, 0),
    seeds: options.seeds,
    trees: options.trees,
    sample: options.sampleSize,
    extended,
    ...summarise(runs),
    ...(baseline === undefined ? {} : { baseline }),
  };
}

function quality(scores: Float64Array, labels: Uint8Array): { auc: number; ap: number } {
  return { auc: rocAuc(scores, labels), ap: averagePrecision(scores, labels) };
}

export function summarise(runs: readonly RunResult[]): Summary {
  const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
  const aucs = runs.map((r) => r.auc);
  const aucMean = mean(aucs);
  // Sample standard deviation (n − 1), as in the data sets' README.
  const sd =
    aucs.length > 1
      ? Math.sqrt(aucs.reduce((s, a) => s + (a - aucMean) ** 2, 0) / (aucs.length - 1))
      : 0;
  return {
    auc_mean: aucMean,
    auc_sd: sd,
    ap_mean: mean(runs.map((r) => r.ap)),
    fit_ms: mean(runs.map((r) => r.fitMs)),
    score_ms: mean(runs.map((r) => r.scoreMs)),
  };
}
