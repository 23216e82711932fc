import { VigieError } from '../../streams/errors.ts';
import { fmix32 } from './murmur3.ts';

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** MurmurHash3 x86_32 over 32-bit words (the little-endian bytes of the words). */
function hashWords(sig: Uint32Array, start: number, end: number, seed: number): number {
  let h = seed >>> 0;
  for (let i = start; i < end; i += 1) {
    let k = Math.imul(sig[i] ?? 0, C1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, C2);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  return fmix32(h ^ ((end - start) * 4));
}

const SEED_HIGH = 0x0b16_b00b;
const SEED_LOW = 0x1ce_cafe;

export function checkBands(length: number, bands: number): number {
  if (!Number.isInteger(bands) || bands < 1 || length % bands !== 0) {
    throw new VigieError(
      'INVALID_CONFIG',
      `bands (${bands}) must divide the signature length (${length})`,
      {
        context: { bands, length },
      },
    );
  }
  return length / bands;
}

/**
 * 64-bit band hashes of a signature, as two 32-bit halves per band: `out[2b]`, `out[2b+1]`.
 * 64 bits so that platform-wide tables of band keys do not collide by chance.
 */
export function bandHashes(sig: Uint32Array, bands: number): Uint32Array {
  const rows = checkBands(sig.length, bands);
  const out = new Uint32Array(bands * 2);
  for (let b = 0; b < bands; b += 1) {
    out[2 * b] = hashWords(sig, b * rows, (b + 1) * rows, (SEED_HIGH + b) >>> 0);
    out[2 * b + 1] = hashWords(sig, b * rows, (b + 1) * rows, (SEED_LOW + b) >>> 0);
  }
  return out;
}

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');

/**
 * LSH band keys of a signature, one per band, as `"<band>:<16 hex>"` (e.g. `"7:3fa9c2e1b4d60011"`):
 * two listings are candidates when they share any key, so the store can find cross-instance
 * candidates with one `IN` query. Stable across versions: changing it orphans stored keys.
 */
export function bandKeys(sig: Uint32Array, bands: number): string[] {
  const h = bandHashes(sig, bands);
  const keys: string[] = new Array<string>(bands);
  for (let b = 0; b < bands; b += 1)
    keys[b] = `${b}:${hex8(h[2 * b] ?? 0)}${hex8(h[2 * b + 1] ?? 0)}`;
  return keys;
}
