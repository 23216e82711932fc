import { describe, expect, it } from 'vitest';
import { fitForest } from './fit-forest.ts';
import type { Forest } from './forest.ts';
import { toMatrix } from './matrix.ts';
import { averagePathLength } from './path-length.ts';
import { createRandom } from './random.ts';

/** The textbook definition, walking the stored trees node by node. */
function referenceScore(forest: Forest, row: number[]): number {
  const terms = forest.params.extensionLevel + 1;
  let total = 0;
  for (const tree of forest.trees) {
    let node = 0;
    let depth = 0;
    while ((tree.feature[node * terms] as number) >= 0) {
      let projection = 0;
      for (let s = 0; s < terms; s++) {
        const f = tree.feature[node * terms + s] as number;
        if (f >= 0)
          projection +=
            (tree.coef === null ? 1 : (tree.coef[node * terms + s] as number)) * (row[f] as number);
      }
      node =
        projection <= (tree.threshold[node] as number)
          ? (tree.left[node] as number)
          : (tree.left[node] as number) + 1;
      depth++;
    }
    total += depth + averagePathLength(tree.size[node] as number);
  }
  return 2 ** (-(total / forest.trees.length) / averagePathLength(forest.params.sampleSize));
}

describe('scoreMany', () => {
  const rng = createRandom(21);
  const rows = Array.from({ length: 1_000 }, () => {
    // Zero-inflated counts mixed with a continuous feature, like seller features.
    const count = () => (rng.float() < 0.8 ? 0 : Math.floor(rng.float() * 6));
    return [count(), count(), rng.normal(), count()];
  });
  const matrix = toMatrix(rows);

  for (const extensionLevel of [0, 2]) {
    it(`matches the textbook score s(x) = 2^(−E[h(x)]/c(ψ)) (extensionLevel ${extensionLevel})`, () => {
      const forest = fitForest(matrix, { seed: 8, trees: 40, extensionLevel });
      const scores = forest.scoreMany(matrix);
      for (let r = 0; r < rows.length; r += 37) {
        expect(scores[r]).toBeCloseTo(referenceScore(forest, rows[r] as number[]), 12);
      }
      expect(forest.score(rows[5] as number[])).toBe(scores[5]);
    });
  }

  it('scores rows in any order and batch size identically', () => {
    const forest = fitForest(matrix, { seed: 8, trees: 40 });
    const all = forest.scoreMany(matrix);
    const tail = forest.scoreMany(toMatrix(rows.slice(997)));
    expect(Array.from(tail)).toEqual(Array.from(all.subarray(997)));
  });
});
