import { describe, expect, it } from 'vitest';
import { SellerFlaggedSchema } from '../../streams/contract/flag.ts';
import {
  DEFAULT_POLICY_DOCUMENT,
  defaultPolicy,
  FEATURE_NAMES,
  parsePolicy,
  type FeatureEvidence,
  type FeatureName,
  type SellerFeatureSet,
} from '../rules/index.ts';
import { assessSeller, NO_MODEL_VERSION, type ForestVerdict } from './assess.ts';
import { buildSellerFlagged } from './build-flag.ts';
import { summarisePopulation } from './population.ts';

function sellerFeatures(
  values: Partial<Record<FeatureName, number>>,
  byFeature: Partial<Record<FeatureName, FeatureEvidence>> = {},
): SellerFeatureSet {
  const all = Object.fromEntries(FEATURE_NAMES.map((n) => [n, 0])) as Record<FeatureName, number>;
  return {
    values: { ...all, ...values },
    evidence: { listing_ids: [], linked_seller_ids: [], by_feature: byFeature },
  };
}

const policy = defaultPolicy();
const population = summarisePopulation(
  Array.from({ length: 200 }, (_, i) => ({
    takedowns_total: i % 10 === 0 ? 1 : 0,
    listings_7d: i % 7,
  })),
  ['takedowns_total', 'listings_7d'],
);
const verdict = (score: number): ForestVerdict => ({
  score,
  threshold: 0.6,
  modelVersion: 'if-202601010000-7-abcdef12',
  population,
  contributions: [
    { feature: 'listings_7d', contribution: 0.2 },
    { feature: 'takedowns_total', contribution: 0.5 },
    { feature: 'account_age_days', contribution: -0.1 },
    { feature: 'not_a_feature', contribution: 0.9 },
  ],
});

describe('assessSeller', () => {
  it('does not flag a clean seller, and reports no model before the first training', () => {
    const a = assessSeller(policy, sellerFeatures({}));
    expect(a.flagged).toBe(false);
    expect(a.kinds).toEqual([]);
    expect(a.model_version).toBe(NO_MODEL_VERSION);
    expect(a.score).toBe(0);
  });

  it('orders rule reasons by severity, then feature reasons by contribution', () => {
    const features = sellerFeatures(
      {
        takedowns_illegal_90d: 3,
        takedowns_total: 3,
        takedown_rate_smoothed: 0.2,
        linked_terminated_sellers: 1,
        takedowns_minors_total: 1,
        listings_7d: 6,
      },
      {
        takedowns_illegal_90d: { listing_ids: ['l-3', 'l-1'] },
        linked_terminated_sellers: { linked_seller_ids: ['s-7'] },
        takedowns_minors_total: { listing_ids: ['l-9'] },
        takedowns_total: { listing_ids: ['l-1', 'l-3', 'l-4'] },
      },
    );
    const a = assessSeller(policy, features, verdict(0.7));
    expect(a.kinds).toEqual(['recidivist', 'ban_evasion', 'anomalous']);
    expect(a.severity).toBe('critical');
    expect(a.reasons.map((r) => ('rule' in r ? r.rule : r.feature))).toEqual([
      'minors-involvement',
      'linked-to-terminated-seller',
      'illegal-takedowns-90d',
      'takedowns_total',
      'listings_7d',
    ]);
    const top = a.reasons[3]!;
    expect(top).toMatchObject({ feature: 'takedowns_total', value: 3, contribution: 0.5 });
    expect('percentile' in top && top.percentile).toBe(100);
    expect(a.evidence).toEqual({
      listing_ids: ['l-1', 'l-3', 'l-4', 'l-9'],
      linked_seller_ids: ['s-7'],
    });
  });

  it('flags the forest alone as anomalous and low, and not below the threshold', () => {
    // The default policy keeps the forest from flagging alone; a policy may allow it.
    const loud = parsePolicy({
      ...(DEFAULT_POLICY_DOCUMENT as object),
      anomaly: { flag_alone: true, severity: 'low' },
    });
    const features = sellerFeatures({ takedowns_total: 1, listings_7d: 6 });
    expect(assessSeller(policy, features, verdict(0.6))).toMatchObject({
      flagged: false,
      anomalous: true,
    });
    const above = assessSeller(loud, features, verdict(0.6));
    expect(above).toMatchObject({ flagged: true, kinds: ['anomalous'], severity: 'low' });
    const below = assessSeller(loud, features, verdict(0.59));
    expect(below.flagged).toBe(false);
    expect(below.reasons.length).toBe(2); // `vigie score` still shows what drove the score
  });

  it('builds a seller.flagged event that satisfies the contract, with a stable id', () => {
    const features = sellerFeatures(
      { relists_own_7d: 1, relist_best_similarity: 0.9, image_reuse_exact: 1 },
      { relists_own_7d: { listing_ids: ['l-5'] } },
    );
    const a = assessSeller(policy, features, verdict(0.1));
    const e1 = buildSellerFlagged('seller-1', a, new Date('2026-03-01T10:00:00Z'));
    const e2 = buildSellerFlagged('seller-1', a, new Date('2026-03-02T10:00:00Z'));
    expect(SellerFlaggedSchema.parse(e1)).toEqual(e1);
    expect(e1.flag_id).toBe(e2.flag_id);
    expect(e1).toMatchObject({
      kinds: ['evasive'],
      severity: 'medium',
      evidence: { listing_ids: ['l-5'] },
    });
    expect(() =>
      buildSellerFlagged('seller-1', assessSeller(policy, sellerFeatures({})), new Date()),
    ).toThrow(/no flag/);
  });
});
