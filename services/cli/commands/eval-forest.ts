import { InvalidArgumentError, type Command } from 'commander';
import { evaluateForest, readLabelledCsv, type RunResult } from '../../forest-eval/index.ts';

interface EvalForestOptions {
  csv: string;
  seeds: number;
  trees: number;
  sample: number;
  extended?: number;
  baseline?: boolean;
}

function integerArg(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    }
    return n;
  };
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

function runLine(run: RunResult): string {
  const who = run.model === 'vigie' ? 'seed' : 'baseline run';
  return (
    `${who} ${run.seed}: auc=${run.auc.toFixed(4)} ap=${run.ap.toFixed(4)} ` +
    `fit_ms=${run.fitMs.toFixed(1)} score_ms=${run.scoreMs.toFixed(1)}\n`
  );
}

/**
 * `vigie eval-forest`: ROC-AUC and average precision of the isolation forest on a labelled CSV
 * (fit on all rows, score the same rows, seeds 0…n−1). One line per run, then one JSON line,
 * always last; with --baseline the ml-isolation-forest figures sit in it under `baseline`.
 */
export function registerEvalForest(program: Command): void {
  program
    .command('eval-forest')
    .description(
      'evaluate the isolation forest on a CSV whose `label` column marks anomalies (1); prints a ' +
        'line per seed, then JSON {auc_mean, auc_sd, ap_mean, fit_ms, score_ms[, baseline]} last',
    )
    .requiredOption('--csv <file>', 'numeric CSV with a header and a 0/1 `label` column')
    .option('--seeds <n>', 'number of seeds (0 … n−1)', integerArg(1, 1000), 5)
    .option('--trees <n>', 'trees per forest', integerArg(1, 10_000), 100)
    .option('--sample <n>', 'subsample size ψ per tree', integerArg(2, 1_000_000), 256)
    .option(
      '--extended <level>',
      'extended forest: hyperplanes over level + 1 features',
      integerArg(0, 1000),
    )
    .option('--baseline', 'also evaluate ml-isolation-forest (same trees, whole data set per tree)')
    .action(async (options: EvalForestOptions) => {
      const dataset = await readLabelledCsv(options.csv);
      const report = evaluateForest(dataset, {
        seeds: options.seeds,
        trees: options.trees,
        sampleSize: options.sample,
        extensionLevel: options.extended,
        baseline: options.baseline ?? false,
        onRun: (run) => process.stdout.write(runLine(run)),
      });
      const summary = (s: {
        auc_mean: number;
        auc_sd: number;
        ap_mean: number;
        fit_ms: number;
        score_ms: number;
      }) => ({
        auc_mean: round(s.auc_mean, 6),
        auc_sd: round(s.auc_sd, 6),
        ap_mean: round(s.ap_mean, 6),
        fit_ms: round(s.fit_ms, 1),
        score_ms: round(s.score_ms, 1),
      });
      const line = {
        rows: report.rows,
        features: report.features,
        anomalies: report.anomalies,
        seeds: report.seeds,
        trees: report.trees,
        sample: report.sample,
        extended: report.extended,
        ...summary(report),
        ...(report.baseline === undefined ? {} : { baseline: summary(report.baseline) }),
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    });
}
