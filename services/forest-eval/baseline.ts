import { IsolationForest } from 'ml-isolation-forest';
import type { Matrix } from '../../detectors/forest/index.ts';

/**
 * `ml-isolation-forest`, kept as the baseline in eval and bench. As published it trains every
 * tree on the whole data set (no subsampling), draws from Math.random (no seed), keeps the
 * training rows in its leaves and has no save/load; it is used as is, on arrays of rows.
 */
export interface Baseline {
  score(rows: number[][]): Float64Array;
}

/** The row arrays the baseline takes (convert once, outside any timing). */
export function toRows(matrix: Matrix): number[][] {
  return Array.from({ length: matrix.rows }, (_, r) =>
    Array.from(matrix.data.subarray(r * matrix.cols, (r + 1) * matrix.cols)),
  );
}

export function fitBaseline(rows: number[][], trees: number): Baseline {
  const forest = new IsolationForest({ nEstimators: trees });
  forest.train(rows);
  return { score: (data) => Float64Array.from(forest.predict(data)) };
}
