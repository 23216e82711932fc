import type { TreeArrays } from './tree.ts';

/** Deeper trees keep the sparse layout: a complete tree of depth d holds 2^(d+1) − 1 slots. */
export const COMPLETE_MAX_DEPTH = 12;

/**
 * Axis-parallel trees re-laid as complete binary trees of one depth for the batch scorer: node
 * i's children are 2i+1 and 2i+2 (no child array), every walk takes exactly `depth` steps (no
 * leaf test, no mispredicted loop exit), and the step `i = 2i + 1 + (x > t)` has no branch. A
 * leaf shallower than `depth` is padded with pass-through splits (threshold +∞: always left)
 * whose leaf slots all carry its path length, so scores are unchanged.
 */
export interface CompleteForest {
  readonly depth: number;
  /** 2^depth − 1 split slots per tree, trees back to back. */
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  /** 2^depth leaf slots per tree: the path length depth + c(n) of the original leaf. */
  readonly leafValue: Float64Array;
}

export function toCompleteForest(
  trees: readonly TreeArrays[],
  leafValueOf: (tree: number, node: number) => number,
): CompleteForest {
  let depth = 1;
  for (const tree of trees) depth = Math.max(depth, treeDepth(tree));
  const splits = (1 << depth) - 1;
  const leaves = 1 << depth;
  const feature = new Int32Array(trees.length * splits);
  const threshold = new Float64Array(trees.length * splits).fill(Number.POSITIVE_INFINITY);
  const leafValue = new Float64Array(trees.length * leaves);

  trees.forEach((tree, t) => {
    const splitBase = t * splits;
    const leafBase = t * leaves;
    // (original node, complete slot, level) — slots at level `depth` are leaf slots.
    const stack: [number, number, number][] = [[0, 0, 0]];
    while (stack.length > 0) {
      const [node, slot, level] = stack.pop() as [number, number, number];
      const f = tree.feature[node] as number;
      if (f < 0) {
        // Every leaf slot under this one: at level `depth` they span `2^(depth−level)` slots.
        const span = 1 << (depth - level);
        const first = (slot + 1) * span - 1 - splits;
        leafValue.fill(leafValueOf(t, node), leafBase + first, leafBase + first + span);
        continue;
      }
      feature[splitBase + slot] = f;
      threshold[splitBase + slot] = tree.threshold[node] as number;
      const child = tree.left[node] as number;
      stack.push([child, 2 * slot + 1, level + 1], [child + 1, 2 * slot + 2, level + 1]);
    }
  });
  return { depth, feature, threshold, leafValue };
}

/** Depth of the deepest leaf. */
export function treeDepth(tree: TreeArrays): number {
  const count = tree.threshold.length;
  const depth = new Int32Array(count);
  let max = 0;
  for (let i = 0; i < count; i++) {
    const child = tree.left[i] as number;
    if (child < 0) {
      max = Math.max(max, depth[i] as number);
      continue;
    }
    depth[child] = (depth[i] as number) + 1;
    depth[child + 1] = (depth[i] as number) + 1;
  }
  return max;
}
