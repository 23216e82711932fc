/**
 * Seeded PRNG: xoshiro128** (Blackman & Vigna), seeded through a splitmix32-style Weyl sequence
 * so that nearby seeds (0, 1, 2…) give unrelated streams. Small, fast and reproducible across
 * platforms because it only uses 32-bit integer arithmetic.
 */
export interface Random {
  /** Next unsigned 32-bit integer. */
  nextUint32(): number;
  /** Uniform in [0, 1) with 53 random bits. */
  float(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function seedWords(seed: number): [number, number, number, number] {
  let weyl = seed >>> 0;
  const next = (): number => {
    weyl = (weyl + 0x9e3779b9) | 0;
    let z = weyl;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) | 0;
  };
  const words: [number, number, number, number] = [next(), next(), next(), next()];
  // The all-zero state is the one xoshiro cannot leave.
  if ((words[0] | words[1] | words[2] | words[3]) === 0) words[0] = 1;
  return words;
}

/** `seed` is an unsigned 32-bit integer (validated by the callers' option schemas). */
export function createRandom(seed: number): Random {
  let [s0, s1, s2, s3] = seedWords(seed);

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result >>> 0;
  };

  const float = (): number => {
    const hi = nextUint32() >>> 5; // 27 bits
    const lo = nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  };

  return {
    nextUint32,
    float,
    int: (n) => Math.floor(float() * n),
    normal: () => {
      // 1 - u keeps the logarithm finite.
      const u = 1 - float();
      const v = float();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
  };
}
