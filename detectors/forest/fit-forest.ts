import { z } from 'zod';
import { VigieError } from '../../streams/errors.ts';
import { buildTree } from './build-tree.ts';
import { assertFitInput, createForest, type Forest } from './forest.ts';
import { isMatrix, toMatrix, type Matrix } from './matrix.ts';
import { ForestOptionsSchema, type ForestOptions, type ResolvedForestOptions } from './options.ts';
import { createRandom, type Random } from './random.ts';
import type { TreeArrays } from './tree.ts';

/**
 * Fits an isolation forest (Liu, Ting & Zhou 2008): each tree grows on its own subsample of ψ
 * rows drawn without replacement, to depth ceil(log2 ψ). Deterministic: same data, options and
 * seed → the same model, bit for bit.
 */
export function fitForest(
  data: Matrix | readonly ArrayLike<number>[],
  options: ForestOptions = {},
): Forest {
  const resolved = resolveOptions(options);
  const matrix = isMatrix(data) ? data : toMatrix(data);
  assertFitInput(matrix);
  checkAgainstData(resolved, matrix);

  const rng = createRandom(resolved.seed);
  const sampleSize = Math.min(resolved.sampleSize, matrix.rows);
  const maxDepth = resolved.maxDepth ?? Math.max(1, Math.ceil(Math.log2(sampleSize)));
  const terms = resolved.extensionLevel + 1;

  const permutation = identity(matrix.rows);
  const values = new Float64Array(sampleSize * matrix.cols);
  const trees: TreeArrays[] = [];
  for (let t = 0; t < resolved.trees; t++) {
    drawSample(permutation, sampleSize, rng);
    for (let i = 0; i < sampleSize; i++) {
      const base = (permutation[i] as number) * matrix.cols;
      for (let f = 0; f < matrix.cols; f++) {
        values[f * sampleSize + i] = matrix.data[base + f] as number;
      }
    }
    trees.push(
      buildTree({ values, size: sampleSize, cols: matrix.cols }, { maxDepth, terms }, rng),
    );
  }

  // Filled in place below, once the forest can walk its trees.
  const reference = new Float64Array(matrix.cols);
  const forest = createForest({
    nFeatures: matrix.cols,
    featureNames: resolved.featureNames ?? null,
    params: {
      trees: resolved.trees,
      sampleSize,
      maxDepth,
      extensionLevel: resolved.extensionLevel,
      seed: resolved.seed,
      trainingRows: matrix.rows,
    },
    trees,
    reference,
  });
  reference.set(inlierReference(forest, matrix, resolved.referenceRows, permutation, rng));
  return forest;
}

function resolveOptions(options: ForestOptions): ResolvedForestOptions {
  const parsed = ForestOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new VigieError(
      'INVALID_CONFIG',
      `invalid forest options: ${z.prettifyError(parsed.error)}`,
      {
        context: { issues: parsed.error.issues.map((i) => i.path.join('.')) },
      },
    );
  }
  return parsed.data;
}

function checkAgainstData(options: ResolvedForestOptions, matrix: Matrix): void {
  if (options.extensionLevel > matrix.cols - 1) {
    throw new VigieError(
      'INVALID_CONFIG',
      `extensionLevel ${options.extensionLevel} needs at least ${options.extensionLevel + 1} features, data has ${matrix.cols}`,
    );
  }
  if (options.featureNames !== undefined && options.featureNames.length !== matrix.cols) {
    throw new VigieError(
      'INVALID_CONFIG',
      `featureNames has ${options.featureNames.length} names, data has ${matrix.cols} columns`,
    );
  }
}

function identity(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/**
 * Partial Fisher–Yates: afterwards the first `k` entries are a uniform sample without
 * replacement. The array stays a permutation, so it is reused for every tree (O(ψ), not O(n)).
 */
function drawSample(permutation: Int32Array, k: number, rng: Random): void {
  const n = permutation.length;
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    const tmp = permutation[i] as number;
    permutation[i] = permutation[j] as number;
    permutation[j] = tmp;
  }
}

/**
 * R_j: mean raw attribution of feature j over the inliers of a seeded sample of training rows
 * (the half with the longest mean paths), the baseline that explanations are measured against.
 */
function inlierReference(
  forest: Forest,
  matrix: Matrix,
  maxRows: number,
  permutation: Int32Array,
  rng: Random,
): Float64Array {
  const k = Math.min(maxRows, matrix.rows);
  drawSample(permutation, k, rng);
  const sample = new Float64Array(k * matrix.cols);
  for (let i = 0; i < k; i++) {
    const base = (permutation[i] as number) * matrix.cols;
    sample.set(matrix.data.subarray(base, base + matrix.cols), i * matrix.cols);
  }
  const lengths = forest.pathLengths({ rows: k, cols: matrix.cols, data: sample });
  const median = Float64Array.from(lengths).sort()[Math.floor(k / 2)] as number;
  const sum = new Float64Array(matrix.cols);
  let inliers = 0;
  for (let i = 0; i < k; i++) {
    if ((lengths[i] as number) < median) continue;
    const a = forest.attribution(sample.subarray(i * matrix.cols, (i + 1) * matrix.cols));
    for (let j = 0; j < matrix.cols; j++) sum[j] = (sum[j] as number) + (a[j] as number);
    inliers++;
  }
  for (let j = 0; j < matrix.cols; j++) sum[j] = (sum[j] as number) / inliers;
  return sum;
}
