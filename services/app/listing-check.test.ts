import { describe, expect, it } from 'vitest';
import { CHECK_THRESHOLDS, decideAction, type SellerRisk } from './listing-check.ts';
import type { TakedownMatch } from './takedown-index.ts';

const calm: SellerRisk = {
  score: null,
  severity: null,
  kinds: [],
  linkedTerminated: 0,
  linkedSanctioned: 0,
};
const text = (similarity: number): TakedownMatch => ({
  listingId: 'L',
  sellerId: 'S',
  similarity,
  via: 'text',
});

describe('decideAction', () => {
  it('holds at the hold similarity, reviews at the review similarity, allows below', () => {
    const t = CHECK_THRESHOLDS;
    expect(decideAction(calm, [text(t.holdSimilarity)], 0).action).toBe('hold');
    expect(decideAction(calm, [text(t.holdSimilarity - 0.01)], 0).action).toBe('review');
    expect(decideAction(calm, [text(t.reviewSimilarity)], 0).action).toBe('review');
    expect(decideAction(calm, [text(t.reviewSimilarity - 0.01)], 0)).toEqual({
      action: 'allow',
      reasons: [],
    });
  });

  it('holds an identical image, reviews a near one', () => {
    const image = (distance: number): TakedownMatch => ({
      listingId: 'L',
      sellerId: 'S',
      similarity: 1 - distance / 256,
      via: 'image',
      distance,
    });
    expect(decideAction(calm, [image(0)], 0).action).toBe('hold');
    expect(decideAction(calm, [image(12)], 0).action).toBe('review');
  });

  it('weighs the seller: critical or terminated-linked hold, medium/high or sanctioned review', () => {
    expect(decideAction({ ...calm, severity: 'critical' }, [], 0).action).toBe('hold');
    expect(decideAction({ ...calm, linkedTerminated: 1 }, [], 0).action).toBe('hold');
    expect(decideAction({ ...calm, severity: 'high' }, [], 0).action).toBe('review');
    expect(decideAction({ ...calm, severity: 'medium' }, [], 0).action).toBe('review');
    expect(decideAction({ ...calm, linkedSanctioned: 2 }, [], 0).action).toBe('review');
    expect(decideAction({ ...calm, severity: 'low' }, [], 0).action).toBe('allow');
  });

  it('reviews obfuscated wording, and lists every reason of a hold', () => {
    expect(decideAction(calm, [], CHECK_THRESHOLDS.reviewObfuscation).action).toBe('review');
    const both = decideAction({ ...calm, severity: 'critical' }, [text(0.7)], 0.5);
    expect(both.action).toBe('hold');
    expect(both.reasons).toHaveLength(3);
  });
});
