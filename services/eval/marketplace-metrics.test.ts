import { describe, expect, it } from 'vitest';
import type { SellerFlagged } from '../../streams/contract/index.ts';
import type { SimulationTruth, TruthSeller } from '../simulator/index.ts';
import { scoreFlags } from './marketplace-metrics.ts';
import { checkTargets } from './targets.ts';

function truth(sellers: Record<string, TruthSeller>): SimulationTruth {
  return {
    version: 1,
    seed: 1,
    sellers_requested: Object.keys(sellers).length,
    days: 30,
    start: '2026-01-01T00:00:00.000Z',
    end: '2026-01-31T00:00:00.000Z',
    shares: {},
    counts: {},
    sellers,
  } as SimulationTruth;
}

const REG = '2025-01-01T00:00:00.000Z';
const seller = (cls: TruthSeller['class'], extra: Partial<TruthSeller> = {}): TruthSeller => ({
  class: cls,
  registered_at: REG,
  ...extra,
});

let n = 0;
function flag(sellerId: string, kinds: SellerFlagged['kinds'], at: string): SellerFlagged {
  n++;
  return {
    flag_id: `f-${n}`,
    type: 'seller.flagged',
    seller_id: sellerId,
    flagged_at: at,
    kinds,
    severity: 'medium',
    score: 0.5,
    model_version: 'none',
    reasons: [],
    evidence: { listing_ids: [], linked_seller_ids: [] },
  };
}

const T = (day: number): string => new Date(Date.UTC(2026, 0, day)).toISOString();

const world = truth({
  o1: seller('ordinary'),
  o2: seller('ordinary'),
  h1: seller('honest_unlucky'),
  h2: seller('honest_unlucky'),
  l1: seller('large_professional'),
  r1: seller('recidivist'),
  r2: seller('recidivist'),
  e1: seller('evader'),
  e2: seller('evader'),
  b1: seller('ban_evader'),
  d1: seller('drifter', { first_takedown_at: T(20) }),
  d2: seller('drifter', { first_takedown_at: T(10) }),
  d3: seller('drifter', { first_takedown_at: null }),
  d4: seller('drifter', { first_takedown_at: null }),
});

describe('scoreFlags', () => {
  const flags = [
    flag('r1', ['recidivist'], T(3)),
    flag('r1', ['recidivist', 'anomalous'], T(5)),
    flag('e1', ['recidivist'], T(4)),
    flag('e2', ['evasive'], T(4)),
    flag('b1', ['ban_evasion', 'evasive'], T(6)),
    flag('l1', ['recidivist'], T(7)),
    // Drifters: d1 before its takedown, d2 after, d3 never taken down.
    flag('d1', ['evasive'], T(12)),
    flag('d1', ['evasive'], T(25)),
    flag('d2', ['evasive'], T(11)),
    flag('d3', ['evasive'], T(2)),
  ];
  const m = scoreFlags(world, flags);

  it('counts a seller once, with the union of its flags’ kinds', () => {
    expect(m.flags).toBe(10);
    expect(m.flagged_sellers).toBe(8);
    expect(m.classes.recidivist).toMatchObject({ sellers: 2, flagged: 1, flagged_share: 0.5 });
    expect(m.classes.recidivist.kinds.anomalous).toBe(0.5);
  });

  it('precision and recall over recidivists, evaders and ban evaders; drifters apart', () => {
    expect(m.overall).toMatchObject({
      positives: 5,
      negatives: 5,
      true_positives: 4,
      false_positives: 1,
      precision: 0.8,
      recall: 0.8,
    });
    expect(m.overall.precision_with_drifters).toBeCloseTo(7 / 8, 12);
    expect(m.classes.large_professional.flagged_share).toBe(1);
    expect(m.classes.honest_unlucky.flagged_share).toBe(0);
  });

  it('the right kind: evaders `evasive`, ban evaders `ban_evasion`, recidivists `recidivist`', () => {
    expect(m.classes.evader.right_kind_share).toBe(0.5);
    expect(m.classes.evader.right_kind_share_of_flagged).toBe(0.5);
    expect(m.classes.ban_evader.right_kind_share).toBe(1);
    expect(m.classes.recidivist.right_kind_share).toBe(0.5);
    expect(m.classes.ordinary.right_kind_share).toBeNull();
  });

  it('drifters flagged before the first takedown, by flagged_at', () => {
    expect(m.drifters).toMatchObject({
      sellers: 4,
      with_takedown: 2,
      flagged: 3,
      flagged_before_takedown: 2,
      flagged_before_takedown_share: 0.5,
      taken_down_flagged_before: 1,
      taken_down_flagged_before_share: 0.5,
      median_lead_hours: 8 * 24,
    });
  });

  it('kind precision counts drifters as bad sellers', () => {
    expect(m.kinds.recidivist).toEqual({ sellers: 3, precision: 2 / 3 });
    expect(m.kinds.evasive).toEqual({ sellers: 5, precision: 1 });
    expect(m.kinds.ban_evasion).toEqual({ sellers: 1, precision: 1 });
  });

  it('a flag on a seller the truth does not know counts as a false positive', () => {
    const withStranger = scoreFlags(world, [...flags, flag('zz', ['anomalous'], T(3))]);
    expect(withStranger.unknown_sellers).toBe(1);
    expect(withStranger.overall.false_positives).toBe(2);
  });

  it('no flags: recall 0, precision undefined (null), and the targets say so', () => {
    const empty = scoreFlags(world, []);
    expect(empty.overall.recall).toBe(0);
    expect(empty.overall.precision).toBeNull();
    const checks = checkTargets(empty);
    expect(checks.find((c) => c.id === 'precision')).toMatchObject({ value: null, met: false });
    expect(checks.find((c) => c.id === 'fpr_honest_unlucky')).toMatchObject({
      value: 0,
      met: true,
    });
  });
});

describe('checkTargets', () => {
  it('applies issue 7’s thresholds, inclusive', () => {
    const m = scoreFlags(world, [flag('l1', ['recidivist'], T(1))]);
    const byId = new Map(checkTargets(m).map((c) => [c.id, c]));
    expect(byId.get('fpr_large_professional')).toMatchObject({
      value: 1,
      target: 0.02,
      met: false,
    });
    expect(byId.get('drifters_before_takedown')).toMatchObject({
      value: 0,
      target: 0.5,
      met: false,
    });
    expect([...byId.keys()]).toEqual([
      'precision',
      'recall',
      'fpr_honest_unlucky',
      'fpr_large_professional',
      'evaders_evasive',
      'ban_evaders_ban_evasion',
      'drifters_before_takedown',
    ]);
  });
});
