import type { CompleteForest } from './complete.ts';
import { encodeModule } from '../../features/wasm/encode.ts';
import {
  finiteBody,
  NODE_BYTES,
  runBody,
  runLocals,
  transposeBody,
  type KernelLayout,
} from './wasm-kernel-code.ts';

/**
 * The complete-layout walk (see complete.ts) as WebAssembly generated for one forest's shape:
 * depth, column count and lanes are constants of the code, so levels are unrolled, every level's
 * node offset and every lane's row offset are load immediates, and no load has a bounds check.
 * Rows are copied block by block into the module's memory (checked for NaN and ±∞ on the way)
 * and laid out column by column; each tree then scores the whole block while it stays in L1 (see
 * `runBody`). Each row's sum adds the trees' leaf values in tree order from 0, as the JavaScript
 * loop does, and the compares are the same IEEE `>`, so path lengths are bit-identical.
 */
export interface WasmKernel {
  /**
   * Sum over trees of each row's leaf value (path length), into `out[0..rows)`. Returns false,
   * with `out` incomplete, as soon as a value is NaN or infinite, so the caller can report it.
   */
  pathSums(data: Float64Array, rows: number, out: Float64Array): boolean;
}

export interface WasmKernelOptions {
  /** Rows walking a tree together (even). Default 8. */
  lanes?: number;
  /** Rows per block; rounded up to a multiple of `lanes`. Default 128. */
  blockRows?: number;
  /** Levels compared two rows at a time with SIMD (at most the depth). Default 3. */
  prefixLevels?: number;
}

const PAGE = 65_536;
/** Larger models (thousands of deep trees) keep the JavaScript loop: wasm32 memory is 4 GiB. */
const MAX_BYTES = 1 << 30;

/** The subset of the WebAssembly JS API used here (the project's TS lib has no DOM types). */
interface WasmApi {
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
    imports: Record<string, Record<string, unknown>>,
  ) => { exports: Record<string, unknown> };
}

function wasmApi(): WasmApi | null {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly ?? null;
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/** Null when the runtime has no WebAssembly (or no SIMD); callers keep the JavaScript loop. */
export function createWasmKernel(
  complete: CompleteForest,
  trees: number,
  cols: number,
  options: WasmKernelOptions = {},
): WasmKernel | null {
  const api = wasmApi();
  if (api === null || trees < 1 || cols < 1) return null;
  const lanes = align(Math.max(2, options.lanes ?? 8), 2);
  const blockRows = align(Math.max(1, options.blockRows ?? 128), lanes);
  const { depth } = complete;
  const splits = (1 << depth) - 1;
  const leaves = 1 << depth;
  const stride = cols * 8;

  const treeBytes = (splits + leaves) * NODE_BYTES;
  const stageStart = align(trees * treeBytes, 64);
  const stageBytes = align(blockRows * stride, 64);
  const colStart = stageStart + stageBytes;
  const startStart = colStart + align(blockRows * stride, 64);
  const outStart = startStart + blockRows * 8;
  const layout: KernelLayout = {
    depth,
    lanes,
    cols,
    blockRows,
    prefixLevels: Math.max(0, Math.min(options.prefixLevels ?? 3, depth)),
    treeBytes,
    stageStart,
    colStart,
    startStart,
    outStart,
  };
  const pages = Math.ceil((outStart + blockRows * 8) / PAGE);
  if (pages * PAGE > MAX_BYTES) return null;

  const kernel = instantiate(api, layout, pages);
  if (kernel === null) return null;
  const { memory, run, nonFinite, transpose } = kernel;
  const bytes = new Uint8Array(memory.buffer);
  const view = new DataView(memory.buffer);
  for (let t = 0; t < trees; t++) {
    for (let i = 0; i < splits; i++) {
      const at = t * treeBytes + i * NODE_BYTES;
      view.setFloat64(at, complete.threshold[t * splits + i] as number, true);
      // The feature's column in the block: column c starts c · blockRows · 8 bytes in.
      view.setInt32(at + 8, (complete.feature[t * splits + i] as number) * blockRows * 8, true);
    }
    for (let j = 0; j < leaves; j++) {
      const at = t * treeBytes + (splits + j) * NODE_BYTES;
      view.setFloat64(at, complete.leafValue[t * leaves + j] as number, true);
    }
  }
  const stage = new Float64Array(memory.buffer, stageStart, blockRows * cols);
  const outView = new Float64Array(memory.buffer, outStart, blockRows);

  return {
    pathSums(data, rows, out) {
      for (let start = 0; start < rows; start += blockRows) {
        const n = Math.min(blockRows, rows - start);
        stage.set(data.subarray(start * cols, (start + n) * cols));
        // The check reads whole 64-byte chunks: zero what lies past the block's last value, so it
        // never sees an earlier block's rows. Rows past n in the column area (an earlier block's,
        // or zeros) are walked too, and their sums ignored.
        const chunks = Math.ceil((n * stride) / 64);
        bytes.fill(0, stageStart + n * stride, stageStart + chunks * 64);
        if (nonFinite(chunks) !== 0) return false;
        transpose(n);
        outView.fill(0);
        run(trees, Math.ceil(n / lanes));
        out.set(outView.subarray(0, n), start);
      }
      return true;
    },
  };
}

interface Instantiated {
  memory: { buffer: ArrayBuffer };
  run: (trees: number, groups: number) => void;
  nonFinite: (chunks: number) => number;
  transpose: (rows: number) => void;
}

function instantiate(api: WasmApi, layout: KernelLayout, pages: number): Instantiated | null {
  const locals = runLocals(layout);
  const bytes = encodeModule(pages, [
    {
      exportName: 'run',
      params: 2,
      locals: locals.i32,
      vectorLocals: locals.v128,
      body: runBody(layout),
    },
    {
      exportName: 'finite',
      params: 1,
      locals: 2,
      vectorLocals: 3,
      returnsI32: true,
      body: finiteBody(layout),
    },
    { exportName: 'transpose', params: 1, locals: 3, body: transposeBody(layout) },
  ]);
  try {
    const memory = new api.Memory({ initial: pages });
    const { exports } = new api.Instance(new api.Module(bytes), { env: { memory } });
    return {
      memory,
      run: exports.run as Instantiated['run'],
      nonFinite: exports.finite as Instantiated['nonFinite'],
      transpose: exports.transpose as Instantiated['transpose'],
    };
  } catch {
    // No wasm SIMD (the module is rejected) or no memory to spare: the JavaScript loop gives the
    // same scores. The tests build the kernel directly and fail if it is ever null here.
    return null;
  }
}
