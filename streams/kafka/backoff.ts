export interface BackoffOptions {
  /** First delay, ms. Default 200. */
  initialMs?: number;
  /** Cap, ms. Default 30,000. */
  maxMs?: number;
  /** Growth per failure. Default 2. */
  factor?: number;
}

/**
 * Exponential back-off per key (a topic-partition): each failure doubles the delay up to a cap,
 * a success resets it. No jitter: partitions fail at different times already, and tests stay
 * deterministic.
 */
export function createBackoff(options: BackoffOptions = {}) {
  const initial = options.initialMs ?? 200;
  const max = options.maxMs ?? 30_000;
  const factor = options.factor ?? 2;
  const failures = new Map<string, number>();
  return {
    /** Records a failure and returns how long to wait before the next try. */
    fail(key: string): number {
      const n = (failures.get(key) ?? 0) + 1;
      failures.set(key, n);
      return Math.min(max, initial * factor ** (n - 1));
    },
    succeed(key: string): void {
      failures.delete(key);
    },
  };
}
