/**
 * MurmurHash3 x86_32 (Austin Appleby's reference, public domain) over the UTF-8 bytes of a
 * string. Hand-written because the common npm ports hash UTF-16 code units truncated to bytes
 * (`charCodeAt(i) & 0xff`), which collides for non-Latin text; this one is checked against the
 * reference test vectors in murmur3.test.ts. Signatures are stored (band keys in ClickHouse),
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

function hashBytes(length: number, byteAt: (i: number) => number, seed: number): number {
  let h = seed >>> 0;
  const blocks = length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    const k = byteAt(i) | (byteAt(i + 1) << 8) | (byteAt(i + 2) << 16) | (byteAt(i + 3) << 24);
    h ^= mixK(k);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  switch (length & 3) {
    case 3:
      k ^= byteAt(blocks + 2) << 16;
    // falls through
    case 2:
      k ^= byteAt(blocks + 1) << 8;
    // falls through
    case 1:
      k ^= byteAt(blocks);
      h ^= mixK(k);
  }
  h ^= length;
  return fmix32(h);
}

/** MurmurHash3 x86_32 of the UTF-8 encoding of `text`, as an unsigned 32-bit integer. */
export function murmur3(text: string, seed = 0): number {
  if (isAscii(text)) return hashBytes(text.length, (i) => text.charCodeAt(i), seed);
  const bytes = encoder.encode(text);
  return hashBytes(bytes.length, (i) => bytes[i] ?? 0, seed);
}
