import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VigieError } from '../../streams/errors.ts';
import { evaluateForest, readLabelledCsv, type Summary } from '../forest-eval/index.ts';
import { parseReferenceTable, type ReferenceFigures } from './reference-figures.ts';

export interface DatasetEvalOptions {
  /** Folder of labelled CSVs with the README.md reference table. */
  dir: string;
  /** @default 5 (seeds 0…4, as the scikit-learn figures) */
  seeds?: number;
  /** @default 100 */
  trees?: number;
  /** @default 256 */
  sampleSize?: number;
  /** Also run ml-isolation-forest. @default true */
  baseline?: boolean;
  onDataset?: (file: string) => void;
}

export interface ModelFigures {
  auc_mean: number;
  auc_sd: number;
  ap_mean: number;
  fit_ms: number;
  score_ms: number;
}

export interface DatasetResult {
  file: string;
  rows: number;
  features: number;
  anomalies: number;
  vigie: ModelFigures;
  ml_isolation_forest: ModelFigures | null;
  /** From the README; null for a CSV the table does not list. */
  scikit_learn: { auc_mean: number; auc_sd: number; ap: number } | null;
  liu_2008_auc: number | null;
  /** Vigie's mean AUC minus scikit-learn's. */
  auc_delta_vs_sklearn: number | null;
  /** Issue 7: within 0.01 of scikit-learn's AUC, or better. */
  meets_auc_target: boolean | null;
  /**
   * How far below scikit-learn a 5-seed mean may fall by seed noise alone:
   * max(0.01, 2·√(sd_sklearn² + sd_vigie²)/√seeds), as in docs/detectors.md.
   */
  noise_tolerance: number | null;
  /** Within that tolerance (the same algorithm, up to the seeds drawn). */
  within_noise: boolean | null;
}

const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;
const r1 = (x: number): number => Math.round(x * 10) / 10;

function figures(s: Summary): ModelFigures {
  return {
    auc_mean: r4(s.auc_mean),
    auc_sd: r4(s.auc_sd),
    ap_mean: r4(s.ap_mean),
    fit_ms: r1(s.fit_ms),
    score_ms: r1(s.score_ms),
  };
}

/**
 * The detector's isolation forest alone on every labelled CSV of `dir` (fit on all rows, score
 * the same rows, seeds 0…n−1, as the reference figures), next to ml-isolation-forest in the same
 * run and the scikit-learn figures parsed from the folder's README.
 */
export async function evaluateDatasets(options: DatasetEvalOptions): Promise<DatasetResult[]> {
  let readme: string;
  try {
    readme = await readFile(join(options.dir, 'README.md'), 'utf8');
  } catch (err) {
    throw new VigieError(
      'BAD_REQUEST',
      `cannot read ${join(options.dir, 'README.md')} (the reference figures): ${(err as Error).message}`,
      { cause: err },
    );
  }
  const references = parseReferenceTable(readme);
  const csvs = (await readdir(options.dir)).filter((f) => f.endsWith('.csv')).sort();
  const missing = [...references.keys()].filter((f) => !csvs.includes(f));
  if (missing.length > 0) {
    throw new VigieError(
      'BAD_REQUEST',
      `the README lists data sets missing from ${options.dir}: ${missing.join(', ')}`,
    );
  }
  const out: DatasetResult[] = [];
  for (const file of csvs) {
    options.onDataset?.(file);
    const dataset = await readLabelledCsv(join(options.dir, file));
    const report = evaluateForest(dataset, {
      seeds: options.seeds ?? 5,
      trees: options.trees ?? 100,
      sampleSize: options.sampleSize ?? 256,
      baseline: options.baseline ?? true,
    });
    const ref: ReferenceFigures | undefined = references.get(file);
    const delta = ref === undefined ? null : r4(report.auc_mean - ref.sklearn_auc_mean);
    const tolerance =
      ref === undefined
        ? null
        : r4(
            Math.max(
              0.01,
              (2 * Math.hypot(ref.sklearn_auc_sd, report.auc_sd)) / Math.sqrt(report.seeds),
            ),
          );
    out.push({
      file,
      rows: report.rows,
      features: report.features,
      anomalies: report.anomalies,
      vigie: figures(report),
      ml_isolation_forest: report.baseline ? figures(report.baseline) : null,
      scikit_learn: ref
        ? { auc_mean: ref.sklearn_auc_mean, auc_sd: ref.sklearn_auc_sd, ap: ref.sklearn_ap }
        : null,
      liu_2008_auc: ref?.liu_2008_auc ?? null,
      auc_delta_vs_sklearn: delta,
      meets_auc_target: delta === null ? null : delta >= -0.01,
      noise_tolerance: tolerance,
      within_noise: delta === null || tolerance === null ? null : delta >= -tolerance,
    });
  }
  return out;
}
