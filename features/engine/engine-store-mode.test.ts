import { describe, expect, it } from 'vitest';
import { bandKeys } from '../text/index.ts';
import type { CrossSellerLookups, ListingFingerprint } from './cross-seller.ts';
import { emptyLookups } from './cross-seller.ts';
import { createFeatureEngine } from './engine.ts';
import { createInMemoryCrossSellerIndex } from './in-memory-index.ts';
import { createTimeline, D, H, T0 } from './test-timeline.ts';

const LISTING = {
  title: 'Sac à main cuir monogramme',
  description:
    'Sac façon grande maison, toile enduite, fermoir doré, qualité miroir, livré avec dust bag.',
  images: ['ab'.repeat(32)],
};
const COPY = { ...LISTING, title: 'S\u0430c à main cu1r monogr\u0430mme' };

/** What a store returns for a stored fingerprint: plain data, no engine internals. */
const plain = (fp: ListingFingerprint): ListingFingerprint => ({
  sellerId: fp.sellerId,
  listingId: fp.listingId,
  at: fp.at,
  signature: Uint32Array.from(fp.signature),
  imageHashes: [...fp.imageHashes],
  shingles: fp.shingles,
  titleShingles: fp.titleShingles,
});

describe('store mode (lookups answered by the store)', () => {
  it('hands the store fingerprints whose band keys are features/text band keys', () => {
    const tl = createTimeline();
    const engine = createFeatureEngine();
    engine.apply([tl.published('s', 'l', T0, LISTING), tl.takenDown('s', 'l', T0 + H)]);
    const facts = engine.lastFacts();
    expect(facts.published).toHaveLength(1);
    expect(facts.takenDown).toHaveLength(1);
    const [published] = facts.published as [ListingFingerprint];
    expect(published.signature).toHaveLength(128);
    expect(Math.max(...published.signature)).toBeLessThan(256);
    expect(published.bandKeys).toEqual(bandKeys(published.signature, 32));
    expect(published.imageHashes).toEqual(['ab'.repeat(32)]);
    expect(facts.takenDown[0]?.at).toBe(T0 + H);
  });

  it('asks for the fingerprint of a listing published before memory, and uses the answer', () => {
    const tl = createTimeline();
    const first = createFeatureEngine();
    first.apply([tl.published('s', 'old', T0, LISTING)]);
    const stored = plain(first.lastFacts().published[0] as ListingFingerprint);

    // A restarted instance: the listing's publication is 10 days old and not in memory.
    const engine = createFeatureEngine();
    const down = tl.takenDown('s', 'old', T0 + 10 * D);
    const request = engine.lookupsFor([down]);
    expect(request.fingerprintsOf).toEqual([{ sellerId: 's', listingId: 'old' }]);
    engine.apply([down], { ...emptyLookups(), fingerprints: [stored] });
    expect(engine.lastFacts().takenDown).toHaveLength(1);

    const copy = tl.published('s', 'copy', T0 + 11 * D, COPY);
    expect(engine.lookupsFor([copy]).newListings).toHaveLength(1);
    engine.apply([copy], emptyLookups());
    const v = engine.features('s').values;
    expect(v.relists_own_total).toBe(1);
    expect(v.image_reuse_exact).toBe(1);
  });

  it('does not use a stored fingerprint older than publishedContentDays, as memory mode', () => {
    const tl = createTimeline();
    const first = createFeatureEngine();
    first.apply([tl.published('s', 'old', T0, LISTING)]);
    const stored = plain(first.lastFacts().published[0] as ListingFingerprint);

    // 15 days after its publication (default 14): the store still has the fingerprint, but
    // the in-memory index would not, and whether the seller's memory did depended on sweeps.
    const engine = createFeatureEngine();
    const down = tl.takenDown('s', 'old', T0 + 15 * D);
    engine.apply([down], { ...emptyLookups(), fingerprints: [stored] });
    expect(engine.lastFacts().takenDown).toHaveLength(0);
    engine.apply([tl.published('s', 'copy', T0 + 16 * D, COPY)], emptyLookups());
    expect(engine.features('s').values.relists_own_total).toBe(0);

    // Up to the configured horizon it is used.
    const longer = createFeatureEngine({ publishedContentDays: 30 });
    longer.apply([down], { ...emptyLookups(), fingerprints: [stored] });
    expect(longer.lastFacts().takenDown).toHaveLength(1);
  });

  it('matches a new listing against taken-down listings of other sellers from the store', () => {
    const tl = createTimeline();
    const other = createFeatureEngine();
    other.apply([tl.published('a', 'orig', T0, LISTING), tl.takenDown('a', 'orig', T0 + H)]);
    const takenDown = plain(other.lastFacts().takenDown[0] as ListingFingerprint);

    const engine = createFeatureEngine();
    const copy = tl.published('b', 'copy', T0 + D, COPY);
    const lookups: CrossSellerLookups = { ...emptyLookups(), takenDown: [takenDown] };
    expect([...engine.apply([copy], lookups)]).toEqual(['b']);
    const f = engine.features('b');
    expect(f.values.relists_any_7d).toBe(1);
    expect(f.evidence.by_feature.relists_any_7d?.linked_seller_ids).toEqual(['a']);
  });

  it('answers fingerprintsOf from the in-memory index in standalone mode', () => {
    const tl = createTimeline();
    const index = createInMemoryCrossSellerIndex();
    const engine = createFeatureEngine({ crossSeller: index, signatureDays: 1 });
    engine.apply([tl.published('s', 'l', T0, LISTING)]);
    engine.apply([
      tl.published('s', 'later', T0 + 5 * D, { title: 'Vélo', description: 'Vélo de ville' }),
    ]);
    engine.apply([tl.takenDown('s', 'l', T0 + 5 * D + H)]);
    engine.apply([tl.published('s', 'copy', T0 + 6 * D, COPY)]);
    expect(engine.features('s').values.relists_own_total).toBe(1);
  });
});

describe('fold frontier', () => {
  it('treats events older than what was folded as already counted', () => {
    const tl = createTimeline();
    const engine = createFeatureEngine();
    const edit = tl.edited('s', 'l', T0, { price: { amount: 5, currency: 'EUR' } });
    engine.apply([tl.published('s', 'l', T0 - H, LISTING), edit]);
    // Ten days later the edit has been folded (activity is kept 7 days).
    engine.apply([tl.published('s', 'm', T0 + 10 * D, LISTING)]);
    const before = engine.features('s');
    expect(engine.apply([edit]).size).toBe(0);
    expect(engine.stats().beyondFrontier).toBe(1);
    expect(engine.features('s')).toEqual(before);
  });
});
