import { describe, expect, it } from 'vitest';
import { createFeatureEngine } from './engine.ts';
import { createInMemoryCrossSellerIndex } from './in-memory-index.ts';
import { applyInBatches, createTimeline, D, H, T0 } from './test-timeline.ts';
import type { AcceptedEvent } from './types.ts';

/**
 * The features must not depend on where the calls' boundaries fall (docs/features.md, "Batch
 * boundaries"): a fact's use is decided by the events' times, not by whether a sweep or the
 * index's expiry has run yet. Each timeline puts a fact just past its window, applied in one
 * call, one event per call, and with the index expiring after every fact or rarely.
 */
const LISTING = {
  title: 'poupée reborn bébé silicone taille réelle',
  description: 'poupée reborn en silicone, yeux bleus, vêtements inclus, état neuf, envoi rapide',
  images: ['ab'.repeat(32)],
};

function featuresUnder(events: readonly AcceptedEvent[], batch: number, expireEvery: number) {
  const engine = createFeatureEngine({
    crossSeller: createInMemoryCrossSellerIndex({ expireEvery }),
  });
  applyInBatches(engine, events, batch);
  return engine.sellers().map((id) => engine.features(id));
}

function expectBoundaryFree(events: readonly AcceptedEvent[]) {
  const reference = featuresUnder(events, events.length, 20_000);
  for (const [batch, expireEvery] of [
    [1, 1],
    [1, 20_000],
    [2, 1],
    [events.length, 1],
  ] as const) {
    expect(
      featuresUnder(events, batch, expireEvery),
      `batch ${batch}, expiry ${expireEvery}`,
    ).toEqual(reference);
  }
  return reference;
}

describe('batch boundaries', () => {
  it("a takedown 17 days after publication never uses the listing's content", () => {
    // The content was in the seller's memory until a sweep (an event of the seller a day
    // later, in another call), then in the in-memory index until its expiry: the copy by a
    // linked seller counted as a re-list in some splits and not in others.
    const tl = createTimeline();
    const events = [
      tl.registered('a', T0 - D, { payout_hash: 'cafe01' }),
      tl.registered('b', T0 - D, { payout_hash: 'cafe01' }),
      tl.published('a', 'old', T0, LISTING),
      tl.published('a', 'other', T0 + 2 * D, { ...LISTING, title: 'montre acier', images: [] }),
      // Two facts: the index (`expireEvery: 1`) expires after more than one.
      tl.published('c', 'unrelated', T0 + 16 * D, { ...LISTING, title: 'sac cuir', images: [] }),
      tl.published('c', 'another', T0 + 16 * D, { ...LISTING, title: 'vélo bleu', images: [] }),
      tl.takenDown('a', 'old', T0 + 17 * D),
      tl.published('b', 'copy', T0 + 18 * D, LISTING),
    ];
    const [a, b] = expectBoundaryFree(events);
    expect(a?.values.takedowns_total).toBe(1);
    expect(b?.values.relists_any_7d).toBe(0);
  });

  it('a takedown 10 days after publication always does', () => {
    const tl = createTimeline();
    const events = [
      tl.published('a', 'old', T0, LISTING),
      tl.published('a', 'other', T0 + 2 * D, { ...LISTING, title: 'montre acier', images: [] }),
      tl.takenDown('a', 'old', T0 + 10 * D),
      tl.published('b', 'copy', T0 + 11 * D, LISTING),
    ];
    const [, b] = expectBoundaryFree(events);
    expect(b?.values.relists_any_7d).toBe(1);
  });

  it('an edit after the listing left retention does not mark it obfuscated', () => {
    // The listing (14 days) was folded at the first sweep past its window; an edit in the
    // same call as that later event used to raise its obfuscation first.
    const tl = createTimeline();
    const events = [
      tl.published('a', 'old', T0, LISTING),
      tl.published('a', 'new', T0 + 15 * D, { ...LISTING, title: 'montre acier', images: [] }),
      tl.edited('a', 'old', T0 + 15 * D + H, {
        title: 'p\u043eup\u00e9\u0435 r3b\u043ern b\u00e9b\u00e9',
      }),
    ];
    const [a] = expectBoundaryFree(events);
    expect(a?.values.obfuscated_listings).toBe(0);
  });

  it('the same rules hold when a publication arrives after its takedown and edit', () => {
    // Far later than the contract's lateness, but a late publication must not give a takedown
    // 17 days after it the content, nor an edit 15 days after it its obfuscation.
    const tl = createTimeline();
    const published = tl.published('a', 'old', T0, LISTING);
    const rest = [
      tl.edited('a', 'old', T0 + 15 * D, { title: 'p\u043eup\u00e9\u0435 r3b\u043ern' }),
      tl.takenDown('a', 'old', T0 + 17 * D),
      tl.published('b', 'copy', T0 + 18 * D, LISTING),
    ];
    const inOrder = featuresUnder([published, ...rest], 4, 20_000);
    expect(featuresUnder([...rest, published], 4, 20_000)).toEqual(inOrder);
    expect(inOrder[0]?.values.obfuscated_listings).toBe(0);
    expect(inOrder[1]?.values.relists_any_7d).toBe(0);
  });
});
