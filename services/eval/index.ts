/**
 * The quality evaluation (issue 6, `npm run eval`): a simulated marketplace through the real
 * pipeline and detectors scored against its truth, and the forest alone on the real data sets.
 * See docs/evaluation.md. The only door of services/eval.
 */
export { runEval, type EvalOptions } from './run-eval.ts';
export {
  runMarketplace,
  type MarketplaceRun,
  type MarketplaceRunOptions,
  type RunProgress,
} from './marketplace-run.ts';
export {
  EXPECTED_KIND,
  NEGATIVE_CLASSES,
  POSITIVE_CLASSES,
  scoreFlags,
  type ClassMetrics,
  type DrifterMetrics,
  type KindPrecision,
  type MarketplaceMetrics,
} from './marketplace-metrics.ts';
export { checkTargets, type TargetCheck } from './targets.ts';
export {
  evaluateDatasets,
  type DatasetEvalOptions,
  type DatasetResult,
  type ModelFigures,
} from './datasets.ts';
export { parseReferenceTable, type ReferenceFigures } from './reference-figures.ts';
export { latestEventTime } from './event-time.ts';
export { formatEvalReport } from './format.ts';
export type { EvalReport, MarketplaceReport, MisjudgedSeller } from './report-types.ts';
