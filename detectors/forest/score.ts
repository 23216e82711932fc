import type { CompleteForest } from './complete.ts';
import type { CompiledForest } from './compiled.ts';

/**
 * Rows scored together against one tree before moving to the next: the tree's few kilobytes stay
 * in L1 while a block of rows streams through.
 */
const BLOCK = 256;

/** Mean path length E[h(x)] of every row of a row-major matrix, into `out`. */
export function meanPathLengths(
  forest: CompiledForest,
  data: Float64Array,
  rows: number,
  cols: number,
  out: Float64Array,
): void {
  out.fill(0, 0, rows);
  if (forest.complete !== null)
    completePathSums(forest.complete, forest.trees, data, rows, cols, out);
  else if (forest.terms === 1) axisPathSums(forest, data, rows, cols, out);
  else hyperplanePathSums(forest, data, rows, cols, out);
  sumsToMeans(forest, out, rows);
}

/** Per-row sums of the trees' path lengths to their mean, in place. */
export function sumsToMeans(forest: CompiledForest, sums: Float64Array, rows: number): void {
  for (let r = 0; r < rows; r++) sums[r] = (sums[r] as number) / forest.trees;
}

/**
 * The JavaScript walk, for small batches and runtimes without wasm SIMD; batches go to the
 * WebAssembly kernel (wasm-kernel.ts), which must give the same sums bit for bit. Four rows walk
 * the same tree in lock-step: their walks are independent, so the CPU overlaps the four chains
 * of dependent loads instead of waiting on one. Node indices are global (tree offset folded in):
 * child = 2i − offset + 1 + (x > t).
 */
function completePathSums(
  complete: CompleteForest,
  trees: number,
  data: Float64Array,
  rows: number,
  cols: number,
  out: Float64Array,
): void {
  const { feature, threshold, leafValue, depth } = complete;
  const splits = (1 << depth) - 1;
  for (let start = 0; start < rows; start += BLOCK) {
    const end = Math.min(rows, start + BLOCK);
    for (let t = 0; t < trees; t++) {
      const root = t * splits;
      const step = 1 - root;
      // leafValue index of global split-slot i past the last level: t·2^depth + (i − root − splits).
      const leafBase = t * (splits + 1) - root - splits;
      let r = start;
      for (; r + 4 <= end; r += 4) {
        const b0 = r * cols;
        const b1 = b0 + cols;
        const b2 = b1 + cols;
        const b3 = b2 + cols;
        let i0 = root;
        let i1 = root;
        let i2 = root;
        let i3 = root;
        for (let d = 0; d < depth; d++) {
          i0 =
            2 * i0 +
            step +
            +((data[b0 + (feature[i0] as number)] as number) > (threshold[i0] as number));
          i1 =
            2 * i1 +
            step +
            +((data[b1 + (feature[i1] as number)] as number) > (threshold[i1] as number));
          i2 =
            2 * i2 +
            step +
            +((data[b2 + (feature[i2] as number)] as number) > (threshold[i2] as number));
          i3 =
            2 * i3 +
            step +
            +((data[b3 + (feature[i3] as number)] as number) > (threshold[i3] as number));
        }
        out[r] = (out[r] as number) + (leafValue[leafBase + i0] as number);
        out[r + 1] = (out[r + 1] as number) + (leafValue[leafBase + i1] as number);
        out[r + 2] = (out[r + 2] as number) + (leafValue[leafBase + i2] as number);
        out[r + 3] = (out[r + 3] as number) + (leafValue[leafBase + i3] as number);
      }
      for (; r < end; r++) {
        const b = r * cols;
        let i = root;
        for (let d = 0; d < depth; d++) {
          i =
            2 * i +
            step +
            +((data[b + (feature[i] as number)] as number) > (threshold[i] as number));
        }
        out[r] = (out[r] as number) + (leafValue[leafBase + i] as number);
      }
    }
  }
}

/** Sparse layout, for trees deeper than the complete layout allows. */
function axisPathSums(
  forest: CompiledForest,
  data: Float64Array,
  rows: number,
  cols: number,
  out: Float64Array,
): void {
  const { roots, feature, value, left } = forest;
  for (let start = 0; start < rows; start += BLOCK) {
    const end = Math.min(rows, start + BLOCK);
    for (let t = 0; t < roots.length; t++) {
      const root = roots[t] as number;
      for (let r = start; r < end; r++) {
        const base = r * cols;
        let node = root;
        let f = feature[node] as number;
        while (f >= 0) {
          node = (left[node] as number) + +((data[base + f] as number) > (value[node] as number));
          f = feature[node] as number;
        }
        out[r] = (out[r] as number) + (value[node] as number);
      }
    }
  }
}

function hyperplanePathSums(
  forest: CompiledForest,
  data: Float64Array,
  rows: number,
  cols: number,
  out: Float64Array,
): void {
  const { roots, feature, value, left, terms } = forest;
  const coef = forest.coef as Float64Array;
  for (let start = 0; start < rows; start += BLOCK) {
    const end = Math.min(rows, start + BLOCK);
    for (let t = 0; t < roots.length; t++) {
      const root = roots[t] as number;
      for (let r = start; r < end; r++) {
        const base = r * cols;
        let node = root;
        while ((feature[node * terms] as number) >= 0) {
          const slot = node * terms;
          let p = 0;
          for (let s = 0; s < terms; s++) {
            p +=
              (coef[slot + s] as number) * (data[base + (feature[slot + s] as number)] as number);
          }
          node = (left[node] as number) + +(p > (value[node] as number));
        }
        out[r] = (out[r] as number) + (value[node] as number);
      }
    }
  }
}

/** s(x) = 2^(−E[h(x)] / c(ψ)), in place. */
export function pathLengthsToScores(
  forest: CompiledForest,
  lengths: Float64Array,
  rows: number,
): void {
  const scale = forest.normaliser > 0 ? -1 / forest.normaliser : 0;
  for (let r = 0; r < rows; r++) lengths[r] = 2 ** ((lengths[r] as number) * scale);
}
