import type { CompiledForest } from './compiled.ts';

/** One feature's share of what isolated a row. */
export interface FeatureContribution {
  /** Column index in the forest's input. */
  readonly feature: number;
  /** Share in [0, 1]; the contributions of a row sum to 1 (or are all 0). */
  readonly contribution: number;
}

/**
 * Raw path attribution A_j(x), in the spirit of DIFFI (Carletti et al. 2023), into `out`:
 *
 *   A_j(x) = (1/T) · Σ_t  (1 / h_t(x)) · Σ_{v ∈ path_t(x)}  λ_v · ω_{v,j}
 *
 * - h_t(x): x's path length in tree t (depth of its leaf + c(points in the leaf)), so a row
 *   isolated near the root weighs more, as in DIFFI's 1/depth weight;
 * - λ_v = 1 − n(child taken by x) / n(v): the share of the node's training points that this
 *   split separated from x (DIFFI's "induced imbalance", measured from x's side): a split that
 *   sends x away from almost everyone earns almost 1, a balanced one about 1/2;
 * - ω_{v,j}: 1 if v splits on feature j (axis-parallel), or |coef_j| / Σ|coef| for a hyperplane.
 */
export function rawAttribution(
  forest: CompiledForest,
  row: ArrayLike<number>,
  out: Float64Array,
): void {
  const { roots, feature, coef, value, left, size, terms } = forest;
  out.fill(0);
  const path = new Int32Array(64 + 1);
  for (let t = 0; t < roots.length; t++) {
    let node = roots[t] as number;
    let depth = 0;
    while ((feature[node * terms] as number) >= 0) {
      path[depth++] = node;
      node =
        (left[node] as number) + (project(forest, node, row) > (value[node] as number) ? 1 : 0);
    }
    const weight = 1 / Math.max(value[node] as number, 1);
    let child = node;
    for (let d = depth - 1; d >= 0; d--) {
      const v = path[d] as number;
      const imbalance = 1 - (size[child] as number) / (size[v] as number);
      const slot = v * terms;
      if (coef === null) {
        const f = feature[slot] as number;
        out[f] = (out[f] as number) + weight * imbalance;
      } else {
        let norm = 0;
        for (let s = 0; s < terms; s++) norm += Math.abs(coef[slot + s] as number);
        for (let s = 0; s < terms; s++) {
          const c = Math.abs(coef[slot + s] as number);
          if (c === 0) continue;
          const f = feature[slot + s] as number;
          out[f] = (out[f] as number) + (weight * imbalance * c) / norm;
        }
      }
      child = v;
    }
  }
  for (let j = 0; j < out.length; j++) out[j] = (out[j] as number) / roots.length;
}

function project(forest: CompiledForest, node: number, row: ArrayLike<number>): number {
  const slot = node * forest.terms;
  if (forest.coef === null) return row[forest.feature[slot] as number] as number;
  let p = 0;
  for (let s = 0; s < forest.terms; s++) {
    p += (forest.coef[slot + s] as number) * (row[forest.feature[slot + s] as number] as number);
  }
  return p;
}

/**
 * Local contributions: each raw attribution divided by the feature's mean attribution on inliers
 * (R_j, the reference measured at fit time), then shared out:
 *
 *   r_j = A_j(x) / (R_j + ε),  ε = 1e-3 · mean_k R_k,   contribution_j = r_j / Σ_k r_k
 *
 * Dividing by R_j removes what a feature gets on every row merely because trees often split on
 * it (many distinct values, wide range), so the ranking says what is unusual about this row.
 */
export function contributions(raw: Float64Array, reference: Float64Array): FeatureContribution[] {
  let meanRef = 0;
  for (let j = 0; j < reference.length; j++) meanRef += reference[j] as number;
  meanRef /= Math.max(reference.length, 1);
  const epsilon = meanRef > 0 ? 1e-3 * meanRef : 1e-12;
  const ratios = Array.from(raw, (a, j) => a / ((reference[j] as number) + epsilon));
  const total = ratios.reduce((sum, r) => sum + r, 0);
  return ratios
    .map((r, feature) => ({ feature, contribution: total > 0 ? r / total : 0 }))
    .sort((a, b) => b.contribution - a.contribution || a.feature - b.feature);
}
