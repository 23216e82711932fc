import type { FeatureName } from '../rules/index.ts';
import type { ForestVerdict } from './assess.ts';
import type { PopulationSummary } from './population.ts';

/** How a model was trained: enough to train it again, bit for bit, on the same rows. */
export interface ModelParams {
  algorithm: 'isolation-forest';
  trees: number;
  sampleSize: number;
  seed: number;
  extensionLevel: number;
  /** Expected share of anomalies; sets the threshold. */
  contamination: number;
  /** The forest's input columns, in order. */
  features: FeatureName[];
}

/** What the training population looked like, stored with the model. */
export interface TrainingSummary {
  rows: number;
  /** Score at or above which a seller is `anomalous`: the (1 − contamination) training quantile. */
  threshold: number;
  /** Training scores: p50, p90, p99, max. */
  scores: { p50: number; p90: number; p99: number; max: number };
  /** Per feature: 101 quantiles, mean, share of zeros (percentiles of reasons come from here). */
  population: PopulationSummary;
}

/** A model as stored in the `models` table. */
export interface ModelRecord {
  /** `if-<yyyymmddhhmm>-<seed>-<hash8>`; hash = SHA-256 of the serialised model. */
  version: string;
  /** Wall-clock time of training, ms. */
  createdAt: number;
  params: ModelParams;
  summary: TrainingSummary;
  /** The serialised forest (versioned JSON from detectors/forest). */
  model: string;
}

/** A loaded model, ready to score sellers. */
export interface DetectorModel {
  readonly version: string;
  readonly params: ModelParams;
  readonly summary: TrainingSummary;
  /**
   * Score, threshold and explanation for one seller's feature values. `explain: false` skips
   * the explanation (empty `contributions`), about half the cost, for sellers nobody will read.
   */
  verdict(
    values: Readonly<Record<FeatureName, number>>,
    options?: { explain?: boolean },
  ): ForestVerdict;
}
