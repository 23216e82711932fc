/**
 * One isolation tree as flat typed arrays (no per-node objects). Node 0 is the root; a split
 * node's children are `left[i]` and `left[i] + 1` (always allocated side by side), so one index
 * array is enough. Each node has `terms` feature slots: 1 for axis-parallel trees, extension
 * level + 1 for hyperplane trees.
 */
export interface TreeArrays {
  /** `nodeCount * terms` feature indices; slot 0 is -1 on leaves, unused slots are -1. */
  readonly feature: Int32Array;
  /** Hyperplane coefficients (`nodeCount * terms`), or null for axis-parallel trees. */
  readonly coef: Float64Array | null;
  /** Go left when the (projected) value is <= threshold; 0 on leaves. */
  readonly threshold: Float64Array;
  /** Local index of the left child (right = left + 1); -1 on leaves. */
  readonly left: Int32Array;
  /** Training points (of the tree's subsample) that reached the node. */
  readonly size: Int32Array;
}

export function nodeCount(tree: TreeArrays): number {
  return tree.threshold.length;
}
