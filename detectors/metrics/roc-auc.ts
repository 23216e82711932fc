import { VigieError } from '../../streams/errors.ts';
import { countPositives, orderByScore } from './check-input.ts';

/**
 * Area under the ROC curve, as the Mann–Whitney U statistic: the probability that a random
 * positive scores above a random negative, ties counting one half (mid-ranks). Equal to
 * scikit-learn's `roc_auc_score`. Higher score = more likely positive (label 1).
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const positives = countPositives(scores, labels, 'ROC-AUC');
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) {
    throw new VigieError('BAD_REQUEST', 'ROC-AUC needs both positive and negative labels', {
      context: { positives, negatives },
    });
  }
  const order = orderByScore(scores);
  let positiveRankSum = 0;
  for (let i = 0; i < order.length;) {
    const value = scores[order[i] as number] as number;
    let j = i;
    let groupPositives = 0;
    while (j < order.length && scores[order[j] as number] === value) {
      groupPositives += labels[order[j] as number] as number;
      j++;
    }
    // Ranks i+1 … j share their mean.
    positiveRankSum += groupPositives * ((i + 1 + j) / 2);
    i = j;
  }
  const u = positiveRankSum - (positives * (positives + 1)) / 2;
  return u / (positives * negatives);
}
