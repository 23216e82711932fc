import { describe, expect, it } from 'vitest';
import { averagePrecision } from './average-precision.ts';

describe('averagePrecision', () => {
  it('gives 0.8333 on the scikit-learn documentation example', () => {
    // From the top: 0.8 (+): R=1/2, P=1 → 1/2; 0.4 (−): R unchanged; 0.35 (+): R=1, P=2/3 → 1/3.
    expect(averagePrecision([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(5 / 6, 12);
  });

  it('takes tied scores as one threshold, without interpolation', () => {
    // 0.9 (−): R=0; {0.5 +, 0.5 −}: R=1/2, P=1/3 → 1/6; 0.2 (+): R=1, P=2/4 → 1/4. Total 5/12.
    expect(averagePrecision([0.5, 0.5, 0.2, 0.9], [1, 0, 1, 0])).toBeCloseTo(5 / 12, 12);
    // All tied: one threshold at recall 1 with precision = prevalence.
    expect(averagePrecision([3, 3, 3, 3, 3], [1, 0, 0, 1, 0])).toBeCloseTo(2 / 5, 12);
  });

  it('is 1 when every positive ranks first', () => {
    expect(averagePrecision([0.9, 0.8, 0.3, 0.1], [1, 1, 0, 0])).toBe(1);
  });

  it('differs from the interpolated (trapezoid) area where the steps matter', () => {
    // Ranking + − + −: step-wise AP = 1/2·1 + 1/2·2/3 = 5/6. The trapezoid rule over the same
    // points (0,1) (1/2,1) (1/2,1/2) (1,2/3) would give 1/2 + 1/2·(1/2 + 2/3)/2 = 19/24.
    const ap = averagePrecision([4, 3, 2, 1], [1, 0, 1, 0]);
    expect(ap).toBeCloseTo(5 / 6, 12);
    expect(Math.abs(ap - 19 / 24)).toBeGreaterThan(0.04);
  });

  it('needs at least one positive', () => {
    expect(() => averagePrecision([1, 2], [0, 0])).toThrow(/at least one positive/);
  });
});
