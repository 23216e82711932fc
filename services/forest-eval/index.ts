export { parseLabelledCsv, readLabelledCsv, type LabelledDataset } from './load-csv.ts';
export { fitBaseline, toRows, type Baseline } from './baseline.ts';
export {
  evaluateForest,
  summarise,
  type EvaluationOptions,
  type EvaluationReport,
  type RunResult,
  type Summary,
} from './evaluate.ts';
