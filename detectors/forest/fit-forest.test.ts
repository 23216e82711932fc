import { describe, expect, it } from 'vitest';
import { VigieError } from '../../streams/errors.ts';
import { fitForest } from './fit-forest.ts';
import { toMatrix, type Matrix } from './matrix.ts';
import { createRandom } from './random.ts';
import { serializeForest } from './serialize.ts';

function gaussian(rows: number, cols: number, seed: number): Matrix {
  const rng = createRandom(seed);
  return toMatrix(
    Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.normal())),
  );
}

describe('fitForest', () => {
  const data = gaussian(600, 5, 11);

  it('is deterministic: the same seed gives the same model JSON and the same scores', () => {
    const a = fitForest(data, { seed: 3, trees: 30 });
    const b = fitForest(data, { seed: 3, trees: 30 });
    expect(serializeForest(b)).toBe(serializeForest(a));
    expect(b.scoreMany(data)).toEqual(a.scoreMany(data));
  });

  it('gives a different model and scores for a different seed', () => {
    const a = fitForest(data, { seed: 3, trees: 30 });
    const b = fitForest(data, { seed: 4, trees: 30 });
    expect(serializeForest(b)).not.toBe(serializeForest(a));
    expect(b.scoreMany(data)).not.toEqual(a.scoreMany(data));
  });

  it('scores a planted outlier above every inlier', () => {
    const rng = createRandom(5);
    const rows = Array.from({ length: 500 }, () => [rng.normal(), rng.normal(), rng.normal()]);
    rows.push([7, -6, 8]);
    const forest = fitForest(rows, { seed: 1 });
    const scores = forest.scoreMany(toMatrix(rows));
    const outlier = scores[500] as number;
    expect(outlier).toBeGreaterThan(0.6);
    for (let i = 0; i < 500; i++) expect(scores[i]).toBeLessThan(outlier);
    expect(forest.score([7, -6, 8])).toBe(outlier);
  });

  it('subsamples ψ rows per tree and stops at depth ceil(log2 ψ)', () => {
    const forest = fitForest(data, { seed: 2, trees: 10, sampleSize: 64 });
    expect(forest.params).toMatchObject({ sampleSize: 64, maxDepth: 6, trainingRows: 600 });
    for (const tree of forest.trees) {
      expect(tree.size[0]).toBe(64);
      // A binary tree of depth ≤ 6 has at most 2^7 − 1 nodes.
      expect(tree.threshold.length).toBeLessThanOrEqual(127);
    }
  });

  it('caps ψ at the number of rows', () => {
    const forest = fitForest(gaussian(40, 2, 1), { trees: 5 });
    expect(forest.params.sampleSize).toBe(40);
    expect(forest.params.maxDepth).toBe(6);
  });

  it('keeps no training rows: the model size does not grow with the data', () => {
    const small = serializeForest(fitForest(gaussian(1_000, 4, 1), { trees: 20 })).length;
    const large = serializeForest(fitForest(gaussian(20_000, 4, 1), { trees: 20 })).length;
    expect(large).toBeLessThan(small * 1.2);
  });

  it('turns a node whose features are all constant into a leaf', () => {
    const rows = Array.from({ length: 100 }, (_, i) => [1, i < 50 ? 0 : 1]);
    const forest = fitForest(rows, { trees: 5, sampleSize: 100 });
    for (const tree of forest.trees) {
      // One split (on the only non-constant feature), two leaves of 50 identical points.
      expect(Array.from(tree.feature)).toEqual([1, -1, -1]);
      expect(Array.from(tree.size)).toEqual([100, 50, 50]);
    }
  });

  it('fits hyperplane trees with extensionLevel', () => {
    const forest = fitForest(data, { seed: 1, trees: 20, extensionLevel: 2 });
    const tree = forest.trees[0];
    expect(tree?.coef).not.toBeNull();
    expect(tree?.feature.length).toBe((tree?.threshold.length ?? 0) * 3);
    const scores = forest.scoreMany(data);
    expect(scores.every((s) => s > 0 && s <= 1)).toBe(true);
  });

  it('rejects bad options and bad data with clear errors', () => {
    expect(() => fitForest(data, { trees: 0 })).toThrow(VigieError);
    expect(() => fitForest(data, { extensionLevel: 5 })).toThrow(/needs at least 6 features/);
    expect(() => fitForest(data, { featureNames: ['a'] })).toThrow(/1 names, data has 5/);
    expect(() => fitForest([[1, 2]])).toThrow(/at least 2 rows/);
    expect(() =>
      fitForest([
        [1, 2],
        [3, Number.NaN],
      ]),
    ).toThrow(/row 1, column 1/);
    expect(() => fitForest([[1, 2], [3]])).toThrow(/row 1 has 1 values/);
    const forest = fitForest(data, { trees: 5 });
    expect(() => forest.score([1, 2])).toThrow(/expected 5 columns/);
    expect(() => forest.score([1, 2, 3, 4, Number.POSITIVE_INFINITY])).toThrow(/finite/);
  });
});
