/**
 * Scratch arrays of char codes for `String.fromCharCode(...codes)`, which builds a flat string
 * in one copy. A spread passes a plain array of small integers without copying it, but the array
 * itself costs four bytes a code, more than the one-byte string it makes: the engine builds such
 * strings for every listing (sketches, image hashes, blobs), in a few recurring lengths, so it
 * reuses one array per length rather than allocating one per string.
 */
const BY_LENGTH = new Map<number, number[]>();
/** Lengths kept (each array ≤ `MAX_LENGTH` codes); rarer lengths get a fresh array. */
const MAX_LENGTHS = 64;
const MAX_LENGTH = 4096;

/** An array of exactly `n` codes, to be overwritten whole before use (stale contents). */
export function scratchCodes(n: number): number[] {
  let codes = BY_LENGTH.get(n);
  if (codes === undefined) {
    codes = new Array<number>(n).fill(0);
    if (n <= MAX_LENGTH && BY_LENGTH.size < MAX_LENGTHS) BY_LENGTH.set(n, codes);
  }
  return codes;
}
