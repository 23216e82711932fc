/** A WebAssembly memory: its bytes, and `grow(pages)` (which detaches the old buffer). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** The subset of the WebAssembly JS API the kernels use (the project's TS lib has no DOM types). */
export interface WasmApi {
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
    imports: Record<string, Record<string, unknown>>,
  ) => { exports: Record<string, unknown> };
}

/** Bytes per page of WebAssembly memory. */
export const WASM_PAGE = 65_536;

/**
 * The runtime's WebAssembly API, or null without one. Also null on a big-endian host: wasm
 * memory is little-endian, and the kernels' callers write it through typed arrays, which use
 * the host's byte order.
 */
export function wasmApi(): WasmApi | null {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined || api === null) return null;
  const littleEndian = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
  return littleEndian ? api : null;
}
