import { describe, expect, it } from 'vitest';
import { createFeatureEngine, createInMemoryCrossSellerIndex } from '../../features/index.ts';
import type { AcceptedEvent, SellerFeatures } from '../../features/index.ts';
import { simulateMarketplace } from '../../services/simulator/index.ts';
import { decodeRecord } from '../../streams/contract/index.ts';
import { mulberry32 } from '../../features/prng.ts';

/**
 * Order independence on a realistic stream: a simulated marketplace (every seller class,
 * obfuscated re-lists, ban evaders…) gives the same features sorted by event time, shuffled
 * within the contract's 5-minute lateness (seeded), in batches of any size, and as the
 * simulator's own messy stream with duplicates and late events.
 */

function events(mess: boolean, days = 14, sellers = 250): AcceptedEvent[] {
  const sim = simulateMarketplace({
    sellers,
    days,
    seed: 'features-shuffle',
    mess: mess ? {} : false,
  });
  const out: AcceptedEvent[] = [];
  for (const line of sim.events) {
    const decoded = decodeRecord(line);
    if (decoded.ok) out.push({ event: decoded.event, receivedAt: 0 });
  }
  return out;
}

function features(
  stream: readonly AcceptedEvent[],
  batch: number,
  expireEvery?: number,
): Record<string, SellerFeatures> {
  const engine = createFeatureEngine({
    crossSeller: createInMemoryCrossSellerIndex(expireEvery === undefined ? {} : { expireEvery }),
  });
  for (let i = 0; i < stream.length; i += batch) engine.apply(stream.slice(i, i + batch));
  // One clock for every run: the last event time of the period.
  const asOf = engine.watermark();
  return Object.fromEntries(engine.sellers().map((s) => [s, engine.features(s, asOf)]));
}

function shuffleWithinLateness(stream: readonly AcceptedEvent[], seed: number): AcceptedEvent[] {
  const rnd = mulberry32(seed);
  return stream
    .map((e) => ({ e, arrival: Date.parse(e.event.occurred_at) + rnd() * 300_000 }))
    .sort((a, b) => a.arrival - b.arrival)
    .map((x) => x.e);
}

describe('feature engine on a simulated marketplace', () => {
  const clean = events(false).sort(
    (a, b) => Date.parse(a.event.occurred_at) - Date.parse(b.event.occurred_at),
  );
  const reference = features(clean, 2_000);

  it('has sellers with re-lists, ban-evasion links and obfuscation to compare', () => {
    const values = Object.values(reference).map((f) => f.values);
    expect(values.length).toBeGreaterThan(200);
    expect(values.some((v) => v.relists_own_total > 0)).toBe(true);
    expect(values.some((v) => v.linked_terminated_sellers > 0)).toBe(true);
    expect(values.some((v) => v.obfuscated_listings > 0)).toBe(true);
  });

  for (const [seed, batch] of [
    [11, 500],
    [12, 3_000],
    [13, 97],
  ] as const) {
    it(`gives identical features shuffled within 5 minutes (seed ${seed}, batches of ${batch})`, () => {
      expect(features(shuffleWithinLateness(clean, seed), batch)).toEqual(reference);
    });
  }

  it("gives identical features from the simulator's messy stream (duplicates, late events)", () => {
    const messy = events(true);
    expect(messy.length).toBeGreaterThan(clean.length);
    expect(new Set(messy.map((e) => e.event.event_id))).toEqual(
      new Set(clean.map((e) => e.event.event_id)),
    );
    expect(features(messy, 1_000)).toEqual(reference);
  });
});

describe('feature engine on a month of a simulated marketplace', () => {
  // A month: takedowns of listings published more than the 14 days a published listing's
  // content is used, listings past their retention, index entries past their window. The
  // features must not depend on when the sweeps and the index's expiry ran, i.e. on the calls'
  // boundaries (docs/features.md, "Batch boundaries").
  const month = events(false, 30, 400).sort(
    (a, b) => Date.parse(a.event.occurred_at) - Date.parse(b.event.occurred_at),
  );
  const reference = features(month, 5_000);

  it('has takedowns of listings older than their content is used', () => {
    const published = new Map<string, number>();
    let old = 0;
    for (const { event: e } of month) {
      if (e.type === 'listing.published') published.set(e.listing_id, Date.parse(e.occurred_at));
      if (e.type === 'listing.taken_down') {
        const at = published.get(e.listing_id);
        if (at !== undefined && Date.parse(e.occurred_at) - at > 14 * 86_400_000) old += 1;
      }
    }
    expect(old).toBeGreaterThanOrEqual(5);
  });

  for (const [batch, expireEvery] of [
    [250, undefined],
    [5_000, 1],
    [37, 1],
  ] as const) {
    it(`gives identical features in calls of ${batch}, the index expiring ${expireEvery === undefined ? 'every 20,000 facts' : 'after every call'}`, () => {
      expect(features(month, batch, expireEvery)).toEqual(reference);
    });
  }
});
