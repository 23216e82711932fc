import { describe, expect, it } from 'vitest';
import { compileForest } from './compiled.ts';
import { fitForest } from './fit-forest.ts';
import { toMatrix, type Matrix } from './matrix.ts';
import { createRandom } from './random.ts';
import { meanPathLengths } from './score.ts';
import { sleb, uleb } from '../../features/wasm/encode.ts';
import { createWasmKernel } from './wasm-kernel.ts';

function seededMatrix(rows: number, cols: number, seed: number): Matrix {
  const rng = createRandom(seed);
  return toMatrix(
    Array.from({ length: rows }, () =>
      Array.from({ length: cols }, (_, c) =>
        // Ties (small counts), continuous values and negatives, as seller features mix them.
        c % 3 === 0 ? Math.floor(rng.float() * 4) : c % 3 === 1 ? rng.normal() * 50 : rng.float(),
      ),
    ),
  );
}

/** A fitted forest's layout and the JavaScript walk's mean path lengths for every row. */
function jsMeans(matrix: Matrix, sampleSize: number, trees: number, seed: number) {
  const forest = fitForest(matrix, { trees, sampleSize, seed });
  const compiled = compileForest(forest.trees, forest.params.sampleSize, 1);
  const means = new Float64Array(matrix.rows);
  meanPathLengths(compiled, matrix.data, matrix.rows, matrix.cols, means);
  return { compiled, means };
}

describe('wasm kernel', () => {
  const cases = [
    { sampleSize: 2, cols: 2, rows: 40, lanes: 8, blockRows: 128, prefixLevels: 3 },
    { sampleSize: 8, cols: 3, rows: 1, lanes: 8, blockRows: 128, prefixLevels: 3 },
    { sampleSize: 64, cols: 5, rows: 7, lanes: 4, blockRows: 8, prefixLevels: 0 },
    { sampleSize: 256, cols: 35, rows: 1_001, lanes: 8, blockRows: 128, prefixLevels: 3 },
    { sampleSize: 256, cols: 35, rows: 300, lanes: 6, blockRows: 64, prefixLevels: 1 },
    { sampleSize: 1_024, cols: 11, rows: 515, lanes: 12, blockRows: 100, prefixLevels: 2 },
  ];
  for (const c of cases) {
    it(`sums path lengths bit-identically to the JavaScript walk (ψ ${c.sampleSize}, ${c.rows} rows, ${c.lanes} lanes, ${c.prefixLevels} SIMD levels)`, () => {
      const matrix = seededMatrix(Math.max(c.rows, c.sampleSize), c.cols, c.sampleSize);
      const scored = { rows: c.rows, cols: c.cols, data: matrix.data.subarray(0, c.rows * c.cols) };
      const trees = 23;
      const { compiled, means } = jsMeans(matrix, c.sampleSize, trees, 5);
      const kernel = createWasmKernel(compiled.complete!, trees, c.cols, c);
      expect(kernel).not.toBeNull();
      const sums = new Float64Array(c.rows);
      expect(kernel!.pathSums(scored.data, c.rows, sums)).toBe(true);
      const kernelMeans = Array.from(sums, (s) => s / trees);
      expect(kernelMeans).toEqual(Array.from(means.subarray(0, c.rows)));
    });
  }

  it('stops at a NaN or an infinity, and not at extreme finite values', () => {
    const matrix = seededMatrix(300, 6, 2);
    const { compiled } = jsMeans(matrix, 64, 10, 1);
    const kernel = createWasmKernel(compiled.complete!, 10, 6)!;
    const out = new Float64Array(300);
    for (const [value, finite] of [
      [Number.NaN, false],
      [Number.POSITIVE_INFINITY, false],
      [Number.NEGATIVE_INFINITY, false],
      [Number.MAX_VALUE, true],
      [-Number.MAX_VALUE, true],
      [Number.MIN_VALUE, true],
      [-0, true],
    ] as const) {
      for (const at of [0, 5, 1_000, 300 * 6 - 1]) {
        const data = matrix.data.slice();
        data[at] = value;
        expect(kernel.pathSums(data, 300, out)).toBe(finite);
      }
    }
    // A NaN left behind in the kernel's block memory does not fail a later, shorter batch.
    expect(kernel.pathSums(matrix.data.subarray(0, 6 * 3), 3, out)).toBe(true);
  });

  it('makes forest.scoreMany reject non-finite input with its position', () => {
    const matrix = seededMatrix(200, 4, 3);
    const forest = fitForest(matrix, { trees: 10, seed: 3 });
    const data = matrix.data.slice();
    data[4 * 150 + 2] = Number.NaN;
    expect(() => forest.scoreMany({ rows: 200, cols: 4, data })).toThrow(/row 150, column 2/);
    expect(forest.scoreMany(matrix).every((s) => s > 0 && s <= 1)).toBe(true);
  });
});

describe('wasm encoding', () => {
  it('writes LEB128 integers', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624_485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-123_456)).toEqual([0xc0, 0xbb, 0x78]);
  });
});
