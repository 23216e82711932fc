import { VigieError } from '../../streams/errors.ts';
import { assertFinite, type Matrix } from './matrix.ts';

/**
 * Percentile rank of `value` in an ascending sorted array, in [0, 100]: the share of the
 * population strictly below plus half the share equal to it (mid-rank), so a value shared by 90 %
 * of sellers (typically 0 takedowns) sits at 45, not at 0 or 90. Binary search: O(log n).
 */
export function percentileOf(sorted: Float64Array, value: number): number {
  const n = sorted.length;
  if (n === 0) throw new VigieError('BAD_REQUEST', 'percentile of an empty population');
  if (!Number.isFinite(value)) {
    throw new VigieError('BAD_REQUEST', `percentile of ${value}: expected a finite number`);
  }
  const below = lowerBound(sorted, value);
  let upTo = below;
  if (upTo < n && sorted[upTo] === value) upTo = upperBound(sorted, value, below);
  return (100 * (below + (upTo - below) / 2)) / n;
}

/** First index whose value is >= `value`. */
function lowerBound(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose value is > `value`, searching from `from`. */
function upperBound(sorted: Float64Array, value: number, from: number): number {
  let lo = from;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A feature population (one sorted column per feature) to place a seller's values in. */
export interface Population {
  readonly size: number;
  /** Percentile rank (mid-rank, 0–100) of `value` in column `feature`. */
  percentile(feature: number, value: number): number;
  /** The sorted column, for callers that need quantiles. */
  column(feature: number): Float64Array;
}

export function createPopulation(matrix: Matrix): Population {
  assertFinite(matrix, 'population');
  if (matrix.rows === 0) throw new VigieError('BAD_REQUEST', 'a population needs at least one row');
  const columns = Array.from({ length: matrix.cols }, (_, f) => {
    const column = new Float64Array(matrix.rows);
    for (let r = 0; r < matrix.rows; r++) column[r] = matrix.data[r * matrix.cols + f] as number;
    return column.sort();
  });
  const column = (feature: number): Float64Array => {
    const sorted = columns[feature];
    if (sorted === undefined) {
      throw new VigieError(
        'BAD_REQUEST',
        `feature ${feature} out of range (${matrix.cols} features)`,
      );
    }
    return sorted;
  };
  return {
    size: matrix.rows,
    column,
    percentile: (feature, value) => percentileOf(column(feature), value),
  };
}
