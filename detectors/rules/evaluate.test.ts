import { describe, expect, it } from 'vitest';
import { VigieError } from '../../streams/errors.ts';
import { defaultPolicy } from './default-policy.ts';
import { evaluateEscalations, evaluateRules } from './evaluate.ts';
import { FEATURE_NAMES, type FeatureName } from './feature-names.ts';
import { parsePolicy } from './parse-policy.ts';
import type { FeatureEvidence, SellerFeatureSet } from './seller-features.ts';

function sellerFeatures(
  values: Partial<Record<FeatureName, number>>,
  byFeature: Partial<Record<FeatureName, FeatureEvidence>> = {},
): SellerFeatureSet {
  const all = Object.fromEntries(FEATURE_NAMES.map((n) => [n, 0])) as Record<FeatureName, number>;
  return {
    values: { ...all, account_age_days: 400, listings_total: 40, ...values },
    evidence: { listing_ids: [], linked_seller_ids: [], by_feature: byFeature },
  };
}

const policy = defaultPolicy();
const firedIds = (values: Partial<Record<FeatureName, number>>): string[] =>
  evaluateRules(policy, sellerFeatures(values)).map((h) => h.rule);

/** Each default rule: a seller it must flag, and near misses (one value just short) it must not. */
const cases: Array<{
  rule: string;
  kind: string;
  fires: Partial<Record<FeatureName, number>>;
  nearMisses: Array<Partial<Record<FeatureName, number>>>;
}> = [
  {
    rule: 'illegal-takedowns-90d',
    kind: 'recidivist',
    fires: {
      takedowns_illegal_90d: 3,
      takedowns_90d: 3,
      takedowns_total: 3,
      takedown_rate_smoothed: 0.03,
    },
    nearMisses: [
      {
        takedowns_illegal_90d: 2,
        takedowns_90d: 5,
        takedowns_total: 9,
        takedown_rate_smoothed: 0.1,
      },
      // A shop: many takedowns, but a small share of its listings.
      { takedowns_illegal_90d: 6, takedowns_total: 6, takedown_rate_smoothed: 0.029 },
    ],
  },
  {
    rule: 'relisted-taken-down-item',
    kind: 'evasive',
    fires: { relists_own_7d: 1, relist_best_similarity: 0.8, image_reuse_near: 1 },
    nearMisses: [
      { relists_own_7d: 1, relist_best_similarity: 0.79, image_reuse_exact: 1 },
      {
        relists_own_7d: 0,
        relists_own_total: 4,
        relist_best_similarity: 0.95,
        image_reuse_exact: 1,
      },
      // Same stock wording, other photos: another item of the same kind.
      { relists_own_7d: 3, relist_best_similarity: 1 },
    ],
  },
  {
    rule: 'edited-after-takedown',
    kind: 'evasive',
    fires: { edits_after_takedown: 1, obfuscation_max: 0.1 },
    nearMisses: [
      { edits_after_takedown: 1, obfuscation_max: 0.09 },
      { edits_after_takedown: 0, obfuscation_max: 0.2 },
    ],
  },
  {
    rule: 'obfuscated-wording',
    kind: 'evasive',
    fires: { obfuscated_listings: 2, obfuscation_max: 0.25 },
    nearMisses: [
      { obfuscated_listings: 1, obfuscation_max: 0.6 },
      { obfuscated_listings: 5, obfuscation_max: 0.24 },
    ],
  },
  {
    rule: 'linked-to-terminated-seller',
    kind: 'ban_evasion',
    fires: { linked_terminated_sellers: 1 },
    nearMisses: [{ linked_terminated_sellers: 0, linked_sanctioned_sellers: 2 }],
  },
  {
    rule: 'minors-takedowns',
    kind: 'recidivist',
    fires: { takedowns_minors_total: 2, takedowns_total: 2 },
    nearMisses: [{ takedowns_minors_total: 1, takedowns_total: 1 }],
  },
  {
    rule: 'takedown-after-sanction',
    kind: 'recidivist',
    fires: { takedowns_after_sanction: 1, takedowns_illegal_90d: 2 },
    nearMisses: [
      { takedowns_after_sanction: 0, takedowns_illegal_90d: 2 },
      { takedowns_after_sanction: 2, takedowns_illegal_90d: 1 },
    ],
  },
  {
    rule: 'coded-vocabulary',
    kind: 'evasive',
    fires: { coded_terms_share: 0.25, listings_total: 3 },
    nearMisses: [
      { coded_terms_share: 0.24, listings_total: 40 },
      { coded_terms_share: 1, listings_total: 2 },
    ],
  },
];

describe('default policy rules', () => {
  it('covers every default rule with a case', () => {
    expect(cases.map((c) => c.rule).sort()).toEqual(policy.rules.map((r) => r.id).sort());
  });

  it('flags nothing on a clean seller', () => {
    expect(firedIds({})).toEqual([]);
  });

  for (const c of cases) {
    it(`${c.rule} fires on its hand-made seller with kind ${c.kind}`, () => {
      const hits = evaluateRules(policy, sellerFeatures(c.fires));
      expect(hits.map((h) => h.rule)).toEqual([c.rule]);
      expect(hits[0]!.kind).toBe(c.kind);
    });
    c.nearMisses.forEach((miss, i) => {
      it(`${c.rule} does not fire on near miss #${i + 1}`, () => {
        expect(firedIds(miss)).not.toContain(c.rule);
      });
    });
  }

  it('renders the detail with the seller values', () => {
    const [hit] = evaluateRules(
      policy,
      sellerFeatures({ takedowns_illegal_90d: 4, takedown_rate_smoothed: 0.05 }),
    );
    expect(hit!.detail).toBe('4 takedowns on illegal grounds in 90 days');
    const [relist] = evaluateRules(
      policy,
      sellerFeatures({ relists_own_7d: 2, relist_best_similarity: 0.91666, image_reuse_exact: 1 }),
    );
    expect(relist!.detail).toBe(
      're-listed 2 taken-down item(s) within 7 days (best similarity 0.92)',
    );
  });

  it('attaches the evidence of the features that made the rule hold, sorted and unique', () => {
    const features = sellerFeatures(
      { linked_terminated_sellers: 2, takedowns_illegal_90d: 1 },
      {
        linked_terminated_sellers: { linked_seller_ids: ['s-9', 's-2', 's-9'] },
        takedowns_illegal_90d: { listing_ids: ['l-1'] },
      },
    );
    const [hit] = evaluateRules(policy, features);
    expect(hit!.rule).toBe('linked-to-terminated-seller');
    expect(hit!.evidence).toEqual({ listing_ids: [], linked_seller_ids: ['s-2', 's-9'] });
  });

  it('the minors escalation holds from one minors takedown, without flagging by itself', () => {
    const features = sellerFeatures({ takedowns_minors_total: 1 });
    expect(evaluateRules(policy, features)).toEqual([]);
    expect(evaluateEscalations(policy, features).map((e) => [e.rule, e.severity])).toEqual([
      ['minors-involvement', 'critical'],
    ]);
    expect(evaluateEscalations(policy, sellerFeatures({}))).toEqual([]);
  });
});

describe('condition language', () => {
  const custom = parsePolicy({
    version: 1,
    rules: [
      {
        id: 'any-relist',
        description: 'own or any re-list',
        kind: 'evasive',
        when: {
          any: [
            { feature: 'relists_own_7d', op: '>', value: 0 },
            { feature: 'relists_any_7d', op: '>', value: 0 },
          ],
        },
        detail: 'relisted',
        severity: 'low',
      },
      {
        id: 'exact',
        description: 'equality and upper bounds',
        kind: 'recidivist',
        when: {
          all: [
            { feature: 'takedowns_7d', op: '==', value: 2 },
            { feature: 'account_age_days', op: '<', value: 30 },
            { feature: 'listings_total', op: '<=', value: 10 },
          ],
        },
        detail: 'young',
        severity: 'low',
      },
      {
        id: 'off',
        description: 'disabled rules never fire',
        kind: 'recidivist',
        when: { feature: 'takedowns_total', op: '>=', value: 0 },
        detail: 'never',
        severity: 'low',
        enabled: false,
      },
    ],
  });

  it('takes the evidence of the `any` branches that hold only', () => {
    const features = sellerFeatures(
      { relists_any_7d: 1 },
      { relists_own_7d: { listing_ids: ['own'] }, relists_any_7d: { listing_ids: ['any'] } },
    );
    const hits = evaluateRules(custom, features);
    expect(hits.map((h) => [h.rule, h.features])).toEqual([['any-relist', ['relists_any_7d']]]);
    expect(hits[0]!.evidence.listing_ids).toEqual(['any']);
  });

  it('applies ==, < and <= exactly at their bounds', () => {
    const ids = (v: Partial<Record<FeatureName, number>>): string[] =>
      evaluateRules(custom, sellerFeatures(v)).map((h) => h.rule);
    expect(ids({ takedowns_7d: 2, account_age_days: 29, listings_total: 10 })).toEqual(['exact']);
    expect(ids({ takedowns_7d: 3, account_age_days: 29, listings_total: 10 })).toEqual([]);
    expect(ids({ takedowns_7d: 2, account_age_days: 30, listings_total: 10 })).toEqual([]);
    expect(ids({ takedowns_7d: 2, account_age_days: 29, listings_total: 11 })).toEqual([]);
  });

  it('refuses features that lack a value the policy reads, naming the feature', () => {
    const features = sellerFeatures({});
    const values: Partial<Record<FeatureName, number>> = { ...features.values };
    delete values.takedowns_illegal_90d;
    const broken = { ...features, values: values as Record<FeatureName, number> };
    expect(() => evaluateRules(policy, broken)).toThrow(VigieError);
    expect(() => evaluateRules(policy, broken)).toThrow(/takedowns_illegal_90d/);
  });
});
