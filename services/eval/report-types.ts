import type { DatasetResult } from './datasets.ts';
import type { MarketplaceRun } from './marketplace-run.ts';
import type { MarketplaceMetrics } from './marketplace-metrics.ts';
import type { TargetCheck } from './targets.ts';

/** A seller the flags got wrong, for inspection (`--keep` keeps the store to query it). */
export interface MisjudgedSeller {
  seller_id: string;
  class: string;
  kinds: string[];
}

/** The marketplace half of the report: the run, its metrics and the targets. */
export interface MarketplaceReport {
  sellers_requested: number;
  days: number;
  seed: number | string;
  train_every_h: number;
  simulation: MarketplaceRun['simulation'];
  replay: MarketplaceRun['replay'];
  detector: MarketplaceRun['detector'];
  metrics: MarketplaceMetrics;
  /**
   * Drifters whose first flag was *emitted* (stream clock at emission) before their first
   * takedown: stricter than `flagged_at`, which is the event time of the evidence.
   */
  drifters_emitted_before_takedown_share: number;
  targets: TargetCheck[];
  /** The first false positives and missed positives (at most 50 each). */
  false_positives: MisjudgedSeller[];
  missed: MisjudgedSeller[];
}

/** What `vigie eval` writes to its JSON file (`eval-results/eval.json` by default). */
export interface EvalReport {
  format: 'vigie.eval';
  version: 1;
  generated_at: string;
  /** The policy used; `sha256` of the document as canonical JSON (`JSON.stringify`). */
  policy: { source: string; sha256: string };
  forest: { trees: number; sample: number; extension: number; contamination: number };
  marketplace: MarketplaceReport | null;
  datasets: DatasetResult[] | null;
  /** Every issue 7 target on the simulated marketplace is met (null: not run). */
  marketplace_targets_met: boolean | null;
  /** Every data set's AUC is within 0.01 of scikit-learn's, or better (null: not run). */
  dataset_auc_targets_met: boolean | null;
  elapsed_ms: number;
}
