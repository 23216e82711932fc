import { VigieError } from '../../streams/errors.ts';

/** Linear-interpolation quantile (type 7, as numpy's default) of ascending `sorted`. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new VigieError('BAD_REQUEST', 'quantile of an empty sample');
  const pos = (n - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (pos - lo);
}

/**
 * The anomaly threshold of a model: the (1 − contamination) quantile of its training scores, so
 * that about `contamination` of the training population scores at or above it.
 */
export function calibrateThreshold(scores: ArrayLike<number>, contamination: number): number {
  if (!(contamination > 0 && contamination < 0.5)) {
    throw new VigieError('BAD_REQUEST', `contamination must be in (0, 0.5), got ${contamination}`, {
      context: { contamination },
    });
  }
  const sorted = Float64Array.from(scores).sort();
  return quantileSorted(sorted, 1 - contamination);
}
