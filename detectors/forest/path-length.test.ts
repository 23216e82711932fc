import { describe, expect, it } from 'vitest';
import { averagePathLength } from './path-length.ts';

describe('averagePathLength', () => {
  it('follows Liu et al.: c(n) = 2H(n−1) − 2(n−1)/n with c(0)=c(1)=0, c(2)=1', () => {
    expect(averagePathLength(0)).toBe(0);
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    // 2(ln 255 + γ) − 2·255/256
    expect(averagePathLength(256)).toBeCloseTo(2 * (Math.log(255) + 0.5772156649) - 510 / 256, 9);
  });

  it('grows with n', () => {
    for (let n = 2; n < 300; n++)
      expect(averagePathLength(n + 1)).toBeGreaterThan(averagePathLength(n));
  });
});
