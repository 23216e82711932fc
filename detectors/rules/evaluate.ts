import type { Severity } from '../../streams/contract/vocabularies.ts';
import { matchCondition } from './condition.ts';
import type { FeatureName } from './feature-names.ts';
import type { Policy, RuleKind } from './policy-schema.ts';
import type { SellerFeatureSet } from './seller-features.ts';
import { renderDetail } from './template.ts';

export interface FlagEvidence {
  listing_ids: string[];
  linked_seller_ids: string[];
}

/** A rule that fired for a seller. */
export interface RuleHit {
  rule: string;
  kind: RuleKind;
  severity: Severity;
  detail: string;
  /** The features that made the condition hold. */
  features: FeatureName[];
  /** Listing and seller ids behind those features (sorted, unique). */
  evidence: FlagEvidence;
}

/** An escalation whose condition holds: it raises a flag's severity, never flags alone. */
export interface EscalationHit {
  rule: string;
  severity: Severity;
  detail: string;
  features: FeatureName[];
  evidence: FlagEvidence;
}

/** Sorted union of the evidence behind `features`. */
export function evidenceOf(
  features: SellerFeatureSet,
  names: readonly FeatureName[],
): FlagEvidence {
  const listings = new Set<string>();
  const sellers = new Set<string>();
  for (const name of names) {
    const ev = features.evidence.by_feature[name];
    for (const id of ev?.listing_ids ?? []) listings.add(id);
    for (const id of ev?.linked_seller_ids ?? []) sellers.add(id);
  }
  return { listing_ids: [...listings].sort(), linked_seller_ids: [...sellers].sort() };
}

/** The enabled rules that hold for this seller, in policy order. Pure. */
export function evaluateRules(policy: Policy, features: SellerFeatureSet): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const rule of policy.rules) {
    if (!rule.enabled) continue;
    const matched = matchCondition(rule.when, features.values);
    if (matched === null) continue;
    hits.push({
      rule: rule.id,
      kind: rule.kind,
      severity: rule.severity,
      detail: renderDetail(rule.detail, features.values),
      features: matched,
      evidence: evidenceOf(features, rule.evidence_from ?? matched),
    });
  }
  return hits;
}

/** The enabled escalations that hold for this seller, in policy order. Pure. */
export function evaluateEscalations(policy: Policy, features: SellerFeatureSet): EscalationHit[] {
  const hits: EscalationHit[] = [];
  for (const esc of policy.escalations) {
    if (!esc.enabled) continue;
    const matched = matchCondition(esc.when, features.values);
    if (matched === null) continue;
    hits.push({
      rule: esc.id,
      severity: esc.severity,
      detail: renderDetail(esc.detail, features.values),
      features: matched,
      evidence: evidenceOf(features, matched),
    });
  }
  return hits;
}
