/** Scoring: forest score + rule hits + DSA escalations → severity, reasons, flag decisions. */
export {
  combineSeverity,
  maxSeverity,
  raiseSeverity,
  severityRank,
  type SeverityInputs,
} from './severity.ts';
export { calibrateThreshold, quantileSorted } from './threshold.ts';
export {
  populationPercentile,
  summarisePopulation,
  type FeatureSummary,
  type PopulationSummary,
} from './population.ts';
export { featureReasons, ruleReasons, type NamedContribution } from './reasons.ts';
export {
  assessSeller,
  MAX_EVIDENCE_IDS,
  NO_MODEL_VERSION,
  type Assessment,
  type ForestVerdict,
} from './assess.ts';
export { flagId, type FlagIdentity } from './flag-id.ts';
export {
  decideFlag,
  type DecisionOptions,
  type DismissedFlag,
  type EmitReason,
  type FlagDecision,
  type FlagSnapshot,
  type FlagState,
  type SuppressReason,
} from './decide.ts';
export { buildSellerFlagged } from './build-flag.ts';
export type { DetectorModel, ModelParams, ModelRecord, TrainingSummary } from './model-types.ts';
export {
  loadDetectorModel,
  modelVersion,
  trainDetectorModel,
  type TrainModelOptions,
} from './model.ts';
