import { VigieError } from '../../streams/errors.ts';
import type { FeatureName } from '../rules/index.ts';
import { quantileSorted } from './threshold.ts';

/** One feature over the training population: 101 quantiles (p0…p100), mean, share of zeros. */
export interface FeatureSummary {
  quantiles: number[];
  mean: number;
  zero_share: number;
}

/** Stored with each model: what the training population looked like, for percentiles. */
export interface PopulationSummary {
  rows: number;
  features: Partial<Record<FeatureName, FeatureSummary>>;
}

const round = (x: number): number => Math.round(x * 1e6) / 1e6;

/** Summarises each named feature over `rows`. Pure; O(features · n log n). */
export function summarisePopulation(
  rows: readonly Readonly<Record<string, number>>[],
  names: readonly FeatureName[],
): PopulationSummary {
  if (rows.length === 0)
    throw new VigieError('BAD_REQUEST', 'cannot summarise an empty population');
  const features: Partial<Record<FeatureName, FeatureSummary>> = {};
  const column = new Float64Array(rows.length);
  for (const name of names) {
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < rows.length; i++) {
      const v = rows[i]![name] ?? Number.NaN;
      column[i] = v;
      sum += v;
      if (v === 0) zeros++;
    }
    const sorted = column.slice().sort();
    features[name] = {
      quantiles: Array.from({ length: 101 }, (_, p) => round(quantileSorted(sorted, p / 100))),
      mean: round(sum / rows.length),
      zero_share: round(zeros / rows.length),
    };
  }
  return { rows: rows.length, features };
}

/**
 * The seller's percentile (0–100) for one feature against the training population: the mid-rank
 * among the stored quantiles, so a value shared by many sellers (0 takedowns) sits in the middle
 * of its tie, not at its top. Undefined when the feature was not summarised.
 */
export function populationPercentile(
  summary: PopulationSummary,
  feature: FeatureName,
  value: number,
): number | undefined {
  const q = summary.features[feature]?.quantiles;
  if (q === undefined || q.length < 2 || Number.isNaN(value)) return undefined;
  const last = q.length - 1;
  const scale = 100 / last;
  let first = -1;
  let lastEq = -1;
  for (let i = 0; i <= last; i++) {
    if (q[i] === value) {
      if (first < 0) first = i;
      lastEq = i;
    }
  }
  if (first >= 0) return ((first + lastEq) / 2) * scale;
  if (value < q[0]!) return 0;
  if (value > q[last]!) return 100;
  for (let i = 0; i < last; i++) {
    const a = q[i]!;
    const b = q[i + 1]!;
    if (value > a && value < b) return (i + (value - a) / (b - a)) * scale;
  }
  return 100;
}
