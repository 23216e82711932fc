import {
  COMPLETE_MAX_DEPTH,
  toCompleteForest,
  treeDepth,
  type CompleteForest,
} from './complete.ts';
import { averagePathLength } from './path-length.ts';
import type { TreeArrays } from './tree.ts';

/**
 * All trees of a forest concatenated into a few typed arrays with global node indices: the
 * scoring loop then touches only `feature`, `value` and `left`, with no per-tree indirection.
 */
export interface CompiledForest {
  readonly terms: number;
  readonly trees: number;
  /** Global index of each tree's root. */
  readonly roots: Int32Array;
  /** `nodes * terms`; slot 0 is -1 on leaves; unused hyperplane slots point at feature 0 with coefficient 0. */
  readonly feature: Int32Array;
  readonly coef: Float64Array | null;
  /** Split threshold, or on a leaf its path length: depth + c(points in leaf). */
  readonly value: Float64Array;
  /** Global index of the left child; right = left + 1. */
  readonly left: Int32Array;
  readonly size: Int32Array;
  /** c(ψ): the score normaliser. */
  readonly normaliser: number;
  /** The fixed-depth layout for the batch scorer (axis-parallel trees that are not too deep). */
  readonly complete: CompleteForest | null;
}

export function compileForest(
  trees: readonly TreeArrays[],
  sampleSize: number,
  terms: number,
): CompiledForest {
  let total = 0;
  for (const tree of trees) total += tree.threshold.length;
  const roots = new Int32Array(trees.length);
  const feature = new Int32Array(total * terms);
  const coef = terms > 1 ? new Float64Array(total * terms) : null;
  const value = new Float64Array(total);
  const left = new Int32Array(total).fill(-1);
  const size = new Int32Array(total);

  let offset = 0;
  trees.forEach((tree, t) => {
    const count = tree.threshold.length;
    roots[t] = offset;
    const depth = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const g = offset + i;
      size[g] = tree.size[i] as number;
      const child = tree.left[i] as number;
      if ((tree.feature[i * terms] as number) < 0) {
        feature[g * terms] = -1;
        value[g] = (depth[i] as number) + averagePathLength(tree.size[i] as number);
        continue;
      }
      for (let s = 0; s < terms; s++) {
        const f = tree.feature[i * terms + s] as number;
        feature[g * terms + s] = f < 0 ? 0 : f;
        if (coef !== null)
          coef[g * terms + s] = f < 0 ? 0 : ((tree.coef as Float64Array)[i * terms + s] as number);
      }
      value[g] = tree.threshold[i] as number;
      left[g] = offset + child;
      depth[child] = (depth[i] as number) + 1;
      depth[child + 1] = (depth[i] as number) + 1;
    }
    offset += count;
  });

  const shallow = trees.every((tree) => treeDepth(tree) <= COMPLETE_MAX_DEPTH);
  const complete =
    terms === 1 && shallow
      ? toCompleteForest(trees, (t, node) => value[(roots[t] as number) + node] as number)
      : null;

  return {
    terms,
    trees: trees.length,
    roots,
    feature,
    coef,
    value,
    left,
    size,
    normaliser: averagePathLength(sampleSize),
    complete,
  };
}
