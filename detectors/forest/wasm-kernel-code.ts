import { EMPTY_BLOCK, memarg, op, simd, sleb, uleb } from '../../features/wasm/encode.ts';

/**
 * Bytes per slot of a tree: a split holds its f64 threshold, then its feature's column offset
 * (i32); a leaf slot (past the last level of splits) holds its f64 path length.
 */
export const NODE_BYTES = 16;

/** Where things are in the kernel's memory, and the constants baked into its code. */
export interface KernelLayout {
  readonly depth: number;
  readonly lanes: number;
  readonly cols: number;
  /** Rows per block, a multiple of `lanes` (and even). */
  readonly blockRows: number;
  /** Levels decided for two rows at a time with SIMD before the per-row walk. */
  readonly prefixLevels: number;
  /** (2^(depth+1) − 1) slots per tree: splits level by level, then leaves. */
  readonly treeBytes: number;
  /** The block as given (row-major), checked for non-finite values. */
  readonly stageStart: number;
  /** The block column by column: value (r, c) at colStart + (c·blockRows + r)·8. */
  readonly colStart: number;
  /** Per row, its position after the SIMD levels (i64, low half read as i32). */
  readonly startStart: number;
  readonly outStart: number;
}

type Code = number[];

function codeWriter() {
  const code: number[] = [];
  return {
    code,
    emit: (...parts: Code[]) => {
      for (const part of parts) code.push(...part);
    },
  };
}
const get = (i: number): Code => [op.localGet, ...uleb(i)];
const set = (i: number): Code => [op.localSet, ...uleb(i)];
const tee = (i: number): Code => [op.localTee, ...uleb(i)];
const i32 = (v: number): Code => [op.i32Const, ...sleb(v)];
const v = (code: number): Code => [op.simd, ...uleb(code)];
/** v128 holding the i64 `hi · 2^32 + lo` in both lanes. */
function i64x2(hi: number, lo: number): Code {
  const half = [lo, lo >>> 8, lo >>> 16, lo >>> 24, hi, hi >>> 8, hi >>> 16, hi >>> 24].map(
    (b) => b & 0xff,
  );
  return [...v(simd.v128Const), ...half, ...half];
}

/**
 * finite(chunks) → nonzero if one of the f64 values in the first `chunks` × 64 bytes of the
 * staged block is NaN or ±∞, i.e. has all exponent bits set: (bits & 0x7ff0…) + 0x0010… then
 * carries into the sign bit, which the lanes OR together.
 */
export function finiteBody(l: KernelLayout): Code {
  // param 0 chunks; i32 locals 1 ptr, 2 end; v128 locals 3 acc, 4 mask, 5 one
  const [CHUNKS, PTR, END, ACC, MASK, ONE] = [0, 1, 2, 3, 4, 5];
  const { code, emit } = codeWriter();
  emit(i64x2(0x7ff00000, 0), set(MASK), i64x2(0x00100000, 0), set(ONE));
  emit(i32(l.stageStart), set(PTR), get(CHUNKS), i32(6), [op.i32Shl]);
  emit(i32(l.stageStart), [op.i32Add], set(END), [op.loop, EMPTY_BLOCK]);
  for (let j = 0; j < 4; j++) {
    emit(get(ACC), get(PTR), v(simd.v128Load), memarg(4, 16 * j));
    emit(get(MASK), v(simd.v128And), get(ONE), v(simd.i64x2Add), v(simd.v128Or), set(ACC));
  }
  emit(get(PTR), i32(64), [op.i32Add], tee(PTR), get(END), [op.i32LtU, op.brIf, 0, op.end]);
  emit(get(ACC), v(simd.i64x2Bitmask));
  return code;
}

/** transpose(rows): copies the staged rows into the column area. */
export function transposeBody(l: KernelLayout): Code {
  // param 0 rows; i32 locals 1 stage offset, 2 column offset (= row · 8), 3 end
  const [ROWS, ST, CO, END] = [0, 1, 2, 3];
  const { code, emit } = codeWriter();
  emit(get(ROWS), i32(3), [op.i32Shl], set(END), [op.loop, EMPTY_BLOCK]);
  for (let c = 0; c < l.cols; c++) {
    emit(get(CO), get(ST), [op.f64Load, ...memarg(3, l.stageStart + 8 * c)]);
    emit([op.f64Store, ...memarg(3, l.colStart + 8 * c * l.blockRows)]);
  }
  emit(get(ST), i32(8 * l.cols), [op.i32Add], set(ST));
  emit(get(CO), i32(8), [op.i32Add], tee(CO), get(END), [op.i32LtU, op.brIf, 0, op.end]);
  return code;
}

/** Locals of `run`, after its two params. */
export function runLocals(l: KernelLayout): { i32: number; v128: number } {
  const prefixNodes = (1 << l.prefixLevels) - 1;
  return { i32: 6 + l.lanes + prefixNodes, v128: prefixNodes + l.prefixLevels };
}

/**
 * run(trees, groups): for each tree, walk the block's first `groups · lanes` rows from the root
 * to a leaf and add the leaf's path length to the row's sum. Positions are bytes: at level d a
 * row is at slot 2^d − 1 + j of its tree, a = 16·j; the child's is 2a + 16·(x > t).
 *
 * The first `prefixLevels` levels have few nodes (1, 2, 4): every row is compared at all of
 * them, two rows per SIMD compare, the level's mask picked by the levels above (bitselect), and
 * the position stored per row. The walk then goes on row by row, `lanes` rows in lock-step, with
 * p = tb + a: its node at p + 16·(2^d − 1) (a load immediate) and its child at
 * 2p − tb + 16·(x > t); past the last level, p + 16·(2^depth − 1) is its leaf slot.
 */
export function runBody(l: KernelLayout): Code {
  const K = l.prefixLevels;
  const prefixNodes = (1 << K) - 1;
  // params 0 trees, 1 groups; i32 locals from 2; v128 locals after them.
  const [TREES, GROUPS, TB, TEND, RB, REND, NTB, TMP] = [0, 1, 2, 3, 4, 5, 6, 7];
  const P = (k: number) => 8 + k;
  const F = (j: number) => 8 + l.lanes + j;
  const firstVector = 2 + runLocals(l).i32;
  const T = (j: number) => firstVector + j;
  const M = (d: number) => firstVector + prefixNodes + d;
  const { code, emit } = codeWriter();
  const colLoad = (k: number) => [op.f64Load, ...memarg(3, l.colStart + 8 * k)];

  emit(get(TREES), i32(l.treeBytes), [op.i32Mul], set(TEND));
  emit(get(GROUPS), i32(8 * l.lanes), [op.i32Mul], set(REND));
  // −tb is counted down on its own: computed as 0 − tb, the compiler folds it back into a
  // subtraction per step instead of a single address computation (lea).
  emit(i32(0), set(TB), i32(0), set(NTB));
  emit([op.loop, EMPTY_BLOCK]);

  // SIMD levels: two rows (16 bytes of each column) per iteration.
  if (K > 0) {
    for (let j = 0; j < prefixNodes; j++) {
      emit(get(TB), [op.i32Load, ...memarg(2, NODE_BYTES * j + 8)], set(F(j)));
      emit(get(TB), v(simd.v128Load64Splat), memarg(3, NODE_BYTES * j), set(T(j)));
    }
    const compare = (node: number): Code => [
      ...get(F(node)),
      ...get(RB),
      op.i32Add,
      ...v(simd.v128Load),
      ...memarg(4, l.colStart),
      ...get(T(node)),
      ...v(simd.f64x2Gt),
    ];
    // Level d's mask: the compare of the node each row is at, chosen by the masks above.
    const pick = (d: number, from: number, to: number, bit: number): Code => {
      if (to - from === 1) return compare((1 << d) - 1 + from);
      const mid = (from + to) / 2;
      return [
        ...pick(d, mid, to, bit + 1),
        ...pick(d, from, mid, bit + 1),
        ...get(M(bit)),
        ...v(simd.v128Bitselect),
      ];
    };
    emit(i32(0), set(RB), [op.loop, EMPTY_BLOCK]);
    for (let d = 0; d < K; d++) emit(pick(d, 0, 1 << d, 0), set(M(d)));
    emit(get(RB));
    for (let d = 0; d < K; d++) {
      emit(get(M(d)), i64x2(0, NODE_BYTES << (K - 1 - d)), v(simd.v128And));
      if (d > 0) emit(v(simd.v128Or));
    }
    emit(v(simd.v128Store), memarg(4, l.startStart));
    emit(get(RB), i32(16), [op.i32Add], tee(RB), get(REND), [op.i32LtU, op.brIf, 0, op.end]);
  }

  // Row by row from level K, `lanes` rows at a time.
  emit(i32(0), set(RB), [op.loop, EMPTY_BLOCK]);
  for (let k = 0; k < l.lanes; k++) {
    if (K > 0) emit(get(RB), [op.i32Load, ...memarg(2, l.startStart + 8 * k)], get(TB));
    else emit(get(TB));
    emit(K > 0 ? [op.i32Add] : [], set(P(k)));
  }
  for (let d = K; d < l.depth; d++) {
    const level = NODE_BYTES * ((1 << d) - 1);
    for (let k = 0; k < l.lanes; k++) {
      // left = 2p − tb; p = x > t ? left + 16 : left
      emit(get(P(k)), i32(1), [op.i32Shl], get(NTB), [op.i32Add], tee(TMP));
      emit(i32(NODE_BYTES), [op.i32Add], get(TMP));
      emit(get(P(k)), [op.i32Load, ...memarg(2, level + 8)], get(RB), [op.i32Add], colLoad(k));
      emit(get(P(k)), [op.f64Load, ...memarg(3, level)], [op.f64Gt, op.select], set(P(k)));
    }
  }
  const leafLevel = NODE_BYTES * ((1 << l.depth) - 1);
  for (let k = 0; k < l.lanes; k++) {
    // out[row] += the leaf slot's path length
    emit(get(RB), get(RB), [op.f64Load, ...memarg(3, l.outStart + 8 * k)]);
    emit(get(P(k)), [op.f64Load, ...memarg(3, leafLevel), op.f64Add]);
    emit([op.f64Store, ...memarg(3, l.outStart + 8 * k)]);
  }
  emit(get(RB), i32(8 * l.lanes), [op.i32Add], tee(RB), get(REND));
  emit([op.i32LtU, op.brIf, 0, op.end]);

  emit(get(NTB), i32(l.treeBytes), [op.i32Sub], set(NTB));
  emit(get(TB), i32(l.treeBytes), [op.i32Add], tee(TB), get(TEND));
  emit([op.i32LtU, op.brIf, 0, op.end]);
  return code;
}
