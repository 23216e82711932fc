import { createHmac } from 'node:crypto';
import type { Rng } from './prng.ts';

/**
 * Keyed hashes standing in for the platform's hashed identifiers: HMAC-SHA-256 of a synthetic
 * identity label under a key derived from the run seed. No personal data exists to hash; the
 * label is only `<kind>:<identity number>`, so two sellers share a hash exactly when the
 * simulator gives them the same identity.
 */
export function keyedHash(seed: number, kind: string, identity: number): string {
  return createHmac('sha256', `vigie-simulator:${seed}`)
    .update(`${kind}:${identity}`)
    .digest('hex');
}

/** A PDQ-like perceptual hash: 256 bits as 64 hex characters. */
export function imageHash(rng: Rng): string {
  return rng.hex(64);
}

/** A near duplicate of `hash`: `bits` distinct bits flipped (a re-shot or re-encoded photo). */
export function flipBits(rng: Rng, hash: string, bits: number): string {
  const nibbles = hash.split('').map((c) => parseInt(c, 16));
  const total = nibbles.length * 4;
  const flipped = new Set<number>();
  while (flipped.size < Math.min(bits, total)) flipped.add(Math.floor(rng.next() * total));
  for (const bit of flipped) {
    const i = bit >> 2;
    nibbles[i] = (nibbles[i] as number) ^ (1 << (bit & 3));
  }
  return nibbles.map((n) => n.toString(16)).join('');
}
