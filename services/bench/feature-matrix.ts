import { createRandom, type Matrix } from '../../detectors/forest/index.ts';
import { FEATURE_NAMES } from '../../features/engine/index.ts';
import { sharedMatrix } from './parallel-scorer.ts';

/**
 * A seeded population of seller feature vectors shaped like the engine's (counts, shares,
 * similarities), in shared memory: 98 % ordinary sellers with small counts and 2 % with many
 * takedowns, re-listings and obfuscation. Only the scoring speed is measured on it, and both
 * forests get the very same rows, so realism matters less than size and determinism.
 */
export function syntheticFeatureMatrix(rows: number, seed: number): Matrix {
  const cols = FEATURE_NAMES.length;
  const matrix = sharedMatrix(rows, cols);
  const rng = createRandom(seed);
  const kinds = FEATURE_NAMES.map((name) =>
    /share|similarity|jsd|ratio|obfuscation|smoothed/.test(name) ? 'unit' : 'count',
  );
  const { data } = matrix;
  for (let r = 0; r < rows; r++) {
    const odd = rng.float() < 0.02;
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      if (kinds[c] === 'unit') {
        const u = rng.float();
        data[base + c] = odd ? 0.5 + u / 2 : u * u * 0.3;
      } else {
        // Geometric counts: mean grows with the column, and much larger for the odd sellers.
        const mean = odd ? 6 + (c % 5) * 3 : 0.2 + (c % 7) * 0.4;
        data[base + c] = Math.floor(-Math.log(1 - rng.float()) * mean);
      }
    }
  }
  return matrix;
}

/** `n` distinct row indices drawn without replacement (partial Fisher–Yates), seeded. */
export function sampleRows(matrix: Matrix, n: number, seed: number): number[][] {
  const rng = createRandom(seed);
  const picked = new Map<number, number>();
  const out: number[][] = [];
  for (let i = 0; i < Math.min(n, matrix.rows); i++) {
    const j = i + rng.int(matrix.rows - i);
    const row = picked.get(j) ?? j;
    picked.set(j, picked.get(i) ?? i);
    out.push(Array.from(matrix.data.subarray(row * matrix.cols, (row + 1) * matrix.cols)));
  }
  return out;
}

/** The first `n` rows as arrays (ml-isolation-forest's input), converted outside any timing. */
export function rowArrays(matrix: Matrix, n: number): number[][] {
  return Array.from({ length: Math.min(n, matrix.rows) }, (_, r) =>
    Array.from(matrix.data.subarray(r * matrix.cols, (r + 1) * matrix.cols)),
  );
}
