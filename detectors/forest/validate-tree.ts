import type { TreeArrays } from './tree.ts';

export interface TreeLimits {
  readonly terms: number;
  readonly nFeatures: number;
  readonly maxDepth: number;
  readonly sampleSize: number;
}

/**
 * Structural check of a loaded tree; returns what is wrong, or null. Children must come after
 * their parent (so the walk cannot loop) and be referenced once; every split must name valid
 * features; a parent's size is the sum of its children's.
 */
export function checkTree(tree: TreeArrays, limits: TreeLimits): string | null {
  const { terms, nFeatures, maxDepth, sampleSize } = limits;
  const count = tree.threshold.length;
  if (count === 0) return 'no nodes';
  if (tree.feature.length !== count * terms)
    return `feature has ${tree.feature.length} entries, expected ${count * terms}`;
  if (tree.left.length !== count || tree.size.length !== count)
    return 'left/size lengths differ from threshold';
  if (terms > 1 ? tree.coef === null || tree.coef.length !== count * terms : tree.coef !== null) {
    return terms > 1
      ? `coef must have ${count * terms} entries`
      : 'coef given for an axis-parallel forest';
  }
  if (tree.size[0] !== sampleSize)
    return `root size ${tree.size[0]} differs from sampleSize ${sampleSize}`;

  const depth = new Int32Array(count);
  const parents = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    if (!Number.isFinite(tree.threshold[i] as number)) return `node ${i}: threshold is not finite`;
    const child = tree.left[i] as number;
    const first = tree.feature[i * terms] as number;
    if (first < 0) {
      if (child !== -1) return `node ${i}: a leaf with children`;
      for (let s = 1; s < terms; s++)
        if (tree.feature[i * terms + s] !== -1) return `node ${i}: a leaf with features`;
      continue;
    }
    if (child <= i || child + 1 >= count)
      return `node ${i}: children ${child}, ${child + 1} out of range`;
    let used = 0;
    for (let s = 0; s < terms; s++) {
      const f = tree.feature[i * terms + s] as number;
      if (f >= nFeatures) return `node ${i}: feature ${f} out of range (${nFeatures} features)`;
      if (f >= 0) used++;
      else if (tree.coef !== null && tree.coef[i * terms + s] !== 0)
        return `node ${i}: coefficient on an unused slot`;
    }
    if (used === 0) return `node ${i}: a split with no feature`;
    if ((tree.size[child] as number) + (tree.size[child + 1] as number) !== tree.size[i]) {
      return `node ${i}: children sizes do not add up to ${tree.size[i]}`;
    }
    parents[child] = (parents[child] as number) + 1;
    parents[child + 1] = (parents[child + 1] as number) + 1;
    depth[child] = (depth[i] as number) + 1;
    depth[child + 1] = (depth[i] as number) + 1;
    if ((depth[child] as number) > maxDepth)
      return `node ${child}: depth exceeds maxDepth ${maxDepth}`;
  }
  for (let i = 1; i < count; i++) {
    if (parents[i] !== 1) return `node ${i}: referenced by ${parents[i]} parents`;
  }
  return null;
}
