import { z } from 'zod';
import { VigieError } from '../../streams/errors.ts';
import { assertFinite, type Matrix } from './matrix.ts';

/**
 * Feature preparation for seller features, most of them counts with a heavy mass at 0.
 *
 * - `log1p` for counts: an axis-parallel split draws its threshold uniformly between the node's
 *   min and max, so on raw counts a few huge values (a large professional seller's 40,000
 *   listings) take nearly all thresholds and get isolated for their size alone, while the
 *   difference that matters (0 vs 1 vs 3 takedowns) is almost never cut. log1p spreads the low
 *   counts and keeps 0 at 0.
 * - Ties at 0 are kept as they are (no jitter): a node whose points are all 0 on a feature just
 *   splits on another one, and a split between 0 and the rest isolates the unusual non-zero
 *   sellers, which is what we want. Jitter would invent order among identical sellers and make
 *   scores depend on noise.
 * - Scaling: axis-parallel splits are invariant to per-feature affine maps, so none is needed.
 *   Hyperplane (extended) splits mix features with N(0,1) coefficients, so there a feature with a
 *   wide range would dominate: standardise by a robust scale, (x − median) / IQR, falling back to
 *   the standard deviation when the IQR is 0 (the usual case for zero-inflated counts) and to 1
 *   for a constant column.
 *
 * Pure functions; the fitted parameters are plain JSON (`PreparationSchema`).
 */
export const TransformSchema = z.enum(['identity', 'log1p']);
export type Transform = z.infer<typeof TransformSchema>;

export const PreparationSchema = z
  .object({
    version: z.literal(1),
    transforms: z.array(TransformSchema).min(1),
    /** Per-feature centre and scale applied after the transform; null when not scaling. */
    center: z.array(z.number()).nullable(),
    scale: z.array(z.number().positive()).nullable(),
  })
  .strict()
  .refine(
    (p) =>
      (p.center === null) === (p.scale === null) &&
      (p.center === null ||
        (p.center.length === p.transforms.length && p.scale?.length === p.transforms.length)),
    { message: 'center and scale must both be null or both have one value per transform' },
  );

export type Preparation = z.infer<typeof PreparationSchema>;

export interface PreparationOptions {
  /** One transform per column; default `inferTransforms(matrix)`. */
  readonly transforms?: readonly Transform[];
  /** 'robust' for extended (hyperplane) forests, 'none' for axis-parallel ones. @default 'none' */
  readonly scaling?: 'none' | 'robust';
}

/** log1p for count columns (non-negative integers with some value above 1), identity otherwise. */
export function inferTransforms(matrix: Matrix): Transform[] {
  return Array.from({ length: matrix.cols }, (_, f) => {
    let counts = true;
    let max = 0;
    for (let r = 0; r < matrix.rows && counts; r++) {
      const v = matrix.data[r * matrix.cols + f] as number;
      counts = v >= 0 && Number.isInteger(v);
      if (v > max) max = v;
    }
    return counts && max > 1 ? 'log1p' : 'identity';
  });
}

export function fitPreparation(matrix: Matrix, options: PreparationOptions = {}): Preparation {
  assertFinite(matrix, 'preparation input');
  const transforms = [...(options.transforms ?? inferTransforms(matrix))];
  if (transforms.length !== matrix.cols) {
    throw new VigieError(
      'INVALID_CONFIG',
      `${transforms.length} transforms for ${matrix.cols} columns`,
    );
  }
  const unscaled: Preparation = { version: 1, transforms, center: null, scale: null };
  if ((options.scaling ?? 'none') === 'none') return unscaled;

  const transformed = applyPreparation(unscaled, matrix);
  const center: number[] = [];
  const scale: number[] = [];
  for (let f = 0; f < matrix.cols; f++) {
    const column = new Float64Array(matrix.rows);
    for (let r = 0; r < matrix.rows; r++)
      column[r] = transformed.data[r * matrix.cols + f] as number;
    column.sort();
    center.push(quantile(column, 0.5));
    const iqr = quantile(column, 0.75) - quantile(column, 0.25);
    const spread = iqr > 0 ? iqr : standardDeviation(column);
    scale.push(spread > 0 ? spread : 1);
  }
  return { version: 1, transforms, center, scale };
}

/** Applies a fitted preparation to a matrix with the same columns; returns a new matrix. */
export function applyPreparation(preparation: Preparation, matrix: Matrix): Matrix {
  const { transforms, center, scale } = preparation;
  const cols = transforms.length;
  if (matrix.cols !== cols) {
    throw new VigieError('BAD_REQUEST', `preparation expects ${cols} columns, got ${matrix.cols}`);
  }
  assertFinite(matrix, 'preparation input');
  const data = new Float64Array(matrix.rows * cols);
  for (let r = 0; r < matrix.rows; r++) {
    for (let f = 0; f < cols; f++) {
      const i = r * cols + f;
      let v = matrix.data[i] as number;
      if (transforms[f] === 'log1p') {
        if (v < 0) {
          throw new VigieError(
            'BAD_REQUEST',
            `column ${f} is a count (log1p) but row ${r} has ${v}`,
            {
              context: { row: r, column: f },
            },
          );
        }
        v = Math.log1p(v);
      }
      if (center !== null && scale !== null) v = (v - (center[f] as number)) / (scale[f] as number);
      data[i] = v;
    }
  }
  return { rows: matrix.rows, cols, data };
}

export function prepareRow(preparation: Preparation, row: ArrayLike<number>): Float64Array {
  return applyPreparation(preparation, { rows: 1, cols: row.length, data: Float64Array.from(row) })
    .data;
}

/** Validates stored preparation parameters (MODEL_INVALID when they do not parse). */
export function parsePreparation(value: unknown): Preparation {
  const parsed = PreparationSchema.safeParse(value);
  if (!parsed.success) {
    throw new VigieError(
      'MODEL_INVALID',
      `feature preparation is invalid: ${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}

/** Linear interpolation between order statistics (type 7, as numpy's default). */
function quantile(sorted: Float64Array, q: number): number {
  const position = (sorted.length - 1) * q;
  const lo = Math.floor(position);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const low = sorted[lo] as number;
  return low + (position - lo) * ((sorted[hi] as number) - low);
}

function standardDeviation(values: Float64Array): number {
  if (values.length < 2) return 0;
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length;
  let sum = 0;
  for (const v of values) sum += (v - mean) ** 2;
  return Math.sqrt(sum / (values.length - 1));
}
