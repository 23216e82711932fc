import { describe, expect, it } from 'vitest';
import { VigieError } from '../../streams/errors.ts';
import { rocAuc } from './roc-auc.ts';

/** Brute force over every (positive, negative) pair, ties counting 1/2. */
function pairwiseAuc(scores: number[], labels: number[]): number {
  let wins = 0;
  let pairs = 0;
  scores.forEach((p, i) => {
    if (labels[i] !== 1) return;
    scores.forEach((n, j) => {
      if (labels[j] !== 0) return;
      pairs++;
      wins += p > n ? 1 : p === n ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

describe('rocAuc', () => {
  it('gives 0.75 on the scikit-learn documentation example', () => {
    // Pairs: 0.35 beats 0.1 but not 0.4; 0.8 beats both → 3 of 4.
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75, 12);
  });

  it('counts a tie between a positive and a negative as one half', () => {
    // Positive 0.9 beats both negatives (2); positive 0.5 ties both (2 × 1/2) → 3/4.
    expect(rocAuc([0.5, 0.5, 0.5, 0.9], [0, 1, 0, 1])).toBeCloseTo(0.75, 12);
    // Every score equal: no information, 0.5.
    expect(rocAuc([2, 2, 2, 2, 2], [1, 0, 1, 0, 0])).toBe(0.5);
  });

  it('is 1 for a perfect ranking and 0 for a reversed one', () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
  });

  it('agrees with the pairwise definition on tied random scores', () => {
    let seed = 7;
    const next = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const scores = Array.from({ length: 200 }, () => Math.floor(next() * 12));
    const labels = scores.map((s) => (next() < 0.2 + s / 20 ? 1 : 0));
    expect(rocAuc(scores, labels)).toBeCloseTo(pairwiseAuc(scores, labels), 12);
  });

  it('rejects one-class labels, labels other than 0/1, NaN scores and length mismatches', () => {
    expect(() => rocAuc([1, 2], [1, 1])).toThrow(/both positive and negative/);
    expect(() => rocAuc([1, 2], [0, 2])).toThrow(VigieError);
    expect(() => rocAuc([1, Number.NaN], [0, 1])).toThrow(/finite/);
    expect(() => rocAuc([1, 2, 3], [0, 1])).toThrow(/3 scores but 2 labels/);
  });
});
