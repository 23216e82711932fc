import type { FlagReason } from '../../streams/contract/flag.ts';
import { FLAG_KINDS, type FlagKind, type Severity } from '../../streams/contract/vocabularies.ts';
import {
  evaluateEscalations,
  evaluateRules,
  evidenceOf,
  type EscalationHit,
  type FeatureName,
  type FlagEvidence,
  type Policy,
  type RuleHit,
  type SellerFeatureSet,
} from '../rules/index.ts';
import type { PopulationSummary } from './population.ts';
import { featureReasons, ruleReasons, type NamedContribution } from './reasons.ts';
import { combineSeverity } from './severity.ts';

/** The model version reported when no model has been trained yet (rules still flag). */
export const NO_MODEL_VERSION = 'none';

/** Flags carry at most this many listing ids and as many seller ids (sorted, first ones kept). */
export const MAX_EVIDENCE_IDS = 500;

/** What the current model says of one seller: its score, threshold and explanation. */
export interface ForestVerdict {
  score: number;
  threshold: number;
  modelVersion: string;
  contributions: readonly NamedContribution[];
  population?: PopulationSummary;
}

/** Everything Vigie concludes about one seller; `flagged` says whether it makes a flag. */
export interface Assessment {
  flagged: boolean;
  kinds: FlagKind[];
  severity: Severity | null;
  score: number;
  anomalous: boolean;
  threshold: number | null;
  model_version: string;
  reasons: FlagReason[];
  evidence: FlagEvidence;
  rule_hits: RuleHit[];
  escalations: EscalationHit[];
}

function mergeEvidence(parts: readonly FlagEvidence[]): FlagEvidence {
  const listings = new Set<string>();
  const sellers = new Set<string>();
  for (const p of parts) {
    for (const id of p.listing_ids) listings.add(id);
    for (const id of p.linked_seller_ids) sellers.add(id);
  }
  return {
    listing_ids: [...listings].sort().slice(0, MAX_EVIDENCE_IDS),
    linked_seller_ids: [...sellers].sort().slice(0, MAX_EVIDENCE_IDS),
  };
}

const clamp01 = (x: number): number => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);

/**
 * Combines rule hits, the forest's verdict and the DSA escalations into kinds, severity, ordered
 * reasons and evidence. Pure: the same policy, features and verdict give the same assessment.
 */
export function assessSeller(
  policy: Policy,
  features: SellerFeatureSet,
  verdict?: ForestVerdict,
): Assessment {
  const ruleHits = evaluateRules(policy, features);
  const score = clamp01(verdict?.score ?? 0);
  const anomalous = verdict !== undefined && score >= verdict.threshold;
  const escalations = evaluateEscalations(policy, features);
  const severity = combineSeverity({ policy, ruleHits, escalations, anomalous });
  const flagged = severity !== null;
  const kindSet = new Set<FlagKind>(ruleHits.map((h) => h.kind));
  if (anomalous) kindSet.add('anomalous');
  const kinds = FLAG_KINDS.filter((k) => kindSet.has(k));
  const appliedEscalations = flagged ? escalations : [];
  const byFeature = verdict
    ? featureReasons(
        verdict.contributions,
        features.values,
        verdict.population,
        policy.reasons.max_features,
      )
    : [];
  const anomalyEvidence = anomalous
    ? evidenceOf(
        features,
        byFeature.map((r) => r.feature as FeatureName),
      )
    : { listing_ids: [], linked_seller_ids: [] };
  return {
    flagged,
    kinds: flagged ? kinds : [],
    severity,
    score,
    anomalous,
    threshold: verdict?.threshold ?? null,
    model_version: verdict?.modelVersion ?? NO_MODEL_VERSION,
    reasons: [...ruleReasons(ruleHits, appliedEscalations), ...byFeature],
    evidence: flagged
      ? mergeEvidence([
          ...ruleHits.map((h) => h.evidence),
          ...appliedEscalations.map((e) => e.evidence),
          anomalyEvidence,
        ])
      : { listing_ids: [], linked_seller_ids: [] },
    rule_hits: ruleHits,
    escalations: appliedEscalations,
  };
}
