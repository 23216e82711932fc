/**
 * The few pieces of the WebAssembly binary format (core 1.0 and fixed-width SIMD, both in Node
 * 16+) that the generated kernels need (the forest's scoring walk, the MinHash slot minima), so
 * they are built in memory for the shape at hand, with no build tool and no binary in the
 * repository. Shared by features/ and detectors/, hence here, outside both kernels' folders.
 */

/** Opcodes used by the kernels, by their text-format names. */
export const op = {
  block: 0x02,
  loop: 0x03,
  brIf: 0x0d,
  end: 0x0b,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  f64Load: 0x2b,
  f64Store: 0x39,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32LtU: 0x49,
  f64Gt: 0x64,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32Shl: 0x74,
  f64Add: 0xa0,
  /** Prefix of the SIMD opcodes below (each followed by its LEB128 sub-opcode). */
  simd: 0xfd,
} as const;

/** SIMD (v128) sub-opcodes, written after `op.simd` as unsigned LEB128. */
export const simd = {
  v128Load: 0x00,
  v128Load64Splat: 0x0a,
  v128Store: 0x0b,
  v128Const: 0x0c,
  i32x4Splat: 0x11,
  v128And: 0x4e,
  v128Or: 0x50,
  v128Xor: 0x51,
  v128Bitselect: 0x52,
  f64x2Gt: 0x4a,
  i32x4ShrU: 0xad,
  i32x4Mul: 0xb5,
  i32x4MinU: 0xb7,
  i64x2Bitmask: 0xc4,
  i64x2Add: 0xce,
} as const;

export const I32 = 0x7f;
export const V128 = 0x7b;
export const EMPTY_BLOCK = 0x40;

/** Unsigned LEB128. */
export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
export function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** A memory access immediate: log2 alignment and a constant byte offset. */
export function memarg(alignLog2: number, offset: number): number[] {
  return [...uleb(alignLog2), ...uleb(offset)];
}

function vec(items: readonly number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function name(text: string): number[] {
  return [...uleb(text.length), ...Array.from(text, (c) => c.charCodeAt(0))];
}

export interface FunctionSpec {
  readonly exportName: string;
  readonly params: number;
  /** Extra i32 locals, numbered after the params. */
  readonly locals: number;
  /** Extra v128 locals, numbered after the i32 locals. */
  readonly vectorLocals?: number;
  /** One i32 result, or none. */
  readonly returnsI32?: boolean;
  readonly body: number[];
}

/**
 * A module importing one memory (`env.memory`, at least `minPages` pages of 64 KiB) and exporting
 * functions that take i32 params and return nothing or one i32.
 */
export function encodeModule(minPages: number, functions: readonly FunctionSpec[]): Uint8Array {
  const types = functions.map((f) => [
    0x60,
    ...vec(Array.from({ length: f.params }, () => [I32])),
    ...(f.returnsI32 === true ? [1, I32] : [0]),
  ]);
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(minPages)]])),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(7, vec(functions.map((f, i) => [...name(f.exportName), 0x00, ...uleb(i)]))),
    ...section(
      10,
      vec(
        functions.map((f) => {
          const groups: number[][] = [];
          if (f.locals > 0) groups.push([...uleb(f.locals), I32]);
          if ((f.vectorLocals ?? 0) > 0) groups.push([...uleb(f.vectorLocals ?? 0), V128]);
          const locals = vec(groups);
          const code = [...locals, ...f.body, op.end];
          return [...uleb(code.length), ...code];
        }),
      ),
    ),
  ];
  return Uint8Array.from(bytes);
}
