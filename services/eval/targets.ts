import type { MarketplaceMetrics } from './marketplace-metrics.ts';

/** One quality target of issue 7 and whether a run meets it. */
export interface TargetCheck {
  id: string;
  description: string;
  value: number | null;
  op: '>=' | '<=';
  target: number;
  met: boolean;
}

/**
 * Issue 7's "done when" on a simulated marketplace. The issue says "evaders flagged `evasive`,
 * ban evaders `ban_evasion`" without a figure; we hold them to the recall target (0.95 of the
 * class flagged with that kind).
 */
export function checkTargets(m: MarketplaceMetrics): TargetCheck[] {
  const check = (
    id: string,
    description: string,
    value: number | null,
    op: '>=' | '<=',
    target: number,
  ): TargetCheck => ({
    id,
    description,
    value,
    op,
    target,
    met: value !== null && (op === '>=' ? value >= target : value <= target),
  });
  return [
    check(
      'precision',
      'precision on recidivists + evaders + ban evaders',
      m.overall.precision,
      '>=',
      0.95,
    ),
    check('recall', 'recall on recidivists + evaders + ban evaders', m.overall.recall, '>=', 0.95),
    check(
      'fpr_honest_unlucky',
      'false-positive rate on honest sellers with one takedown',
      m.classes.honest_unlucky.flagged_share,
      '<=',
      0.01,
    ),
    check(
      'fpr_large_professional',
      'false-positive rate on large professional sellers',
      m.classes.large_professional.flagged_share,
      '<=',
      0.02,
    ),
    check(
      'evaders_evasive',
      'evaders flagged `evasive`',
      m.classes.evader.right_kind_share,
      '>=',
      0.95,
    ),
    check(
      'ban_evaders_ban_evasion',
      'ban evaders flagged `ban_evasion`',
      m.classes.ban_evader.right_kind_share,
      '>=',
      0.95,
    ),
    check(
      'drifters_before_takedown',
      'drifters flagged before their first takedown',
      m.drifters.flagged_before_takedown_share,
      '>=',
      0.5,
    ),
  ];
}
