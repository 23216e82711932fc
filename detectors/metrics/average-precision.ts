import { VigieError } from '../../streams/errors.ts';
import { countPositives, orderByScore } from './check-input.ts';

/**
 * Average precision as scikit-learn defines it (`average_precision_score`): the step-wise sum
 * AP = Σ_n (R_n − R_{n−1}) · P_n over the distinct score thresholds taken from high to low, with
 * no interpolation. Rows with equal scores enter together, as one threshold.
 */
export function averagePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const positives = countPositives(scores, labels, 'average precision');
  if (positives === 0) {
    throw new VigieError('BAD_REQUEST', 'average precision needs at least one positive label');
  }
  const order = orderByScore(scores);
  let truePositives = 0;
  let seen = 0;
  let previousRecall = 0;
  let ap = 0;
  for (let i = order.length - 1; i >= 0;) {
    const value = scores[order[i] as number] as number;
    while (i >= 0 && scores[order[i] as number] === value) {
      truePositives += labels[order[i] as number] as number;
      seen++;
      i--;
    }
    const recall = truePositives / positives;
    ap += (recall - previousRecall) * (truePositives / seen);
    previousRecall = recall;
  }
  return ap;
}
