import { describe, expect, it } from 'vitest';
import { contributions } from './explain.ts';
import { fitForest } from './fit-forest.ts';
import { toMatrix } from './matrix.ts';
import { createRandom } from './random.ts';

const rng = createRandom(17);
const cols = 6;
const matrix = toMatrix(
  Array.from({ length: 800 }, () => Array.from({ length: cols }, () => rng.normal())),
);

describe('explain', () => {
  for (const extensionLevel of [0, 1]) {
    it(`ranks first the feature a planted outlier stands out on (extensionLevel ${extensionLevel})`, () => {
      const forest = fitForest(matrix, { seed: 2, extensionLevel });
      for (let k = 0; k < cols; k++) {
        const row = new Array<number>(cols).fill(0);
        row[k] = 6;
        const explanation = forest.explain(row);
        expect(explanation[0]?.feature).toBe(k);
        expect(explanation.map((c) => c.feature).sort()).toEqual([0, 1, 2, 3, 4, 5]);
        expect(explanation.reduce((s, c) => s + c.contribution, 0)).toBeCloseTo(1, 12);
      }
    });
  }

  it('credits two features when the outlier stands out on both', () => {
    const forest = fitForest(matrix, { seed: 2 });
    const top = forest
      .explain([0, 5, 0, 0, -5, 0])
      .slice(0, 2)
      .map((c) => c.feature)
      .sort();
    expect(top).toEqual([1, 4]);
  });

  it('divides by the inlier reference so that a feature split on everywhere is not favoured', () => {
    // Raw attribution equal, but feature 0 is credited this much on every inlier: feature 1 wins.
    const ranked = contributions(Float64Array.of(0.2, 0.2), Float64Array.of(0.1, 0.02));
    expect(ranked.map((c) => c.feature)).toEqual([1, 0]);
    expect(ranked[0]?.contribution).toBeCloseTo(5 / 6, 3);
  });
});
