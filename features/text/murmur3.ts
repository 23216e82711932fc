/**
 * MurmurHash3 x86_32 (Austin Appleby's reference, public domain) over the UTF-8 bytes of a
 * string. Hand-written because the common npm ports hash UTF-16 code units truncated to bytes
 * (`charCodeAt(i) & 0xff`), which collides for non-Latin text; this one is checked against the
 * reference test vectors in minhash.test.ts and pinned on seeded corpora in
 * normalise-golden.test.ts. Signatures are stored (band keys in ClickHouse),
 * so the bytes hashed must never change.
 */
const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

const encoder = new TextEncoder();

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

function mixK(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

/** The finaliser of MurmurHash3: a bijection on 32-bit integers with full avalanche. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** MurmurHash3 of an ASCII string: its char codes are its UTF-8 bytes. */
function hashAscii(text: string, seed: number): number {
  const length = text.length;
  let h = seed >>> 0;
  const blocks = length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    const k =
      text.charCodeAt(i) |
      (text.charCodeAt(i + 1) << 8) |
      (text.charCodeAt(i + 2) << 16) |
      (text.charCodeAt(i + 3) << 24);
    h ^= mixK(k);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  switch (length & 3) {
    case 3:
      k ^= text.charCodeAt(blocks + 2) << 16;
    // falls through
    case 2:
      k ^= text.charCodeAt(blocks + 1) << 8;
    // falls through
    case 1:
      k ^= text.charCodeAt(blocks);
      h ^= mixK(k);
  }
  h ^= length;
  return fmix32(h);
}

/** MurmurHash3 x86_32 of `bytes[start, end)`, as an unsigned 32-bit integer. */
export function murmur3Bytes(bytes: Uint8Array, start: number, end: number, seed = 0): number {
  const length = end - start;
  let h = seed >>> 0;
  const blocks = start + (length & ~3);
  for (let i = start; i < blocks; i += 4) {
    const k =
      (bytes[i] as number) |
      ((bytes[i + 1] as number) << 8) |
      ((bytes[i + 2] as number) << 16) |
      ((bytes[i + 3] as number) << 24);
    h ^= mixK(k);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  switch (length & 3) {
    case 3:
      k ^= (bytes[blocks + 2] as number) << 16;
    // falls through
    case 2:
      k ^= (bytes[blocks + 1] as number) << 8;
    // falls through
    case 1:
      k ^= bytes[blocks] as number;
      h ^= mixK(k);
  }
  h ^= length;
  return fmix32(h);
}

/** MurmurHash3 x86_32 of the UTF-8 encoding of `text`, as an unsigned 32-bit integer. */
export function murmur3(text: string, seed = 0): number {
  // ASCII (almost every shingle) is its own UTF-8: hashed from the string, without encoding.
  if (isAscii(text)) return hashAscii(text, seed);
  const bytes = encoder.encode(text);
  return murmur3Bytes(bytes, 0, bytes.length, seed);
}
