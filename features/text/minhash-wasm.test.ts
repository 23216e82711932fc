import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_MINHASH_SEED, createMinHasher } from './minhash.ts';
import { createMinHashKernel } from './minhash-kernel.ts';
import { fmix32, murmur3 } from './murmur3.ts';
import { mulberry32 } from '../prng.ts';

/** The stored format, written out: slot i is min over shingles of fmix32(murmur3(s) ^ salt_i). */
function saltsFor(numHashes: number, seed: number): Uint32Array {
  return Uint32Array.from({ length: numHashes }, (_, i) =>
    fmix32((seed + Math.imul(i + 1, 0x9e3779b9)) >>> 0),
  );
}
function minima(hashes: ArrayLike<number>, salts: Uint32Array): Uint32Array {
  const sig = new Uint32Array(salts.length).fill(0xffffffff);
  for (let k = 0; k < hashes.length; k += 1) {
    for (let i = 0; i < salts.length; i += 1) {
      const h = fmix32(((hashes[k] as number) ^ (salts[i] as number)) >>> 0);
      if (h < (sig[i] as number)) sig[i] = h;
    }
  }
  return sig;
}
function reference(items: string[], numHashes: number, seed: number): Uint32Array {
  return minima(
    items.map((item) => murmur3(item, seed)),
    saltsFor(numHashes, seed),
  );
}

const ALPHABET = 'abcdeéèçàôπж0123456789 #-';
function randomShingles(random: () => number, count: number): string[] {
  return Array.from({ length: count }, () => {
    const length = 1 + Math.floor(random() * 16);
    let text = '';
    for (let c = 0; c < length; c += 1) text += ALPHABET[Math.floor(random() * ALPHABET.length)];
    return text;
  });
}

const NUM_HASHES = [1, 3, 4, 17, 64, 127, 128, 1024];
const SEEDS = [DEFAULT_MINHASH_SEED, 0, 1, 0xffffffff];
const COUNTS = [0, 1, 2, 3, 5, 8, 40, 63, 80, 257];

describe('MinHash signatures through the WebAssembly kernel', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it.each(NUM_HASHES)('%i hashes: bit-identical to the JavaScript loop', (numHashes) => {
    for (const seed of SEEDS) {
      const wasm = createMinHasher({ numHashes, seed });
      const js = createMinHasher({ numHashes, seed, wasm: false });
      expect(wasm.backend).toBe('wasm');
      expect(js.backend).toBe('js');
      const random = mulberry32(numHashes * 7919 + seed);
      for (const count of [...COUNTS, ...COUNTS.map(() => Math.floor(random() * 120))]) {
        const items = randomShingles(random, count);
        const expected = reference(items, numHashes, seed);
        const got = wasm.signature(items);
        expect(got).toEqual(expected);
        expect(js.signature(items)).toEqual(expected);
      }
    }
  });

  it('grows its memory for a long text, and still signs short ones after it', () => {
    const wasm = createMinHasher();
    const random = mulberry32(99);
    // 4,096 hashes fit at first; 20,000 need the memory grown.
    for (const count of [3, 20_000, 0, 50, 4097]) {
      const items = randomShingles(random, count);
      expect(wasm.signature(items)).toEqual(reference(items, 128, DEFAULT_MINHASH_SEED));
    }
  });

  it('the kernel alone: minima of raw hashes for any salt count and block size', () => {
    const random = mulberry32(7);
    for (const salts of [1, 2, 5, 9, 16, 33, 130].map((n) => saltsFor(n, n))) {
      for (const blockVectors of [1, 2, 3, 4, 8]) {
        const kernel = createMinHashKernel(salts, { blockVectors, initialCapacity: 16 });
        expect(kernel).not.toBeNull();
        for (const count of [0, 1, 4, 17, 200]) {
          // Extremes too: the minimum must be unsigned (0x80000000 and above are large).
          const hashes = Array.from({ length: count }, (_, k) =>
            k % 5 === 0
              ? ([0, 0xffffffff, 0x80000000, 0x7fffffff][k % 4] as number)
              : (random() * 2 ** 32) >>> 0,
          );
          const input = kernel?.input(count);
          expect(input?.length).toBeGreaterThanOrEqual(count);
          input?.set(hashes);
          expect(kernel?.minima(count)).toEqual(minima(hashes, salts));
        }
      }
    }
  });

  it('falls back to the JavaScript loop without WebAssembly', () => {
    vi.stubGlobal('WebAssembly', undefined);
    const hasher = createMinHasher({ numHashes: 130, seed: 5 });
    expect(hasher.backend).toBe('js');
    const random = mulberry32(3);
    for (const count of [0, 1, 60]) {
      const items = randomShingles(random, count);
      expect(hasher.signature(items)).toEqual(reference(items, 130, 5));
    }
  });

  it('falls back to the JavaScript loop when the runtime rejects SIMD', () => {
    vi.stubGlobal('WebAssembly', {
      ...wasmGlobal(),
      Module: class {
        constructor() {
          throw new Error('CompileError: invalid opcode 0xfd');
        }
      },
    });
    const hasher = createMinHasher();
    expect(hasher.backend).toBe('js');
    const items = randomShingles(mulberry32(4), 70);
    expect(hasher.signature(items)).toEqual(reference(items, 128, DEFAULT_MINHASH_SEED));
  });

  it('signs with the JavaScript loop a text its memory cannot grow to', () => {
    const real = wasmGlobal();
    vi.stubGlobal('WebAssembly', {
      ...real,
      Memory: class extends real.Memory {
        override grow(): number {
          throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
        }
      },
    });
    const hasher = createMinHasher();
    expect(hasher.backend).toBe('wasm');
    const random = mulberry32(5);
    for (const count of [10, 5_000, 10]) {
      const items = randomShingles(random, count);
      expect(hasher.signature(items)).toEqual(reference(items, 128, DEFAULT_MINHASH_SEED));
    }
  });
});

interface WasmGlobal {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => object;
  Memory: new (descriptor: { initial: number }) => { grow(pages: number): number };
}
/** The real API's constructors (its properties are not enumerable, so a spread would miss them). */
function wasmGlobal(): WasmGlobal {
  const api = (globalThis as unknown as { WebAssembly: WasmGlobal }).WebAssembly;
  return { Module: api.Module, Instance: api.Instance, Memory: api.Memory };
}
