import { describe, expect, it } from 'vitest';
import { VigieError } from '../../streams/errors.ts';
import { createFeatureEngine } from './engine.ts';
import { createInMemoryCrossSellerIndex } from './in-memory-index.ts';
import {
  applyInBatches,
  createTimeline,
  D,
  duplicate,
  H,
  MIN,
  seeded,
  shuffleWithinLateness,
  T0,
} from './test-timeline.ts';
import type { AcceptedEvent } from './types.ts';

const WORDS =
  'poupée reborn bébé laser pointer montre acier cuir sac vélo enfant lot vintage bleu vert rouge coton bois jouet livre neuf état taille'.split(
    ' ',
  );
const DISGUISE: Array<[RegExp, string]> = [
  [/o/g, '\u043e'], // Cyrillic o
  [/e/g, '3'],
  [/a/g, '\u200ba'],
];

/**
 * A marketplace fortnight where order matters everywhere: takedowns followed within minutes by
 * disguised re-lists (own and other sellers'), edits and deletions minutes around notices and
 * takedowns, a termination minutes from the registrations that share its payout hash.
 */
function scenario(seed: number): AcceptedEvent[] {
  const rnd = seeded(seed);
  const pick = () => WORDS[Math.floor(rnd() * WORDS.length)] as string;
  const text = () => {
    const words = Array.from({ length: 14 }, pick);
    return {
      title: words.slice(0, 4).join(' '),
      description: words.slice(4).join(' '),
      price: 5 + Math.floor(rnd() * 200),
    };
  };
  const tl = createTimeline(`s${seed}`);
  const events: AcceptedEvent[] = [];
  const sellers = Array.from({ length: 10 }, (_, i) => `seller-${i}`);
  sellers.forEach((s, i) =>
    events.push(
      tl.registered(s, T0 + i * MIN, {
        payout_hash: i % 3 === 0 ? 'cafe00' : `beef${i}`,
        device_hash: `d${i}`,
      }),
    ),
  );
  events.push(tl.sanctioned('seller-0', T0 + 4 * MIN, 'termination'));
  events.push(tl.sanctioned('seller-4', T0 + 2 * D, 'suspension'));
  let listing = 0;
  for (let day = 0; day < 14; day += 1) {
    for (const s of sellers) {
      if (rnd() < 0.5) continue;
      const at = T0 + day * D + Math.floor(rnd() * 20 * H);
      const id = `L${(listing += 1)}`;
      const t = { ...text(), images: [`${(listing % 7).toString(16).repeat(16)}`] };
      events.push(tl.published(s, id, at, t));
      const r = rnd();
      if (r < 0.35) {
        events.push(
          tl.notice(s, at + 30 * MIN, {
            notice_id: `n-${id}`,
            listing_id: id,
            notifier_type: rnd() < 0.5 ? 'trusted_flagger' : 'user',
          }),
        );
        events.push(
          tl.takenDown(s, id, at + 33 * MIN, {
            notice_id: rnd() < 0.5 ? `n-${id}` : undefined,
            source_type: 'SOURCE_TRUSTED_FLAGGER',
          }),
        );
        events.push(
          tl.edited(s, id, at + 33 * MIN + (rnd() < 0.5 ? -2 : 2) * MIN, { title: t.title }),
        );
        // A disguised copy, by the same seller or another, minutes after the takedown.
        const by = rnd() < 0.5 ? s : (sellers[Math.floor(rnd() * sellers.length)] as string);
        let title = t.title;
        let description = t.description;
        for (const [from, to] of DISGUISE) {
          title = title.replace(from, to);
          description = description.replace(from, to);
        }
        events.push(tl.published(by, `${id}-copy`, at + 36 * MIN, { ...t, title, description }));
      } else if (r < 0.5) {
        events.push(tl.notice(s, at + H, { notice_id: `n-${id}`, listing_id: id }));
        events.push(tl.withdrawn(s, id, at + H + 3 * MIN, 'seller_deleted'));
        events.push(
          tl.edited(s, id, at + H - 2 * MIN, { description: `${t.description} ${pick()}` }),
        );
      }
    }
  }
  return events.sort((a, b) => Date.parse(a.event.occurred_at) - Date.parse(b.event.occurred_at));
}

function snapshot(events: readonly AcceptedEvent[], batch: number) {
  const engine = createFeatureEngine({ crossSeller: createInMemoryCrossSellerIndex() });
  applyInBatches(engine, events, batch);
  return Object.fromEntries(engine.sellers().map((s) => [s, engine.features(s)]));
}

describe('order independence', () => {
  const events = scenario(42);
  const reference = snapshot(events, events.length);

  it('has a scenario where the features are not trivial', () => {
    const all = Object.values(reference).map((f) => f.values);
    const total = (name: keyof (typeof all)[number]) => all.reduce((sum, v) => sum + v[name], 0);
    expect(total('relists_own_total')).toBeGreaterThan(0);
    expect(total('relists_any_7d')).toBeGreaterThan(0);
    expect(total('edits_after_takedown')).toBeGreaterThan(0);
    expect(total('deletions_after_notice')).toBeGreaterThan(0);
    expect(total('linked_terminated_sellers')).toBeGreaterThan(0);
    expect(total('image_reuse_exact')).toBeGreaterThan(0);
  });

  for (const [seed, batch] of [
    [1, 1],
    [2, 7],
    [3, 50],
    [4, 1000],
    [5, 3],
  ] as const) {
    it(`gives identical features when shuffled within 5 minutes (seed ${seed}, batches of ${batch})`, () => {
      const shuffled = shuffleWithinLateness(events, seed, 5 * MIN);
      expect(shuffled).not.toEqual(events);
      expect(snapshot(shuffled, batch)).toEqual(reference);
    });
  }

  it('ignores duplicates delivered again anywhere after the original', () => {
    const rnd = seeded(9);
    const shuffled = shuffleWithinLateness(events, 6, 5 * MIN);
    const withDuplicates = [...shuffled];
    for (let k = 0; k < 200; k += 1) {
      const i = Math.floor(rnd() * shuffled.length);
      const at = i + 1 + Math.floor(rnd() * (withDuplicates.length - i));
      withDuplicates.splice(at, 0, duplicate(shuffled[i] as AcceptedEvent));
    }
    expect(snapshot(withDuplicates, 13)).toEqual(reference);
  });

  it('is unchanged when every event is applied again (a rebuild over live state)', () => {
    const engine = createFeatureEngine({ crossSeller: createInMemoryCrossSellerIndex() });
    applyInBatches(engine, events, 100);
    expect(engine.apply(events).size).toBe(0);
    expect(Object.fromEntries(engine.sellers().map((s) => [s, engine.features(s)]))).toEqual(
      reference,
    );
  });

  it('refuses a batch holding a malformed event, applying none of it', () => {
    const engine = createFeatureEngine();
    const good = events[0] as AcceptedEvent;
    const bad = { ...good, event: { ...good.event, occurred_at: 'yesterday' } } as AcceptedEvent;
    expect(() => engine.apply([good, bad])).toThrow(VigieError);
    expect(engine.sellers()).toEqual([]);
  });
});

describe('bounded state', () => {
  it('keeps caps and retention per seller while lifetime totals stay exact', () => {
    const tl = createTimeline();
    const events: AcceptedEvent[] = [];
    for (let i = 0; i < 1200; i += 1) {
      const at = T0 + i * 2 * H;
      events.push(
        tl.published('big', `l${i}`, at, { title: `Article ${i}`, description: `Objet ${i % 50}` }),
      );
      if (i % 10 === 0) events.push(tl.takenDown('big', `l${i}`, at + H));
      if (i % 5 === 0)
        events.push(tl.edited('big', `l${i}`, at + MIN, { price: { amount: 3, currency: 'EUR' } }));
    }
    const engine = createFeatureEngine();
    applyInBatches(engine, events, 100);
    const stats = engine.stats();
    expect(stats.retained.listings).toBeLessThanOrEqual(256);
    expect(stats.retained.takedowns).toBeLessThanOrEqual(64);
    expect(stats.retained.edits).toBeLessThanOrEqual(64);
    // Signatures only for the last day: 12 listings at one per 2 hours.
    expect(stats.retained.sketches).toBeLessThanOrEqual(13);
    const v = engine.features('big').values;
    expect(v.listings_total).toBe(1200);
    expect(v.takedowns_total).toBe(120);
    expect(v.edits_after_takedown).toBe(0);
    expect(stats.beyondFrontier).toBe(0);
  });
});
