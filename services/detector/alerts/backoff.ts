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
