import { describe, expect, it } from 'vitest';
import { createFeatureEngine } from './engine.ts';
import { createTimeline, D, H, T0 } from './test-timeline.ts';
import type { AcceptedEvent } from './types.ts';

const item = (i: number, price: number, category = 'toys/dolls') => ({
  title: `Poupée ${i}`,
  description: `Poupée de collection numéro ${i}`,
  price,
  category,
});

describe('context features', () => {
  it('derives account age, volumes and listing velocity from event time', () => {
    const tl = createTimeline();
    const events: AcceptedEvent[] = [tl.registered('s', T0 - 100 * D, { email_hash: 'e1' })];
    // A steady listing every 3 days for 60 days, then 14 in the last week.
    for (let d = 0; d < 60; d += 3)
      events.push(tl.published('s', `a${d}`, T0 + d * D, item(d, 20)));
    for (let i = 0; i < 14; i += 1)
      events.push(tl.published('s', `b${i}`, T0 + 63 * D + i * 10 * H, item(i, 20)));
    const engine = createFeatureEngine();
    engine.apply(events);
    const asOf = T0 + 69 * D + 12 * H;
    const v = engine.features('s', asOf).values;
    expect(v.account_age_days).toBeCloseTo(169.5, 10);
    expect(v.listings_total).toBe(34);
    expect(v.listings_7d).toBe(14);
    // Long-run daily rate over the 70 days since the first listing (not since registration:
    // history before our first listing was never observed): 34 / 70.
    expect(v.listing_velocity_ratio).toBeCloseTo(15 / ((7 * 34) / 70 + 1), 10);
    // A steady seller sits near 1.
    const steady = createFeatureEngine();
    steady.apply(
      events.filter(
        (e) =>
          e.event.type !== 'listing.published' ||
          !('listing_id' in e.event && e.event.listing_id.startsWith('b')),
      ),
    );
    expect(steady.features('s', T0 + 60 * D).values.listing_velocity_ratio).toBeLessThan(1.5);
  });

  it('compares prices with the category median on a log scale', () => {
    const tl = createTimeline();
    const events: AcceptedEvent[] = [];
    for (let i = 0; i < 20; i += 1)
      events.push(tl.published(`m${i}`, `l${i}`, T0 + i * H, item(i, 100)));
    events.push(tl.published('cheap', 'c1', T0 + D, item(1, 9)));
    events.push(tl.published('cheap', 'c2', T0 + D, item(2, 10)));
    events.push(tl.published('cheap', 'c3', T0 + D, item(3, 11)));
    events.push(tl.published('cheap', 'other', T0 + D, item(4, 5, 'rare/category')));
    const engine = createFeatureEngine();
    engine.apply(events);
    const ratio = engine.features('cheap').values.price_vs_category_median;
    // ln(11 / 101) ≈ −2.22; the histogram's 0.2-wide bins allow ±0.2.
    expect(ratio).toBeLessThan(-2);
    expect(ratio).toBeGreaterThan(-2.45);
    expect(Math.abs(engine.features('m3').values.price_vs_category_median)).toBeLessThan(0.2);
  });
});
