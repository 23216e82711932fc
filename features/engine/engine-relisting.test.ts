import { describe, expect, it } from 'vitest';
import { createFeatureEngine } from './engine.ts';
import { createInMemoryCrossSellerIndex } from './in-memory-index.ts';
import { applyInBatches, createTimeline, D, H, MIN, T0 } from './test-timeline.ts';
import type { AcceptedEvent } from './types.ts';

const standalone = () => createFeatureEngine({ crossSeller: createInMemoryCrossSellerIndex() });

const LASER = {
  title: 'Laser pointer green 3000mW unlocked output',
  description:
    'Burns paper, lights matches, adjustable focus, rechargeable 18650 battery, metal body, ships fast.',
  category: 'electronics/lasers',
};
/** The same listing disguised: Cyrillic look-alikes, leetspeak, dotted letters, zero-width spaces. */
const LASER_DISGUISED = {
  ...LASER,
  title: 'L4ser p\u043einter gr\u0435en 3000mW unl\u043ecked output',
  description:
    'B.u.r.n.s p\u200ba\u200bper, l1ghts m4tches, adjust\u0430ble focus, rech\u0430rgeable 18650 battery, metal body, ships fast.',
};
/** Honest neighbours: same kind of product, different item. */
const LASER_HONEST = {
  ...LASER,
  title: 'Laser pointer red 1mW for presentations',
  description:
    'Pocket laser for teaching and slides, AAA batteries, safety lock, class 2, ships fast.',
};
const LASER_HONEST_2 = {
  ...LASER,
  title: 'Green laser level for tiling',
  description:
    'Self-levelling cross line laser, tripod included, rechargeable battery, metal body.',
};

describe('re-listing features', () => {
  it('matches an obfuscated re-list of an own taken-down listing, not honest neighbours', () => {
    const tl = createTimeline();
    const engine = standalone();
    engine.apply([
      tl.published('s', 'orig', T0, LASER),
      tl.takenDown('s', 'orig', T0 + D),
      tl.published('s', 'copy', T0 + 2 * D, LASER_DISGUISED),
      tl.published('s', 'honest', T0 + 2 * D + H, LASER_HONEST),
      tl.published('s', 'honest2', T0 + 2 * D + 2 * H, LASER_HONEST_2),
    ]);
    const f = engine.features('s');
    expect(f.values.relists_own_7d).toBe(1);
    expect(f.values.relists_own_total).toBe(1);
    expect(f.values.relists_any_7d).toBe(1);
    expect(f.values.relist_best_similarity).toBeGreaterThanOrEqual(0.8);
    expect(f.evidence.by_feature.relists_own_7d?.listing_ids).toEqual(['copy', 'orig']);
    expect(f.values.obfuscation_max).toBeGreaterThan(0.02);
    expect(f.evidence.by_feature.obfuscation_max?.listing_ids).toEqual(['copy']);
    // Nine days later the re-list leaves the 7-day window but stays in the total.
    const later = engine.features('s', T0 + 11 * D).values;
    expect(later.relists_own_7d).toBe(0);
    expect(later.relists_own_total).toBe(1);
  });

  it('does not count a near-duplicate published before the takedown', () => {
    const tl = createTimeline();
    const engine = standalone();
    engine.apply([
      tl.published('s', 'a', T0, LASER),
      tl.published('s', 'b', T0 + H, LASER_DISGUISED),
      tl.takenDown('s', 'a', T0 + D),
    ]);
    expect(engine.features('s').values.relists_own_total).toBe(0);
  });

  it('finds the re-list whichever of the takedown and the copy arrives first', () => {
    const tl = createTimeline();
    const pub = tl.published('s', 'orig', T0, LASER);
    const down = tl.takenDown('s', 'orig', T0 + 10 * MIN);
    const copy = tl.published('s', 'copy', T0 + 12 * MIN, LASER_DISGUISED);
    for (const order of [
      [pub, down, copy],
      [copy, down, pub],
      [down, copy, pub],
    ]) {
      const engine = standalone();
      applyInBatches(engine, order, 1);
      expect(engine.features('s').values.relists_own_total).toBe(1);
    }
  });

  it('counts edits after a takedown, not before, even when they arrive out of order', () => {
    const tl = createTimeline();
    const events = [
      tl.published('s', 'l', T0, LASER),
      tl.edited('s', 'l', T0 + 5 * MIN, { price: { amount: 25, currency: 'EUR' } }),
      tl.takenDown('s', 'l', T0 + 10 * MIN),
      tl.edited('s', 'l', T0 + 12 * MIN, { title: 'Laser pointer 3000mW' }),
    ];
    for (const order of [events, [events[3], events[1], events[2], events[0]] as AcceptedEvent[]]) {
      const engine = standalone();
      applyInBatches(engine, order, 1);
      const f = engine.features('s');
      expect(f.values.edits_after_takedown).toBe(1);
      expect(f.evidence.by_feature.edits_after_takedown?.listing_ids).toEqual(['l']);
    }
  });

  it('catches a cross-seller re-list in both arrival orders, within 7 days only', () => {
    const tl = createTimeline();
    const pub = tl.published('a', 'orig', T0, LASER);
    const down = tl.takenDown('a', 'orig', T0 + H);
    const copy = tl.published('b', 'copy', T0 + 3 * D, LASER_DISGUISED);
    const late = tl.published('c', 'late', T0 + 9 * D, LASER_DISGUISED);
    for (const batches of [
      [
        [pub, down],
        [copy, late],
      ],
      [[copy, late], [pub], [down]],
      [[pub, down, copy, late]],
    ]) {
      const engine = standalone();
      const changed = new Set<string>();
      for (const batch of batches) for (const s of engine.apply(batch)) changed.add(s);
      const b = engine.features('b');
      expect(changed.has('b')).toBe(true);
      expect(b.values.relists_any_7d).toBe(1);
      expect(b.values.relists_own_total).toBe(0);
      expect(b.evidence.by_feature.relists_any_7d?.linked_seller_ids).toEqual(['a']);
      expect(engine.features('c').values.relists_any_7d).toBe(0);
    }
  });

  it('counts seller deletions within 48 hours of a notice on that listing', () => {
    const tl = createTimeline();
    const engine = standalone();
    engine.apply([
      tl.notice('s', T0, { notice_id: 'n1', listing_id: 'x' }),
      tl.withdrawn('s', 'x', T0 + 47 * H, 'seller_deleted'),
      tl.notice('s', T0, { notice_id: 'n2', listing_id: 'y' }),
      tl.withdrawn('s', 'y', T0 + 49 * H, 'seller_deleted'),
      tl.notice('s', T0, { notice_id: 'n3', listing_id: 'z' }),
      tl.withdrawn('s', 'z', T0 + H, 'sold'),
      tl.withdrawn('s', 'w', T0 + H, 'seller_deleted'),
    ]);
    const f = engine.features('s');
    expect(f.values.deletions_after_notice).toBe(1);
    expect(f.evidence.by_feature.deletions_after_notice?.listing_ids).toEqual(['x']);
  });

  it('detects exact and near image reuse of taken-down listings', () => {
    const tl = createTimeline();
    const pdq = 'a5'.repeat(32);
    const nearPdq = `${'5a'.repeat(2)}${'a5'.repeat(30)}`; // 16 bits differ of 256
    const farPdq = '5a'.repeat(32);
    const text = (i: number) => ({
      title: `Sac cuir ${i}`,
      description: `Modèle ${i} couleur ${i}`,
    });
    const engine = standalone();
    engine.apply([
      tl.published('s', 'orig', T0, { ...text(1), images: [pdq] }),
      tl.takenDown('s', 'orig', T0 + H),
      tl.published('s', 'same', T0 + 2 * H, { ...text(2), images: [pdq.toUpperCase()] }),
      tl.published('s', 'near', T0 + 3 * H, { ...text(3), images: [nearPdq] }),
      tl.published('s', 'far', T0 + 4 * H, { ...text(4), images: [farPdq] }),
      tl.published('t', 'other', T0 + 5 * H, { ...text(5), images: [pdq] }),
    ]);
    const f = engine.features('s');
    expect(f.values.image_reuse_exact).toBe(1);
    expect(f.values.image_reuse_near).toBe(1);
    expect(f.evidence.by_feature.image_reuse_near?.listing_ids).toEqual(['near', 'orig']);
    const other = engine.features('t');
    expect(other.values.image_reuse_exact).toBe(1);
    expect(other.evidence.by_feature.image_reuse_exact?.linked_seller_ids).toEqual(['s']);
  });
});
