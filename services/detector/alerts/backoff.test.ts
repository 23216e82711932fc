import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../features/prng.ts';
import { retryDelay } from './backoff.ts';

describe('retryDelay', () => {
  const options = { baseDelayMs: 500, maxDelayMs: 60_000 };

  it('doubles per retry, stays within [d/2, d], and is capped', () => {
    const random = mulberry32(9);
    for (let attempt = 1; attempt <= 12; attempt++) {
      const d = Math.min(60_000, 500 * 2 ** (attempt - 1));
      for (let i = 0; i < 50; i++) {
        const delay = retryDelay(attempt, options, random);
        expect(delay).toBeGreaterThanOrEqual(d / 2);
        expect(delay).toBeLessThanOrEqual(d);
      }
    }
  });

  it('gives the same jitter for the same seed and different jitter for another', () => {
    const draw = (seed: number): number[] => {
      const random = mulberry32(seed);
      return Array.from({ length: 8 }, (_, i) => retryDelay(i + 1, options, random));
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
  });
});
