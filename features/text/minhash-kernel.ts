import { WASM_PAGE, wasmApi, type WasmApi, type WasmMemory } from '../wasm/api.ts';
import { EMPTY_BLOCK, encodeModule, memarg, op, simd, sleb, uleb } from '../wasm/encode.ts';

/**
 * The MinHash slot minima (see minhash.ts) as WebAssembly SIMD generated for one salt count:
 * for every shingle hash x and slot i, `fmix32(x ^ salt_i)`, keeping the unsigned minimum per
 * slot, four slots per i32x4 vector. The same integer operations as the JavaScript loop (xor,
 * logical shifts, 32-bit wrapping multiplies, unsigned compares), so the minima are
 * bit-identical.
 */
export interface MinHashKernel {
  /**
   * A view of the kernel's input area with room for at least `count` shingle hashes (write them
   * from index 0), or null when the memory cannot grow that far. Valid until the next call.
   */
  input(count: number): Uint32Array | null;
  /** The slot minima of the first `count` hashes written through `input`, as a new array. */
  minima(count: number): Uint32Array;
}

export interface MinHashKernelOptions {
  /**
   * Vectors of four slots whose salts and minima stay in registers while the hashes stream past:
   * the slots are done in blocks of 4 × `blockVectors`. Default 4 (x86-64 has 16 vector
   * registers; 4 blocks of salts and minima plus the constants fit).
   */
  blockVectors?: number;
  /** Hashes the memory holds before it first grows; default 4,096. */
  initialCapacity?: number;
}

/** Where things are in the kernel's memory (bytes), and the constants baked into its code. */
interface Layout {
  readonly blockVectors: number;
  /** Slots computed: the salt count rounded up to whole blocks (the extra slots are ignored). */
  readonly paddedSlots: number;
  readonly saltStart: number;
  readonly outStart: number;
  readonly hashStart: number;
}

type Code = number[];

const get = (i: number): Code => [op.localGet, ...uleb(i)];
const set = (i: number): Code => [op.localSet, ...uleb(i)];
const tee = (i: number): Code => [op.localTee, ...uleb(i)];
const i32 = (value: number): Code => [op.i32Const, ...sleb(value)];
const v = (code: number): Code => [op.simd, ...uleb(code)];
/** v128 holding the 32-bit `value` in all four lanes. */
function i32x4(value: number): Code {
  const lane = [value, value >>> 8, value >>> 16, value >>> 24].map((b) => b & 0xff);
  return [...v(simd.v128Const), ...lane, ...lane, ...lane, ...lane];
}

/**
 * sign(count): for each block of slots, load its salts, set its minima to 0xffffffff, fold in
 * the `count` hashes at hashStart, and store the minima at outStart. The hash loop is skipped
 * for no hashes, which leaves every slot empty, as the JavaScript loop does.
 */
function signBody(l: Layout): Code {
  const B = l.blockVectors;
  // param 0 count; i32 locals 1 end, 2 p, 3 blk; v128 locals 4 m1, 5 m2, 6 x, 7 h, salts, minima
  const [COUNT, END, P, BLK, M1, M2, X, H] = [0, 1, 2, 3, 4, 5, 6, 7];
  const S = (j: number) => 8 + j;
  const A = (j: number) => 8 + B + j;
  const code: number[] = [];
  const emit = (...parts: Code[]) => {
    for (const part of parts) code.push(...part);
  };
  const shrXor = (bits: number): Code => [
    ...tee(H),
    ...get(H),
    ...i32(bits),
    ...v(simd.i32x4ShrU),
    ...v(simd.v128Xor),
  ];

  emit(i32x4(0x85ebca6b), set(M1), i32x4(0xc2b2ae35), set(M2));
  emit(get(COUNT), i32(2), [op.i32Shl], i32(l.hashStart), [op.i32Add], set(END));
  emit(i32(0), set(BLK), [op.loop, EMPTY_BLOCK]);
  for (let j = 0; j < B; j++) {
    emit(get(BLK), v(simd.v128Load), memarg(4, l.saltStart + 16 * j), set(S(j)));
    emit(i32x4(0xffffffff), set(A(j)));
  }
  emit([op.block, EMPTY_BLOCK], get(COUNT), [op.i32Eqz, op.brIf, 0]);
  emit(i32(l.hashStart), set(P), [op.loop, EMPTY_BLOCK]);
  emit(get(P), [op.i32Load, ...memarg(2, 0)], v(simd.i32x4Splat), set(X));
  for (let j = 0; j < B; j++) {
    // fmix32(x ^ salt): h ^= h >>> 16; h *= c1; h ^= h >>> 13; h *= c2; h ^= h >>> 16
    emit(get(X), get(S(j)), v(simd.v128Xor), shrXor(16), get(M1), v(simd.i32x4Mul));
    emit(shrXor(13), get(M2), v(simd.i32x4Mul), shrXor(16));
    emit(get(A(j)), v(simd.i32x4MinU), set(A(j)));
  }
  emit(get(P), i32(4), [op.i32Add], tee(P), get(END), [op.i32LtU, op.brIf, 0, op.end]);
  emit([op.end]);
  for (let j = 0; j < B; j++) {
    emit(get(BLK), get(A(j)), v(simd.v128Store), memarg(4, l.outStart + 16 * j));
  }
  emit(get(BLK), i32(16 * B), [op.i32Add], tee(BLK), i32(4 * l.paddedSlots));
  emit([op.i32LtU, op.brIf, 0, op.end]);
  return code;
}

/**
 * A kernel for these salts (one per slot), or null when the runtime has no WebAssembly SIMD (the
 * module is rejected); the caller then keeps the JavaScript loop, which gives the same minima.
 */
export function createMinHashKernel(
  salts: Uint32Array,
  options: MinHashKernelOptions = {},
): MinHashKernel | null {
  const api = wasmApi();
  if (api === null || salts.length === 0) return null;
  const blockVectors = Math.max(1, Math.floor(options.blockVectors ?? 4));
  const blockSlots = 4 * blockVectors;
  const paddedSlots = Math.ceil(salts.length / blockSlots) * blockSlots;
  const layout: Layout = {
    blockVectors,
    paddedSlots,
    saltStart: 0,
    outStart: 4 * paddedSlots,
    hashStart: 8 * paddedSlots,
  };
  const capacity = Math.max(1, Math.floor(options.initialCapacity ?? 4096));
  const pages = Math.ceil((layout.hashStart + 4 * capacity) / WASM_PAGE);
  const instance = instantiate(api, layout, pages);
  if (instance === null) return null;
  const { memory, sign } = instance;

  const numHashes = salts.length;
  const outWord = layout.outStart / 4;
  let words = new Uint32Array(memory.buffer);
  let hashes = words.subarray(layout.hashStart / 4);
  words.set(salts, layout.saltStart / 4);

  return {
    input(count) {
      if (count > hashes.length) {
        const needed = layout.hashStart + 4 * count;
        try {
          memory.grow(Math.ceil((needed - memory.buffer.byteLength) / WASM_PAGE));
        } catch {
          return null;
        }
        // Growing detaches the old buffer: every view is made anew.
        words = new Uint32Array(memory.buffer);
        hashes = words.subarray(layout.hashStart / 4);
      }
      return hashes;
    },
    minima(count) {
      sign(count);
      return words.slice(outWord, outWord + numHashes);
    },
  };
}

interface Instantiated {
  memory: WasmMemory;
  sign: (count: number) => void;
}

function instantiate(api: WasmApi, layout: Layout, pages: number): Instantiated | null {
  const bytes = encodeModule(pages, [
    {
      exportName: 'sign',
      params: 1,
      locals: 3,
      vectorLocals: 4 + 2 * layout.blockVectors,
      body: signBody(layout),
    },
  ]);
  try {
    const memory = new api.Memory({ initial: pages });
    const { exports } = new api.Instance(new api.Module(bytes), { env: { memory } });
    return { memory, sign: exports.sign as Instantiated['sign'] };
  } catch {
    // No wasm SIMD (the module is rejected) or no memory to spare. The tests build the kernel
    // directly and fail if it is ever null on Node.
    return null;
  }
}
