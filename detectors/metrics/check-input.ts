import { VigieError } from '../../streams/errors.ts';

/** Counts positives; rejects unequal lengths, labels other than 0/1 and non-finite scores. */
export function countPositives(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  metric: string,
): number {
  if (scores.length !== labels.length) {
    throw new VigieError(
      'BAD_REQUEST',
      `${metric}: ${scores.length} scores but ${labels.length} labels`,
      { context: { scores: scores.length, labels: labels.length } },
    );
  }
  let positives = 0;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label !== 0 && label !== 1) {
      throw new VigieError('BAD_REQUEST', `${metric}: label ${i} is ${label}, expected 0 or 1`, {
        context: { index: i },
      });
    }
    if (!Number.isFinite(scores[i] as number)) {
      throw new VigieError(
        'BAD_REQUEST',
        `${metric}: score ${i} is ${scores[i]}, expected a finite number`,
        {
          context: { index: i },
        },
      );
    }
    positives += label;
  }
  return positives;
}

/** Indices ordered by score, ascending (ties keep index order). */
export function orderByScore(scores: ArrayLike<number>): Uint32Array {
  const order = new Uint32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => (scores[a] as number) - (scores[b] as number) || a - b);
}
