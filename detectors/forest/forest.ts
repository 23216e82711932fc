import { VigieError } from '../../streams/errors.ts';
import { compileForest } from './compiled.ts';
import { contributions, rawAttribution, type FeatureContribution } from './explain.ts';
import { assertFinite, assertShape, type Matrix } from './matrix.ts';
import { meanPathLengths, pathLengthsToScores, sumsToMeans } from './score.ts';
import type { TreeArrays } from './tree.ts';
import { createWasmKernel, type WasmKernel } from './wasm-kernel.ts';

/** Below this many rows the JavaScript walk is as fast as copying rows into the wasm kernel. */
const KERNEL_MIN_ROWS = 32;

/** What a fitted forest was built with; stored in its JSON. */
export interface ForestParams {
  readonly trees: number;
  /** Effective ψ: the requested subsample size capped at the training row count. */
  readonly sampleSize: number;
  readonly maxDepth: number;
  readonly extensionLevel: number;
  readonly seed: number;
  readonly trainingRows: number;
}

export interface ForestParts {
  readonly nFeatures: number;
  readonly featureNames: readonly string[] | null;
  readonly params: ForestParams;
  readonly trees: readonly TreeArrays[];
  /** Mean raw attribution per feature on inlier reference rows (see explain.ts). */
  readonly reference: Float64Array;
}

export interface Forest extends ForestParts {
  /** Anomaly score s(x) = 2^(−E[h(x)]/c(ψ)) in (0, 1]; above ~0.6 is unusual. */
  score(row: ArrayLike<number>): number;
  /** Scores every row of a row-major matrix. */
  scoreMany(matrix: Matrix): Float64Array;
  /** Mean path length E[h(x)] of every row (smaller = easier to isolate). */
  pathLengths(matrix: Matrix): Float64Array;
  /** Raw DIFFI-style attribution per feature (before normalisation against inliers). */
  attribution(row: ArrayLike<number>): Float64Array;
  /** Features that drove the row's score, largest contribution first. */
  explain(row: ArrayLike<number>): FeatureContribution[];
}

/** Wraps validated parts into a scorer; used by `fitForest` and `deserializeForest`. */
export function createForest(parts: ForestParts): Forest {
  const terms = parts.params.extensionLevel + 1;
  const compiled = compileForest(parts.trees, parts.params.sampleSize, terms);
  const cols = parts.nFeatures;

  const checkRow = (row: ArrayLike<number>): Matrix => {
    const data = Float64Array.from(row as ArrayLike<number>);
    const matrix = { rows: 1, cols: data.length, data };
    assertShape(matrix, cols, 'forest input');
    assertFinite(matrix, 'forest input');
    return matrix;
  };

  // Built on the first large batch; null when there is no complete layout or no WebAssembly.
  let kernel: WasmKernel | null | undefined;
  const batchKernel = (): WasmKernel | null => {
    if (kernel === undefined) {
      kernel =
        compiled.complete === null
          ? null
          : createWasmKernel(compiled.complete, compiled.trees, cols);
    }
    return kernel;
  };

  const pathLengths = (matrix: Matrix): Float64Array => {
    assertShape(matrix, cols, 'forest input');
    const out = new Float64Array(matrix.rows);
    const fast = matrix.rows >= KERNEL_MIN_ROWS ? batchKernel() : null;
    if (fast !== null && fast.pathSums(matrix.data, matrix.rows, out)) {
      sumsToMeans(compiled, out, matrix.rows);
      return out;
    }
    // No kernel, or it met a NaN or an infinity: this throws with its row and column.
    assertFinite(matrix, 'forest input');
    meanPathLengths(compiled, matrix.data, matrix.rows, cols, out);
    return out;
  };

  const scoreMany = (matrix: Matrix): Float64Array => {
    const out = pathLengths(matrix);
    pathLengthsToScores(compiled, out, matrix.rows);
    return out;
  };

  const attribution = (row: ArrayLike<number>): Float64Array => {
    const matrix = checkRow(row);
    const out = new Float64Array(cols);
    rawAttribution(compiled, matrix.data, out);
    return out;
  };

  return {
    ...parts,
    score: (row) => scoreMany(checkRow(row))[0] as number,
    scoreMany,
    pathLengths,
    attribution,
    explain: (row) => contributions(attribution(row), parts.reference),
  };
}

export function assertFitInput(matrix: Matrix): void {
  if (matrix.rows < 2 || matrix.cols < 1) {
    throw new VigieError(
      'BAD_REQUEST',
      `a forest needs at least 2 rows and 1 column, got ${matrix.rows} × ${matrix.cols}`,
      { context: { rows: matrix.rows, cols: matrix.cols } },
    );
  }
  assertShape(matrix, matrix.cols, 'training data');
  assertFinite(matrix, 'training data');
}
