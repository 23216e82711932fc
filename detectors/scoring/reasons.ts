import type { FeatureReason, RuleReason } from '../../streams/contract/flag.ts';
import type { Severity } from '../../streams/contract/vocabularies.ts';
import { isFeatureName, type EscalationHit, type RuleHit } from '../rules/index.ts';
import { populationPercentile, type PopulationSummary } from './population.ts';
import { severityRank } from './severity.ts';

/** One feature's share of an anomaly score, as the forest's explanation gives it. */
export interface NamedContribution {
  feature: string;
  contribution: number;
}

const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/**
 * Rule reasons, most severe first (policy order among equals): what a reviewer acts on. An
 * escalation that raised the severity sorts with the rules at its own severity.
 */
export function ruleReasons(
  hits: readonly RuleHit[],
  escalations: readonly EscalationHit[],
): RuleReason[] {
  const all: Array<{ rule: string; detail: string; severity: Severity }> = [
    ...hits,
    ...escalations,
  ];
  return all
    .map((r, i) => ({ r, i }))
    .sort((a, b) => severityRank(b.r.severity) - severityRank(a.r.severity) || a.i - b.i)
    .map(({ r }) => ({ rule: r.rule, detail: r.detail }));
}

/**
 * The features that drove the score, largest positive contribution first (ties by name, so the
 * order is stable), with the seller's value and its percentile in the training population.
 */
export function featureReasons(
  contributions: readonly NamedContribution[],
  values: Readonly<Record<string, number>>,
  population: PopulationSummary | undefined,
  max: number,
): FeatureReason[] {
  return contributions
    .filter((c) => c.contribution > 0 && Number.isFinite(c.contribution))
    .filter((c) => isFeatureName(c.feature) && Number.isFinite(values[c.feature]))
    .sort((a, b) => b.contribution - a.contribution || a.feature.localeCompare(b.feature))
    .slice(0, max)
    .map((c) => {
      const value = values[c.feature]!;
      const pct =
        population !== undefined && isFeatureName(c.feature)
          ? populationPercentile(population, c.feature, value)
          : undefined;
      return {
        feature: c.feature,
        value,
        percentile: round(pct ?? 50, 1),
        contribution: round(c.contribution, 4),
      };
    });
}
