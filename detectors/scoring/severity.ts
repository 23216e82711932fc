import { SEVERITIES, type Severity } from '../../streams/contract/vocabularies.ts';
import type { EscalationHit, Policy, RuleHit } from '../rules/index.ts';

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}

/** One level up, never above `cap` (and never down when already above it). */
export function raiseSeverity(severity: Severity, cap: Severity): Severity {
  const raised = SEVERITIES[Math.min(severityRank(severity) + 1, SEVERITIES.length - 1)]!;
  return maxSeverity(severity, severityRank(raised) <= severityRank(cap) ? raised : cap);
}

export interface SeverityInputs {
  policy: Policy;
  ruleHits: readonly RuleHit[];
  escalations: readonly EscalationHit[];
  anomalous: boolean;
}

/**
 * The severity of a flag, or null when nothing flags the seller. Rule hits give at least their
 * floor; rules of several kinds give at least `combine.several_kinds_at_least`; the forest agreeing
 * raises one level up to `combine.raise_cap`; the forest alone gives `anomaly.severity`.
 * Escalations (the DSA category: protection of minors) apply last and may exceed the cap.
 */
export function combineSeverity({
  policy,
  ruleHits,
  escalations,
  anomalous,
}: SeverityInputs): Severity | null {
  let severity: Severity;
  if (ruleHits.length > 0) {
    severity = ruleHits.map((h) => h.severity).reduce(maxSeverity);
    if (new Set(ruleHits.map((h) => h.kind)).size >= 2) {
      severity = maxSeverity(severity, policy.combine.several_kinds_at_least);
    }
    if (anomalous && policy.combine.raise_when_anomalous) {
      severity = raiseSeverity(severity, policy.combine.raise_cap);
    }
  } else if (anomalous && policy.anomaly.flag_alone) {
    severity = policy.anomaly.severity;
  } else {
    return null;
  }
  for (const esc of escalations) severity = maxSeverity(severity, esc.severity);
  return severity;
}
