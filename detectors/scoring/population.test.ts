import { describe, expect, it } from 'vitest';
import { populationPercentile, summarisePopulation } from './population.ts';
import { calibrateThreshold, quantileSorted } from './threshold.ts';

describe('calibrateThreshold', () => {
  it('puts about `contamination` of the training scores at or above the threshold', () => {
    const scores = Array.from({ length: 1000 }, (_, i) => 0.3 + (i % 500) / 1000 + i / 1e6);
    const t = calibrateThreshold(scores, 0.05);
    const above = scores.filter((s) => s >= t).length;
    expect(above).toBeGreaterThanOrEqual(49);
    expect(above).toBeLessThanOrEqual(51);
  });

  it('refuses a contamination outside (0, 0.5)', () => {
    expect(() => calibrateThreshold([0.1, 0.2], 0)).toThrow(/contamination/);
    expect(() => calibrateThreshold([0.1, 0.2], 0.7)).toThrow(/contamination/);
  });

  it('interpolates between order statistics', () => {
    expect(quantileSorted([0, 10], 0.25)).toBe(2.5);
    expect(quantileSorted([3], 0.9)).toBe(3);
  });
});

describe('population summary and percentiles', () => {
  // 80 sellers with no takedown, then 1..20.
  const rows = [
    ...Array.from({ length: 80 }, () => ({ takedowns_total: 0 })),
    ...Array.from({ length: 20 }, (_, i) => ({ takedowns_total: i + 1 })),
  ];
  const summary = summarisePopulation(rows, ['takedowns_total']);

  it('records the row count, zero share and mean', () => {
    expect(summary.rows).toBe(100);
    expect(summary.features.takedowns_total?.zero_share).toBe(0.8);
    expect(summary.features.takedowns_total?.mean).toBe(2.1);
  });

  it('places a tied value in the middle of its tie, extremes at 0 and 100', () => {
    const zero = populationPercentile(summary, 'takedowns_total', 0)!;
    expect(Math.abs(zero - 40)).toBeLessThanOrEqual(1);
    expect(populationPercentile(summary, 'takedowns_total', 20)).toBe(100);
    expect(populationPercentile(summary, 'takedowns_total', 500)).toBe(100);
    expect(populationPercentile(summary, 'takedowns_total', -1)).toBe(0);
    const mid = populationPercentile(summary, 'takedowns_total', 10.5)!;
    expect(mid).toBeGreaterThan(88);
    expect(mid).toBeLessThan(92);
    expect(populationPercentile(summary, 'listings_total', 3)).toBeUndefined();
  });
});
