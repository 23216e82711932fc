import type { Random } from './random.ts';
import type { TreeArrays } from './tree.ts';

/** A tree's subsample, column-major (`values[f * size + i]`) so that a split scans one column. */
export interface Subsample {
  readonly values: Float64Array;
  readonly size: number;
  readonly cols: number;
}

export interface BuildTreeOptions {
  readonly maxDepth: number;
  /** Features per split: 1 = axis-parallel, more = hyperplane (extended) splits. */
  readonly terms: number;
}

/** Retries of a hyperplane whose projection came out constant (only with degenerate data). */
const HYPERPLANE_ATTEMPTS = 8;

/**
 * Grows one isolation tree. Axis-parallel splits follow scikit-learn's `IsolationForest`: the
 * split feature is drawn uniformly among the features that are not constant in the node (a node
 * where all are constant becomes a leaf), the threshold uniformly in [min, max), left is `<=`.
 * Hyperplane splits draw `terms` distinct non-constant features with N(0,1) coefficients and a
 * threshold uniform over the projected range (as isotree does), so neither child is empty.
 */
export function buildTree(sample: Subsample, options: BuildTreeOptions, rng: Random): TreeArrays {
  const { values, size: n, cols } = sample;
  const { maxDepth, terms } = options;
  const capacity = 2 * n - 1;
  const feature = new Int32Array(capacity * terms).fill(-1);
  const coef = terms > 1 ? new Float64Array(capacity * terms) : null;
  const threshold = new Float64Array(capacity);
  const left = new Int32Array(capacity).fill(-1);
  const size = new Int32Array(capacity);

  const index = new Int32Array(n);
  for (let i = 0; i < n; i++) index[i] = i;
  const order = new Int32Array(cols);
  for (let f = 0; f < cols; f++) order[f] = f;
  const projection = new Float64Array(terms > 1 ? n : 0);
  const candidates = new Int32Array(cols);

  // Depth-first with an explicit stack: node, start, end, depth.
  const stack = new Int32Array(4 * (maxDepth + 2) * 2);
  let top = 0;
  let count = 1;
  stack[top++] = 0;
  stack[top++] = 0;
  stack[top++] = n;
  stack[top++] = 0;

  while (top > 0) {
    const depth = stack[--top] as number;
    const end = stack[--top] as number;
    const start = stack[--top] as number;
    const node = stack[--top] as number;
    size[node] = end - start;
    if (depth >= maxDepth || end - start <= 1) continue;

    const split =
      terms === 1
        ? chooseAxisSplit(values, n, cols, index, start, end, order, rng)
        : chooseHyperplane(values, n, cols, index, start, end, terms, candidates, projection, rng);
    if (split === null) continue;

    const base = node * terms;
    if (terms === 1) {
      feature[base] = split.features[0] as number;
    } else {
      for (let s = 0; s < split.features.length; s++) {
        feature[base + s] = split.features[s] as number;
        (coef as Float64Array)[base + s] = split.coefs[s] as number;
      }
    }
    threshold[node] = split.threshold;
    const mid = partition(values, n, index, start, end, split, terms === 1 ? null : projection);
    left[node] = count;
    // Right first on the stack so the left subtree is grown (and numbered) first.
    stack[top++] = count + 1;
    stack[top++] = mid;
    stack[top++] = end;
    stack[top++] = depth + 1;
    stack[top++] = count;
    stack[top++] = start;
    stack[top++] = mid;
    stack[top++] = depth + 1;
    count += 2;
  }

  return {
    feature: feature.slice(0, count * terms),
    coef: coef === null ? null : coef.slice(0, count * terms),
    threshold: threshold.slice(0, count),
    left: left.slice(0, count),
    size: size.slice(0, count),
  };
}

interface Split {
  features: number[];
  coefs: number[];
  threshold: number;
}

function columnRange(
  values: Float64Array,
  n: number,
  f: number,
  index: Int32Array,
  start: number,
  end: number,
): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  const offset = f * n;
  for (let i = start; i < end; i++) {
    const v = values[offset + (index[i] as number)] as number;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

function uniformThreshold(min: number, max: number, rng: Random): number {
  const t = min + rng.float() * (max - min);
  // Rounding can land on max, which would leave the right child empty.
  return t >= max ? min : t;
}

function chooseAxisSplit(
  values: Float64Array,
  n: number,
  cols: number,
  index: Int32Array,
  start: number,
  end: number,
  order: Int32Array,
  rng: Random,
): Split | null {
  // Visit features in random order (partial Fisher–Yates) until one is not constant here.
  for (let remaining = cols; remaining > 0; remaining--) {
    const j = rng.int(remaining);
    const f = order[j] as number;
    order[j] = order[remaining - 1] as number;
    order[remaining - 1] = f;
    const [min, max] = columnRange(values, n, f, index, start, end);
    if (max > min) return { features: [f], coefs: [1], threshold: uniformThreshold(min, max, rng) };
  }
  return null;
}

function chooseHyperplane(
  values: Float64Array,
  n: number,
  cols: number,
  index: Int32Array,
  start: number,
  end: number,
  terms: number,
  candidates: Int32Array,
  projection: Float64Array,
  rng: Random,
): Split | null {
  let available = 0;
  for (let f = 0; f < cols; f++) {
    const [min, max] = columnRange(values, n, f, index, start, end);
    if (max > min) candidates[available++] = f;
  }
  if (available === 0) return null;
  const k = Math.min(terms, available);
  for (let attempt = 0; attempt < HYPERPLANE_ATTEMPTS; attempt++) {
    const features: number[] = [];
    const coefs: number[] = [];
    for (let s = 0; s < k; s++) {
      const j = s + rng.int(available - s);
      const f = candidates[j] as number;
      candidates[j] = candidates[s] as number;
      candidates[s] = f;
      features.push(f);
      coefs.push(rng.normal());
    }
    let min = Infinity;
    let max = -Infinity;
    for (let i = start; i < end; i++) {
      const row = index[i] as number;
      let p = 0;
      for (let s = 0; s < k; s++) {
        p += (coefs[s] as number) * (values[(features[s] as number) * n + row] as number);
      }
      projection[row] = p;
      if (p < min) min = p;
      if (p > max) max = p;
    }
    if (max > min) return { features, coefs, threshold: uniformThreshold(min, max, rng) };
  }
  return null;
}

/** Moves the node's points that go left to the front of its index range; returns the boundary. */
function partition(
  values: Float64Array,
  n: number,
  index: Int32Array,
  start: number,
  end: number,
  split: Split,
  projection: Float64Array | null,
): number {
  const offset = (split.features[0] as number) * n;
  let i = start;
  let j = end - 1;
  const goesLeft = (row: number): boolean =>
    (projection === null ? (values[offset + row] as number) : (projection[row] as number)) <=
    split.threshold;
  while (i <= j) {
    if (goesLeft(index[i] as number)) {
      i++;
    } else {
      const tmp = index[i] as number;
      index[i] = index[j] as number;
      index[j] = tmp;
      j--;
    }
  }
  return i;
}
