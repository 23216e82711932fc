import { describe, expect, it } from 'vitest';
import { countedOf, type CrossSellerLookups } from './cross-seller.ts';
import { createFeatureEngine, type FeatureEngine } from './engine.ts';
import { createInMemoryCrossSellerIndex } from './in-memory-index.ts';
import { createTimeline, D, H, seeded, shuffleWithinLateness, T0 } from './test-timeline.ts';
import type { AcceptedEvent } from './types.ts';

const WORDS = (
  'laser pointer green red blue lamp torch battery metal body ships fast rechargeable focus ' +
  'knife blade steel folding pocket camping tool watch gold strap leather vintage replica'
).split(' ');

/**
 * Sellers publishing variants of a few products (so that listings share some bands, and
 * re-lists most), sharing a small pool of images, and taking listings down: cross-seller
 * re-lists and image reuse both ways, with late events.
 */
function marketplace(seed: number): AcceptedEvent[] {
  const rnd = seeded(seed);
  const tl = createTimeline(`m${seed}`);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const products = Array.from({ length: 6 }, () => Array.from({ length: 14 }, () => pick(WORDS)));
  const images = Array.from({ length: 12 }, (_, i) => (0x1234567 * (i + 1)).toString(16).repeat(8));
  const events: AcceptedEvent[] = [];
  const listings: Array<{ seller: string; id: string; at: number }> = [];
  for (let n = 0; n < 400; n += 1) {
    const seller = `s${Math.floor(rnd() * 12)}`;
    const at = T0 + Math.floor(rnd() * 10 * D);
    if (rnd() < 0.75 || listings.length === 0) {
      const words = [...pick(products)];
      // A few words changed: from a re-list (J ≈ 0.8) to a neighbour (J ≈ 0.4).
      for (let k = Math.floor(rnd() * 6); k > 0; k -= 1) {
        words[Math.floor(rnd() * words.length)] = pick(WORDS);
      }
      const id = `l${n}`;
      listings.push({ seller, id, at });
      events.push(
        tl.published(seller, id, at, {
          title: words.slice(0, 5).join(' '),
          description: words.slice(5).join(' '),
          ...(rnd() < 0.3 ? { images: [pick(images)] } : {}),
        }),
      );
    } else {
      const l = pick(listings);
      events.push(tl.takenDown(l.seller, l.id, Math.max(at, l.at + H)));
    }
  }
  events.sort((a, b) => Date.parse(a.event.occurred_at) - Date.parse(b.event.occurred_at));
  return shuffleWithinLateness(events, seed, 6 * H);
}

/** Drops the index's counted pairs: the lookups as a store would answer them. */
const plain = (lookups: CrossSellerLookups): CrossSellerLookups => ({ ...lookups });

function run(
  events: readonly AcceptedEvent[],
  size: number,
  lookupsOf: (engine: FeatureEngine, batch: AcceptedEvent[]) => CrossSellerLookups,
): Record<string, unknown> {
  const engine = createFeatureEngine();
  const out: Record<string, unknown> = {};
  for (let i = 0; i < events.length; i += size) {
    const batch = events.slice(i, i + size);
    engine.apply(batch, lookupsOf(engine, batch));
  }
  for (const id of engine.sellers()) out[id] = engine.features(id);
  return out;
}

describe('crossMatchListings with the pairs the in-memory index counted', () => {
  for (const seed of [1, 2, 3]) {
    it(`matches as from plain lookups (seed ${seed})`, () => {
      const events = marketplace(seed);
      // Each run keeps its own index, fed with its engine's facts.
      const answering = (
        shape: (l: CrossSellerLookups) => CrossSellerLookups,
        requestOf: (batch: AcceptedEvent[]) => AcceptedEvent[] = (b) => b,
      ) => {
        const index = createInMemoryCrossSellerIndex();
        let last: FeatureEngine | undefined;
        return (engine: FeatureEngine, batch: AcceptedEvent[]) => {
          if (last === engine) index.record(engine.lastFacts());
          last = engine;
          return shape(index.answer(engine.lookupsFor(requestOf(batch))));
        };
      };
      const withPairs = answering((l) => {
        expect(countedOf(l)).toBeDefined();
        return l;
      });
      const counted = run(events, 40, withPairs);
      expect(run(events, 40, answering(plain))).toEqual(counted);
      // The publications found out of the request's order, or not at all (the request of
      // another arrival order, and of half the batch): the same matches.
      const reversed = (b: AcceptedEvent[]) => [...b].reverse();
      const half = (b: AcceptedEvent[]) => b.filter((_, k) => k % 2 === 0);
      expect(
        run(
          events,
          40,
          answering((l) => l, reversed),
        ),
      ).toEqual(run(events, 40, answering(plain, reversed)));
      expect(
        run(
          events,
          40,
          answering((l) => l, half),
        ),
      ).toEqual(run(events, 40, answering(plain, half)));
      // Some re-lists across sellers are found, so the comparison means something.
      const relists = Object.values(counted).reduce<number>(
        (n, f) => n + ((f as { values: Record<string, number> }).values.relists_any_7d ?? 0),
        0,
      );
      expect(relists).toBeGreaterThan(0);
    });
  }
});
