import { describe, expect, it } from 'vitest';
import { VigieError } from '../../streams/errors.ts';
import { toMatrix } from './matrix.ts';
import {
  applyPreparation,
  fitPreparation,
  inferTransforms,
  parsePreparation,
  prepareRow,
} from './prepare.ts';

// Columns: a zero-inflated count, a ratio in [0, 1], a 0/1 flag, a count with a wide spread.
const rows = [
  [0, 0.1, 0, 2],
  [0, 0.5, 1, 30],
  [0, 0.2, 0, 7],
  [3, 0.9, 0, 400],
  [0, 0.4, 1, 12],
  [0, 0.3, 0, 5],
];
const matrix = toMatrix(rows);

describe('feature preparation', () => {
  it('infers log1p for counts and identity for ratios and flags', () => {
    expect(inferTransforms(matrix)).toEqual(['log1p', 'identity', 'identity', 'log1p']);
  });

  it('keeps 0 at 0 under log1p and does not scale by default', () => {
    const prepared = applyPreparation(fitPreparation(matrix), matrix);
    expect(prepared.data[0]).toBe(0);
    expect(prepared.data[3 * 4]).toBeCloseTo(Math.log(4), 12);
    expect(prepared.data[1]).toBe(0.1);
  });

  it('scales robustly: (x − median) / IQR, std when the IQR is 0, 1 when constant', () => {
    const withConstant = toMatrix(rows.map((r) => [...r, 7]));
    const preparation = fitPreparation(withConstant, { scaling: 'robust' });
    const { center, scale } = preparation;
    // Column 0 after log1p: five zeros and ln 4 → median 0, IQR 0 → sample std.
    const col0 = [0, 0, 0, Math.log(4), 0, 0];
    const mean = col0.reduce((s, v) => s + v, 0) / 6;
    const std = Math.sqrt(col0.reduce((s, v) => s + (v - mean) ** 2, 0) / 5);
    expect(center?.[0]).toBe(0);
    expect(scale?.[0]).toBeCloseTo(std, 12);
    // Column 1 (identity): sorted 0.1 0.2 0.3 0.4 0.5 0.9 → median 0.35, q1 0.225, q3 0.475.
    expect(center?.[1]).toBeCloseTo(0.35, 12);
    expect(scale?.[1]).toBeCloseTo(0.25, 12);
    expect(scale?.[4]).toBe(1);
    const row = prepareRow(preparation, [0, 0.6, 1, 0, 7]);
    expect(row[1]).toBeCloseTo(1, 12);
    expect(row[4]).toBe(0);
  });

  it('round-trips its parameters through JSON and rejects tampered ones', () => {
    const preparation = fitPreparation(matrix, { scaling: 'robust' });
    expect(parsePreparation(JSON.parse(JSON.stringify(preparation)))).toEqual(preparation);
    expect(() => parsePreparation({ ...preparation, scale: [1] })).toThrow(VigieError);
    expect(() =>
      parsePreparation({
        ...preparation,
        transforms: ['sqrt', 'identity', 'identity', 'identity'],
      }),
    ).toThrow(/preparation is invalid/);
  });

  it('rejects a negative count and a column count mismatch', () => {
    const preparation = fitPreparation(matrix);
    expect(() => prepareRow(preparation, [-1, 0, 0, 0])).toThrow(
      /count \(log1p\) but row 0 has -1/,
    );
    expect(() => prepareRow(preparation, [1, 2])).toThrow(/expects 4 columns/);
  });
});
