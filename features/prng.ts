/**
 * mulberry32: a small seeded PRNG (32-bit state), uniform in [0, 1). For reproducible
 * simulations, jitter and test data, where the same seed must give the same sequence; not for
 * anything secret. The simulator's `Rng`, the webhook back-off jitter and the tests' and benches'
 * generated data all draw from this one function.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
