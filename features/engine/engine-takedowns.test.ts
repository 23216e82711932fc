import { describe, expect, it } from 'vitest';
import { createFeatureEngine } from './engine.ts';
import { createInMemoryCrossSellerIndex } from './in-memory-index.ts';
import { createTimeline, D, H, MIN, T0 } from './test-timeline.ts';
import type { AcceptedEvent } from './types.ts';

const engineWith = (events: AcceptedEvent[]) => {
  const engine = createFeatureEngine({ crossSeller: createInMemoryCrossSellerIndex() });
  engine.apply(events);
  return engine;
};

const item = (i: number) => ({
  title: `Article ${i}`,
  description: `Objet numéro ${i} en bon état`,
});

describe('takedown features', () => {
  it('smooths the takedown rate: 2 in 600 listings is far below 2 in 5', () => {
    const tl = createTimeline();
    const events: AcceptedEvent[] = [];
    for (let i = 0; i < 600; i += 1)
      events.push(tl.published('big', `b${i}`, T0 + i * MIN, item(i)));
    for (let i = 0; i < 5; i += 1)
      events.push(tl.published('small', `s${i}`, T0 + i * MIN, item(i)));
    for (const [seller, listing] of [
      ['big', 'b1'],
      ['big', 'b2'],
      ['small', 's1'],
      ['small', 's2'],
    ]) {
      events.push(tl.takenDown(seller as string, listing as string, T0 + 11 * H));
    }
    const engine = engineWith(events);
    const big = engine.features('big').values;
    const small = engine.features('small').values;
    expect(big.takedowns_total).toBe(2);
    expect(small.takedowns_total).toBe(2);
    expect(big.listings_total).toBe(600);
    // (2 + 1) / (600 + 50) vs (2 + 1) / (5 + 50)
    expect(big.takedown_rate_smoothed).toBeCloseTo(3 / 650, 10);
    expect(small.takedown_rate_smoothed).toBeCloseTo(3 / 55, 10);
    expect(small.takedown_rate_smoothed).toBeGreaterThan(10 * big.takedown_rate_smoothed);
    // A seller with no takedown sits at the prior mean, below the small seller.
    const clean = engineWith([tl.published('clean', 'c1', T0, item(1))]).features('clean').values;
    expect(clean.takedown_rate_smoothed).toBeCloseTo(1 / 51, 10);
  });

  it('counts windows on event time, half-open at the 7/30/90-day boundaries', () => {
    const tl = createTimeline();
    const asOf = T0 + 100 * D;
    const ages = [7 * D, 7 * D - 1, 30 * D, 30 * D - 1, 90 * D, 90 * D - 1];
    const events = ages.map((age, i) => tl.takenDown('s', `l${i}`, asOf - age));
    const f = engineWith(events).features('s', asOf);
    expect(f.values.takedowns_7d).toBe(1);
    expect(f.values.takedowns_30d).toBe(3);
    expect(f.values.takedowns_90d).toBe(5);
    expect(f.values.takedowns_total).toBe(6);
    expect(f.values.takedowns_illegal_90d).toBe(5);
    expect(f.evidence.by_feature.takedowns_7d?.listing_ids).toEqual(['l1']);
    // The same facts read a day later: the 7-day window has emptied.
    expect(engineWith(events).features('s', asOf + D).values.takedowns_7d).toBe(0);
    expect(f.values.days_since_last_takedown).toBeCloseTo((7 * D - 1) / D, 9);
  });

  it('separates grounds, DSA categories, minors, notice sources and sanctions', () => {
    const tl = createTimeline();
    const events = [
      tl.takenDown('s', 'a', T0, {
        category: 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
        source_type: 'SOURCE_TRUSTED_FLAGGER',
        notice_id: 'n-a',
      }),
      tl.takenDown('s', 'b', T0 + D, {
        decision_ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT',
        category: 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
        source_type: 'SOURCE_ARTICLE_16',
      }),
      tl.sanctioned('s', T0 + 2 * D, 'warning'),
      tl.takenDown('s', 'c', T0 + 3 * D, { source_type: 'SOURCE_TYPE_OTHER_NOTIFICATION' }),
      // The notice behind takedown `a` (same notice id): counted once, as the notice says.
      tl.notice('s', T0 - H, {
        notice_id: 'n-a',
        listing_id: 'a',
        notifier_type: 'trusted_flagger',
      }),
      tl.notice('s', T0 + 4 * D, { notice_id: 'n-x', notifier_type: 'authority' }),
    ];
    const v = engineWith(events).features('s').values;
    expect(v.takedowns_total).toBe(3);
    expect(v.takedowns_illegal_total).toBe(2);
    expect(v.takedown_categories_distinct).toBe(3);
    expect(v.takedowns_minors_total).toBe(1);
    expect(v.notices_trusted_total).toBe(1);
    expect(v.notices_user_total).toBe(1);
    expect(v.notices_authority_total).toBe(2);
    expect(v.takedowns_after_sanction).toBe(1);
  });

  it('reports the capped default when there is no takedown', () => {
    const tl = createTimeline();
    const v = engineWith([tl.published('s', 'l', T0, item(1))]).features('s').values;
    expect(v.days_since_last_takedown).toBe(365);
    expect(v.takedowns_total).toBe(0);
  });
});
