import { mulberry32 } from '../../features/prng.ts';

/**
 * A small seeded PRNG (mulberry32) with the draws the simulator needs. Each actor owns its own
 * stream, derived from the run seed and the actor's index, so one actor's draws never shift
 * another's: the output depends only on the options.
 */
export class Rng {
  /** Uniform in [0, 1). */
  readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  /** Uniform 32-bit unsigned integer. */
  uint32(): number {
    return Math.floor(this.next() * 4294967296) >>> 0;
  }

  /** Integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Uniform in [min, max). */
  range(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Exponential with the given mean (inter-arrival times of a Poisson process). */
  exp(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** `count` hex characters; image hashes are drawn for every listing, so this stays cheap. */
  hex(count: number): string {
    const words = Math.ceil(count / 8);
    if (words > HEX_WORDS) return this.hex(count - 8 * HEX_WORDS) + this.hex(8 * HEX_WORDS);
    for (let i = 0; i < words; i++) HEX_BUFFER.writeUInt32BE(this.uint32(), 4 * i);
    const out = HEX_BUFFER.toString('hex', 0, 4 * words);
    return out.length === count ? out : out.slice(0, count);
  }

  /** A weighted choice: `weights[i]` ≥ 0, not all zero. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i] as number;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }
}

/** Scratch space for `hex`: Buffer's native hex encoding gives flat strings at once. */
const HEX_WORDS = 16;
const HEX_BUFFER = Buffer.alloc(4 * HEX_WORDS);

/** 32-bit FNV-1a of a string, then avalanche-mixed: seeds from labels. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** Murmur3's finaliser: spreads nearby seeds (actor 1, 2, 3 …) far apart. */
export function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** An independent stream for `label` (e.g. `actor:17`) under the run seed. */
export function deriveRng(seed: number, label: string): Rng {
  return new Rng(mix32(seed ^ hash32(label)));
}
