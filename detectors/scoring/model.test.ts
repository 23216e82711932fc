import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POLICY_DOCUMENT,
  FEATURE_NAMES,
  parsePolicy,
  type FeatureName,
} from '../rules/index.ts';
import { assessSeller } from './assess.ts';
import { loadDetectorModel, trainDetectorModel } from './model.ts';

/** A seeded population: mostly quiet sellers, a few busy ones (no Math.random). */
function population(n: number, seed: number): Array<Record<FeatureName, number>> {
  let s = seed >>> 0;
  const rand = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  return Array.from({ length: n }, () => {
    const row = Object.fromEntries(FEATURE_NAMES.map((f) => [f, 0])) as Record<FeatureName, number>;
    row.account_age_days = Math.floor(30 + rand() * 1500);
    row.listings_total = Math.floor(1 + rand() * 60);
    row.listings_7d = Math.floor(rand() * 4);
    row.listing_velocity_ratio = 0.5 + rand();
    row.takedowns_total = rand() < 0.1 ? 1 : 0;
    row.price_vs_category_median = 0.7 + rand() * 0.6;
    return row;
  });
}

const trainedAt = new Date('2026-03-01T10:15:00Z');
const rows = population(600, 11);
const options = { seed: 7, trainedAt, trees: 60, contamination: 0.02 };

describe('trainDetectorModel', () => {
  const { model, record } = trainDetectorModel(rows, options);

  it('is reproducible from its seed, and versioned with time, seed and content hash', () => {
    const again = trainDetectorModel(rows, options);
    expect(again.record.model).toBe(record.model);
    expect(record.version).toMatch(/^if-202603011015-7-[0-9a-f]{8}$/);
    expect(again.record.version).toBe(record.version);
    const other = trainDetectorModel(rows, { ...options, seed: 8 });
    expect(other.record.version).not.toBe(record.version);
  });

  it('stores params and a training summary whose threshold matches the contamination', () => {
    expect(record.params).toMatchObject({ trees: 60, seed: 7, contamination: 0.02 });
    expect(record.summary.rows).toBe(600);
    const above = rows.filter((r) => model.verdict(r).score >= record.summary.threshold).length;
    expect(above).toBeGreaterThanOrEqual(6);
    expect(above).toBeLessThanOrEqual(18);
    expect(record.summary.population.features.takedowns_total?.zero_share).toBeGreaterThan(0.8);
  });

  it('loads back to the same verdicts', () => {
    const loaded = loadDetectorModel(JSON.parse(JSON.stringify(record)));
    for (const r of rows.slice(0, 20)) expect(loaded.verdict(r)).toEqual(model.verdict(r));
    expect(() => loadDetectorModel({ ...record, model: '{"format":"x"}' })).toThrow(/MODEL|model/);
  });

  it('finds an outlier anomalous and names what drove it', () => {
    const changed = [
      'account_age_days',
      'listings_7d',
      'listing_velocity_ratio',
      'takedowns_total',
    ];
    const outlier = {
      ...rows[0]!,
      account_age_days: 2,
      listings_7d: 40,
      listing_velocity_ratio: 8,
      takedowns_total: 1,
    };
    // A policy that lets the forest flag alone (the default does not).
    const loud = parsePolicy({
      ...(DEFAULT_POLICY_DOCUMENT as object),
      anomaly: { flag_alone: true, severity: 'low' },
    });
    const a = assessSeller(
      loud,
      {
        values: outlier,
        evidence: { listing_ids: [], linked_seller_ids: [], by_feature: {} },
      },
      model.verdict(outlier),
    );
    expect(a.anomalous).toBe(true);
    expect(a.kinds).toContain('anomalous');
    const features = a.reasons.flatMap((r) => ('feature' in r ? [r.feature] : []));
    expect(features.length).toBeGreaterThan(0);
    expect(changed).toContain(features[0]);
    expect(a.model_version).toBe(record.version);
  });
});
