import { describe, expect, it } from 'vitest';
import { describeRow } from './describe.ts';
import { fitForest } from './fit-forest.ts';
import { toMatrix } from './matrix.ts';
import { createPopulation, percentileOf } from './population.ts';
import { createRandom } from './random.ts';

describe('percentileOf', () => {
  it('uses mid-ranks: share below plus half the share equal', () => {
    const sorted = Float64Array.of(0, 0, 0, 0, 0, 0, 1, 2, 3, 10);
    expect(percentileOf(sorted, 0)).toBe(30); // 6 ties out of 10 → (0 + 3) / 10
    expect(percentileOf(sorted, 2)).toBe(75); // 7 below, 1 equal
    expect(percentileOf(sorted, 5)).toBe(90); // between values
    expect(percentileOf(sorted, 11)).toBe(100);
    expect(percentileOf(sorted, -1)).toBe(0);
    expect(() => percentileOf(sorted, Number.NaN)).toThrow(/finite/);
  });

  it('agrees with a linear count on random tied data', () => {
    const rng = createRandom(3);
    const values = Float64Array.from({ length: 501 }, () => rng.int(20)).sort();
    for (let v = -1; v <= 21; v++) {
      const below = values.filter((x) => x < v).length;
      const equal = values.filter((x) => x === v).length;
      expect(percentileOf(values, v)).toBeCloseTo((100 * (below + equal / 2)) / values.length, 12);
    }
  });
});

describe('createPopulation and describeRow', () => {
  it("gives the top features with the seller's raw value and percentile", () => {
    const rng = createRandom(8);
    const rows = Array.from({ length: 500 }, () => [rng.int(3), rng.normal(), rng.int(2)]);
    // The seller is part of the population the forest learns from (thresholds lie within the
    // training range, so a value far above it is only isolated if it was seen).
    rows.push([40, 0, 1]);
    const population = createPopulation(toMatrix(rows));
    const forest = fitForest(rows, {
      seed: 1,
      featureNames: ['takedowns_90d', 'price_z', 'relists_own_7d'],
    });
    const reasons = describeRow(forest, [40, 0, 1], { population, top: 2 });
    expect(reasons[0]).toMatchObject({ feature: 0, name: 'takedowns_90d', value: 40 });
    // Highest of 501 values: (500 + 1/2) / 501.
    expect(reasons[0]?.percentile).toBeCloseTo((100 * 500.5) / 501, 12);
    expect(reasons).toHaveLength(2);
    expect(population.percentile(1, 0)).toBeGreaterThan(35);
    expect(population.percentile(1, 0)).toBeLessThan(65);
  });
});
