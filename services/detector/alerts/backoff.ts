/** A small seeded PRNG (mulberry32): jitter that is random enough yet reproducible in tests. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RetryDelayOptions {
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Delay before retry `attempt` (1 = after the first failure): exponential, capped, with "equal
 * jitter" — a uniform draw in [d/2, d] — so receivers that come back are not hit by every sender
 * at once, while the wait stays bounded below and above.
 */
export function retryDelay(
  attempt: number,
  options: RetryDelayOptions,
  random: () => number,
): number {
  const d = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(d / 2 + random() * (d / 2));
}
