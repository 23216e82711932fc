import type { FeatureContribution } from './explain.ts';
import type { Forest } from './forest.ts';
import type { Population } from './population.ts';

/** What a reviewer reads first: why the forest found a seller unusual. */
export interface FeatureReason extends FeatureContribution {
  /** The forest's column name, when it was given one. */
  readonly name: string | null;
  /** The seller's value, as in `raw` (before preparation, so a reviewer can read it). */
  readonly value: number;
  /** Percentile rank of that value in the population, 0–100. */
  readonly percentile: number;
}

export interface DescribeOptions {
  /** Population of the same kind of values as `raw` (raw ones by default). */
  readonly population: Population;
  /** The row before preparation; defaults to the forest's input row. */
  readonly raw?: ArrayLike<number>;
  /** How many features to return. @default 5 */
  readonly top?: number;
}

/**
 * The features that drove a row's score (explained on the prepared `row` the forest sees), with
 * the seller's raw value and its percentile. Percentile ranks do not change under the monotone
 * transforms of prepare.ts, so a raw population gives the same percentile as a prepared one.
 */
export function describeRow(
  forest: Forest,
  row: ArrayLike<number>,
  options: DescribeOptions,
): FeatureReason[] {
  const raw = options.raw ?? row;
  return forest
    .explain(row)
    .slice(0, options.top ?? 5)
    .map((c) => ({
      ...c,
      name: forest.featureNames?.[c.feature] ?? null,
      value: raw[c.feature] as number,
      percentile: options.population.percentile(c.feature, raw[c.feature] as number),
    }));
}
