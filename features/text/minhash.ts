import { VigieError } from '../../streams/errors.ts';
import { createMinHashKernel } from './minhash-kernel.ts';
import { fmix32, murmur3 } from './murmur3.ts';
import type { NormalisedText } from './normalise.ts';
import { shingleHashes, shingles } from './shingles.ts';

/** 128 hashes: standard error of the Jaccard estimate ≤ 0.045 (0.035 around 0.8). */
export const DEFAULT_NUM_HASHES = 128;
/** Fixed so that signatures (and the band keys stored in ClickHouse) agree across instances. */
export const DEFAULT_MINHASH_SEED = 0x5eed_1e55;

const EMPTY_SLOT = 0xffffffff;

export interface MinHasherOptions {
  /** Number of hash functions (signature length); default 128. */
  numHashes?: number;
  /** Seed of the shingle hash and of the per-slot salts; default DEFAULT_MINHASH_SEED. */
  seed?: number;
  /**
   * Compute the slot minima with the WebAssembly SIMD kernel (minhash-kernel.ts) when the runtime
   * compiles it; default true. False keeps the JavaScript loop. Both give identical signatures.
   */
  wasm?: boolean;
}

export interface MinHasher {
  readonly numHashes: number;
  readonly seed: number;
  /** Which loop computes the slot minima: the WebAssembly SIMD kernel or the JavaScript one. */
  readonly backend: 'wasm' | 'js';
  /**
   * The MinHash signature of a normalised text (its word shingles, see `shingles`) or of a
   * ready-made shingle list. An empty text gives the empty signature (every slot 0xffffffff),
   * which matches nothing.
   */
  signature(text: NormalisedText | string[]): Uint32Array;
  /**
   * `signature(tokens)` of comparison tokens, with the number of distinct shingles, without
   * building the shingle strings (`shingleHashes`).
   */
  signTokens(tokens: readonly string[]): { signature: Uint32Array; shingles: number };
}

/**
 * MinHash over 32-bit MurmurHash3 shingle hashes. Each slot i applies its own bijection
 * `fmix32(h ^ salt_i)` to the one shingle hash instead of re-hashing the string 128 times: the
 * finaliser has full avalanche, so the slots behave as independent permutations (checked by the
 * estimation-error test) at a fraction of the cost.
 */
export function createMinHasher(options: MinHasherOptions = {}): MinHasher {
  const numHashes = options.numHashes ?? DEFAULT_NUM_HASHES;
  const seed = options.seed ?? DEFAULT_MINHASH_SEED;
  if (!Number.isInteger(numHashes) || numHashes < 1 || numHashes > 1024) {
    throw new VigieError(
      'INVALID_CONFIG',
      `numHashes must be an integer in 1..1024, got ${numHashes}`,
      {
        context: { numHashes },
      },
    );
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new VigieError('INVALID_CONFIG', `seed must be an unsigned 32-bit integer, got ${seed}`, {
      context: { seed },
    });
  }
  const salts = new Uint32Array(numHashes);
  for (let i = 0; i < numHashes; i += 1)
    salts[i] = fmix32((seed + Math.imul(i + 1, 0x9e3779b9)) >>> 0);

  const kernel = options.wasm === false ? null : createMinHashKernel(salts);

  /** The slot minima of the first `n` shingle hashes, when the kernel is not there. */
  function jsMinima(hashes: Uint32Array, n: number): Uint32Array {
    const sig = new Uint32Array(numHashes).fill(EMPTY_SLOT);
    for (let k = 0; k < n; k += 1) {
      const x = hashes[k] as number;
      // fmix32 inlined: this loop is the whole cost of a signature.
      for (let i = 0; i < numHashes; i += 1) {
        let h = x ^ (salts[i] as number);
        h ^= h >>> 16;
        h = Math.imul(h, 0x85ebca6b);
        h ^= h >>> 13;
        h = Math.imul(h, 0xc2b2ae35);
        h ^= h >>> 16;
        h >>>= 0;
        if (h < (sig[i] as number)) sig[i] = h;
      }
    }
    return sig;
  }

  return {
    numHashes,
    seed,
    backend: kernel === null ? 'js' : 'wasm',
    signature(text) {
      const items = Array.isArray(text) ? text : shingles(text.tokens);
      // The shingles are hashed here, into the kernel's memory, and the kernel does the slots.
      const input = kernel === null ? null : kernel.input(items.length);
      if (kernel !== null && input !== null) {
        for (let k = 0; k < items.length; k += 1) input[k] = murmur3(items[k] as string, seed);
        return kernel.minima(items.length);
      }
      const hashes = new Uint32Array(items.length);
      for (let k = 0; k < items.length; k += 1) hashes[k] = murmur3(items[k] as string, seed);
      return jsMinima(hashes, items.length);
    },
    signTokens(tokens) {
      // Room for every unigram, its `#` twin and every bigram.
      const room = 3 * tokens.length;
      const input = kernel === null ? null : kernel.input(room);
      if (kernel !== null && input !== null) {
        const n = shingleHashes(tokens, seed, input);
        return { signature: kernel.minima(n), shingles: n };
      }
      const hashes = new Uint32Array(room);
      const n = shingleHashes(tokens, seed, hashes);
      return { signature: jsMinima(hashes, n), shingles: n };
    },
  };
}

/** True for the signature of an empty shingle set. */
export function isEmptySignature(sig: Uint32Array): boolean {
  for (let i = 0; i < sig.length; i += 1) if (sig[i] !== EMPTY_SLOT) return false;
  return true;
}

/**
 * Estimated Jaccard similarity of the two shingle sets: the share of equal slots. Two empty
 * texts share no evidence, so they score 0, not 1.
 */
export function estimateJaccard(a: Uint32Array, b: Uint32Array): number {
  if (a.length !== b.length || a.length === 0) {
    throw new VigieError(
      'SCHEMA_VIOLATION',
      `signatures differ in length: ${a.length} vs ${b.length}`,
      {
        context: { left: a.length, right: b.length },
      },
    );
  }
  let equal = 0;
  let empty = true;
  for (let i = 0; i < a.length; i += 1) {
    const x = a[i];
    if (x === b[i]) equal += 1;
    if (x !== EMPTY_SLOT || b[i] !== EMPTY_SLOT) empty = false;
  }
  return empty ? 0 : equal / a.length;
}
