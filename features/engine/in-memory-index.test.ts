import { describe, expect, it } from 'vitest';
import type { CrossSellerRequest, ListingFingerprint } from './cross-seller.ts';
import { withCompact } from './cross-seller.ts';
import { createInMemoryCrossSellerIndex } from './in-memory-index.ts';

const D = 86_400_000;
const T0 = Date.UTC(2025, 0, 1);
const NEAR = 31 / 256;

/** A plain fingerprint (as a store gives it): `seed` decides its b-bit signature. */
function fp(sellerId: string, listingId: string, at: number, seed: number): ListingFingerprint {
  return {
    sellerId,
    listingId,
    at,
    signature: Uint32Array.from({ length: 128 }, (_, i) => (seed * 131 + i * 7) & 0xff),
    imageHashes: [`${seed.toString(16).padStart(2, '0')}`.repeat(32)],
    shingles: 40 + seed,
    titleShingles: 5,
  };
}

function request(over: Partial<CrossSellerRequest>): CrossSellerRequest {
  return {
    identifierHashes: [],
    sanctionedSellerIds: [],
    newListings: [],
    takedowns: [],
    fingerprintsOf: [],
    windowMs: 7 * D,
    imageNearFraction: NEAR,
    ...over,
  };
}

const facts = (over: { published?: ListingFingerprint[]; takenDown?: ListingFingerprint[] }) => ({
  identifiers: [],
  sanctions: [],
  published: over.published ?? [],
  takenDown: over.takenDown ?? [],
});

const plain = (f: ListingFingerprint) => ({
  sellerId: f.sellerId,
  listingId: f.listingId,
  at: f.at,
  signature: [...f.signature],
  imageHashes: [...f.imageHashes],
  shingles: f.shingles,
  titleShingles: f.titleShingles,
});

const fingerprintsOf = (
  index: ReturnType<typeof createInMemoryCrossSellerIndex>,
  keys: Array<[string, string]>,
  imageNearFraction = NEAR,
) =>
  index
    .answer(
      request({
        fingerprintsOf: keys.map(([sellerId, listingId]) => ({ sellerId, listingId })),
        imageNearFraction,
      }),
    )
    .fingerprints.map(plain);

describe('in-memory cross-seller index: published fingerprints', () => {
  it('answers the earliest publication of a listing, content unchanged', () => {
    const index = createInMemoryCrossSellerIndex();
    const first = fp('s', 'l', T0 + D, 1);
    index.record(facts({ published: [first, fp('t', 'l', T0, 2)] }));
    index.record(facts({ published: [fp('s', 'l', T0 + 2 * D, 3)] }));
    expect(
      fingerprintsOf(index, [
        ['s', 'l'],
        ['t', 'l'],
        ['s', 'x'],
        ['u', 'l'],
      ]),
    ).toEqual([plain(first), plain(fp('t', 'l', T0, 2))]);
    // A late event holding an earlier publication replaces it.
    index.record(facts({ published: [fp('s', 'l', T0 + D / 2, 4)] }));
    expect(fingerprintsOf(index, [['s', 'l']])).toEqual([plain(fp('s', 'l', T0 + D / 2, 4))]);
  });

  it('keeps content the compact arrays cannot hold (wide chars, fractional counts)', () => {
    const index = createInMemoryCrossSellerIndex();
    const odd = withCompact(
      { ...fp('s', 'l', T0, 1), shingles: 2.5, titleShingles: 2 ** 40 },
      { sketch: 'a\u0100'.repeat(64), images: '' },
    );
    index.record(facts({ published: [odd, fp('s', 'm', T0, 2)] }));
    const [a, b] = index.answer(
      request({
        fingerprintsOf: [
          { sellerId: 's', listingId: 'l' },
          { sellerId: 's', listingId: 'm' },
        ],
      }),
    ).fingerprints;
    expect([...(a?.signature ?? [])].slice(0, 2)).toEqual([0x61, 0x100]);
    expect([a?.shingles, a?.titleShingles, a?.imageHashes]).toEqual([2.5, 2 ** 40, []]);
    expect(plain(b as ListingFingerprint)).toEqual(plain(fp('s', 'm', T0, 2)));
  });

  it('forgets publications older than the fingerprint window, and keeps the rest', () => {
    const index = createInMemoryCrossSellerIndex({ fingerprintDays: 14 });
    const old = Array.from({ length: 50 }, (_, i) => fp(`s${i % 7}`, `old${i}`, T0 + i, i));
    index.record(facts({ published: old }));
    index.record(facts({ published: [fp('s0', 'new', T0 + 15 * D, 99)] }));
    // A new near fraction rebuilds the search structures, expiring old entries first.
    expect(
      fingerprintsOf(
        index,
        [
          ['s1', 'old1'],
          ['s0', 'new'],
        ],
        0.2,
      ),
    ).toEqual([plain(fp('s0', 'new', T0 + 15 * D, 99))]);
    // Published again after expiry: answered (a new entry, not the forgotten one).
    index.record(facts({ published: [fp('s1', 'old1', T0 + 15 * D, 5)] }));
    expect(fingerprintsOf(index, [['s1', 'old1']], 0.2)).toEqual([
      plain(fp('s1', 'old1', T0 + 15 * D, 5)),
    ]);
  });

  it('bounds publications to maxFingerprints, oldest first, ties in first-publication order', () => {
    const index = createInMemoryCrossSellerIndex({ maxFingerprints: 3 });
    index.record(
      facts({
        published: [
          fp('s', 'a', T0 + 5, 1),
          fp('s', 'b', T0 + 1, 2),
          fp('t', 'c', T0, 3),
          fp('t', 'd', T0, 4),
          fp('s', 'e', T0 + 9, 5),
        ],
      }),
    );
    // 'b' is re-published earlier, tying 'c' and 'd': it keeps its place, first.
    index.record(facts({ published: [fp('s', 'b', T0, 6)] }));
    const keys: Array<[string, string]> = [
      ['s', 'a'],
      ['s', 'b'],
      ['t', 'c'],
      ['t', 'd'],
      ['s', 'e'],
    ];
    expect(fingerprintsOf(index, keys, 0.2).map((f) => f.listingId)).toEqual(['a', 'd', 'e']);
  });

  it('finds publications after a takedown, also after entries were renumbered', () => {
    const index = createInMemoryCrossSellerIndex({ fingerprintDays: 1, publishedSearchHours: 24 });
    const filler = Array.from({ length: 30 }, (_, i) => fp('f', `x${i}`, T0, 100 + i));
    index.record(facts({ published: filler }));
    const copy = fp('b', 'copy', T0 + 3 * D, 7);
    index.record(facts({ published: [fp('z', 'other', T0 + 3 * D, 50), copy] }));
    // Expiry drops the filler and renumbers what is left.
    index.answer(request({ imageNearFraction: 0.2 }));
    const lookups = index.answer(
      request({ takedowns: [fp('a', 'orig', T0 + 3 * D - 1, 7)], imageNearFraction: 0.2 }),
    );
    expect(lookups.published.map(plain)).toEqual([plain(copy)]);
    expect(
      fingerprintsOf(
        index,
        [
          ['f', 'x0'],
          ['b', 'copy'],
        ],
        0.2,
      ),
    ).toEqual([plain(copy)]);
  });

  it('answers takedowns from a search kept between requests as a fresh index would', () => {
    const M = 60_000;
    /** Publications of five contents (seeds), with some near copies of seed 1 (bands only). */
    const batch = (from: number, n: number, tag: string) =>
      Array.from({ length: n }, (_, k) => {
        const f = fp(`s${k % 7}`, `${tag}${k}`, T0 + (from + k) * M, k % 5);
        if (k % 5 !== 1 || k % 2 === 0) return f;
        const signature = f.signature.map((v, i) => (i < 100 ? v : (v + 1) & 0xff));
        return { ...f, signature, imageHashes: [] };
      });
    const first = batch(0, 60, 'a');
    const second = batch(60, 60, 'b');
    const third = batch(120, 60, 'c');
    const r1 = request({ takedowns: [fp('x', 't1', T0 + 5 * M, 1)] });
    const r2 = request({
      takedowns: [fp('x', 't2', T0 + 30 * M, 1), fp('y', 't3', T0 + 70 * M, 2)],
    });
    const r3 = request({
      takedowns: [fp('x', 't4', T0 + 2 * M, 3), fp('y', 't5', T0 + 90 * M, 1)],
    });
    // A answers between the recordings (its search is kept and extended); B only at the end.
    const a = createInMemoryCrossSellerIndex();
    const b = createInMemoryCrossSellerIndex();
    a.record(facts({ published: first }));
    a.answer(r1);
    a.record(facts({ published: second }));
    const a2 = a.answer(r2);
    a.record(facts({ published: third }));
    const a2again = a.answer(r2);
    const a3 = a.answer(r3);
    for (const f of [first, second, third]) b.record(facts({ published: f }));
    const b2 = b.answer(r2);
    const b3 = b.answer(r3);
    expect(a2again.published.map(plain)).toEqual(b2.published.map(plain));
    expect(a3.published.map(plain)).toEqual(b3.published.map(plain));
    // The later publications are found once recorded, the earlier ones still.
    const ids = (x: typeof a2) => x.published.map((f) => f.listingId);
    expect(ids(a2).length).toBeGreaterThan(0);
    expect(ids(a2again).length).toBeGreaterThan(ids(a2).length);
    expect(ids(a2again)).toEqual(expect.arrayContaining(ids(a2)));
    expect(ids(b3)).toContain('c1');
    expect(ids(b3).every((id) => !id.startsWith('a') || Number(id.slice(1)) > 2)).toBe(true);
  });

  it('answers takedowns from its segments as one search would, in the same order, after expiries', () => {
    const H = 3_600_000;
    /** Takedowns of eight contents over 20 days, some sharing only bands, some only an image. */
    const takedowns = Array.from({ length: 400 }, (_, k) => {
      const f = fp(`s${k % 11}`, `t${k}`, T0 + k * 1.2 * H, k % 8);
      if (k % 3 === 1) return { ...f, imageHashes: [] };
      if (k % 3 === 2) {
        const signature = f.signature.map((v) => (v + 1 + k) & 0xff);
        return { ...f, signature };
      }
      return f;
    });
    const probes = (at: number) =>
      Array.from({ length: 8 }, (_, c) => fp(`p${c}`, `n${at}-${c}`, at, c));
    // Small segments, an expiry after every recording (a): many segments, some partly expired,
    // against one segment that never expires (b), asked the same with a window longer than the
    // 8 days a keeps takedowns: b's answers less what a expired must be a's, in a's order.
    const a = createInMemoryCrossSellerIndex({ takenSegment: 7, expireEvery: 1 });
    const b = createInMemoryCrossSellerIndex({ takenSegment: 1_000_000, expireEvery: 1e9 });
    let answered = 0;
    let expired = 0;
    for (let k = 0; k < takedowns.length; k += 20) {
      const batch = takedowns.slice(k, k + 20);
      a.record(facts({ takenDown: batch }));
      b.record(facts({ takenDown: batch }));
      const latest = (batch[batch.length - 1] as ListingFingerprint).at;
      const r = request({ newListings: probes(latest + H), windowMs: 30 * D });
      const fromA = a.answer(r).takenDown.map(plain);
      const fromB = b.answer(r).takenDown.map(plain);
      const kept = fromB.filter((f) => f.at >= latest - 8 * D);
      expect(fromA).toEqual(kept);
      answered += fromA.length;
      expired += fromB.length - kept.length;
    }
    expect(answered).toBeGreaterThan(100);
    expect(expired).toBeGreaterThan(100);
  });

  it.each([
    { publishedSearchHours: 24 * 30, expireEvery: 20_000 },
    { publishedSearchHours: 24, expireEvery: 1 },
  ])('answers late takedowns next to current ones as a fresh index would (%o)', (options) => {
    const M = 60_000;
    const recentFrom = T0 + 20 * D;
    const published = Array.from({ length: 120 }, (_, k) =>
      fp(`s${k % 9}`, `p${k}`, k < 40 ? T0 + D + k * M : recentFrom + k * M, k % 6),
    );
    // Late (before the first publications, then days before the recent ones: the second is
    // answered from the search kept for the first, after the early publications left the 24-hour
    // window in one of the cases) and current: each must answer what a fresh index would.
    const requests = [
      request({ takedowns: [fp('x', 'late1', T0 + D - M, 2)] }),
      request({ takedowns: [fp('x', 'late2', T0 + D + 10 * M, 4)] }),
      request({ takedowns: [fp('x', 'now1', recentFrom + 50 * M, 3)] }),
      request({ takedowns: [fp('x', 'now2', recentFrom + 45 * M, 5)] }),
    ];
    const a = createInMemoryCrossSellerIndex(options);
    const answers = requests.map((r, k) => {
      a.record(facts({ published: published.slice(k * 30, (k + 1) * 30) }));
      return a.answer(r).published.map(plain);
    });
    requests.forEach((r, k) => {
      const b = createInMemoryCrossSellerIndex(options);
      b.record(facts({ published: published.slice(0, (k + 1) * 30) }));
      expect(answers[k]).toEqual(b.answer(r).published.map(plain));
    });
    expect(answers.flat().length).toBeGreaterThan(4);
  });

  it('answers publications in publication order, whatever order they arrived and were asked in', () => {
    const M = 60_000;
    // Copies of two contents by many sellers, published over two hours, arriving shuffled.
    const published = Array.from({ length: 90 }, (_, k) =>
      fp(`s${(k * 7) % 13}`, `p${k}`, T0 + ((k * 37) % 90) * M, k % 2 === 0 ? 3 : 5),
    );
    const shuffled = [...published].sort((a, b) => (a.listingId < b.listingId ? -1 : 1));
    const late = request({
      takedowns: [fp('x', 'late3', T0 - M, 3), fp('x', 'late5', T0 + 30 * M, 5)],
    });
    // a: in publication order, asked between batches; b: shuffled, asked once at the end.
    const a = createInMemoryCrossSellerIndex();
    for (let k = 0; k < 90; k += 15) {
      a.record(facts({ published: published.slice(k, k + 15) }));
      a.answer(request({ takedowns: [fp('y', `t${k}`, T0 + k * M, 3)] }));
    }
    const b = createInMemoryCrossSellerIndex();
    b.record(facts({ published: shuffled }));
    const fromA = a.answer(late).published.map(plain);
    const fromB = b.answer(late).published.map(plain);
    expect(fromA).toEqual(fromB);
    // All 45 copies of content 3 (after T0 − 1 min), and those of 5 after T0 + 30 min.
    expect(fromA.length).toBe(
      45 +
        published.filter((f) => f.at > T0 + 30 * M && Number(f.listingId.slice(1)) % 2 === 1)
          .length,
    );
    const order = fromA.map((f) => [f.at, f.sellerId, f.listingId].join(' '));
    expect(fromA.map((f) => f.at)).toEqual([...fromA.map((f) => f.at)].sort((x, y) => x - y));
    expect(new Set(order).size).toBe(order.length);
  });

  it('finds taken-down listings of others sharing bands or an image, within the window', () => {
    const index = createInMemoryCrossSellerIndex();
    const down = fp('a', 'orig', T0, 7);
    index.record(facts({ takenDown: [down, fp('a', 'late', T0 + 2 * D, 7)] }));
    const probe = { ...fp('b', 'copy', T0 + D, 7), imageHashes: [] };
    const lookups = index.answer(request({ newListings: [probe] }));
    expect(lookups.takenDown.map(plain)).toEqual([plain(down)]);
  });

  it('answers only listings sharing at least 3 bands (of 4 rows) or an image', () => {
    const index = createInMemoryCrossSellerIndex();
    const at = T0 + D;
    /** `down`'s signature in its first `bands` bands, different in every other slot. */
    const sharing = (bands: number, id: string): ListingFingerprint => {
      const base = fp('a', 'orig', T0, 7);
      const signature = base.signature.map((v, i) => (i < bands * 4 ? v : (v + 1) & 0xff));
      return { ...base, sellerId: 'b', listingId: id, at, signature, imageHashes: [] };
    };
    const down = fp('a', 'orig', T0, 7);
    index.record(facts({ takenDown: [down] }));
    const answered = (probe: ListingFingerprint) =>
      index.answer(request({ newListings: [probe] })).takenDown.map((f) => f.listingId);
    expect(answered(sharing(2, 'two'))).toEqual([]);
    expect(answered(sharing(3, 'three'))).toEqual(['orig']);
    // Two bands, but the same image: answered for the image.
    expect(answered({ ...sharing(2, 'img'), imageHashes: down.imageHashes })).toEqual(['orig']);
  });
});

describe('in-memory cross-seller index: identifiers', () => {
  it('answers holders in first-holding order with their latest kind, and sanctions', () => {
    const index = createInMemoryCrossSellerIndex();
    const id = (sellerId: string, hash: string, kind: 'email_hash' | 'device_hash') => ({
      sellerId,
      hash,
      kind,
      at: T0,
    });
    index.record({
      identifiers: [
        id('a', 'H1', 'email_hash'),
        id('b', 'h1', 'email_hash'),
        id('a', 'h2', 'device_hash'),
      ],
      sanctions: [
        { sellerId: 'b', action: 'termination', at: T0 + 5 },
        { sellerId: 'b', action: 'suspension', at: T0 + 2 },
      ],
      published: [],
      takenDown: [],
    });
    index.record({
      identifiers: [
        id('c', 'h1', 'email_hash'),
        id('a', 'h1', 'device_hash'),
        id('d', 'h2', 'email_hash'),
      ],
      sanctions: [{ sellerId: 'b', action: 'termination', at: T0 + 1 }],
      published: [],
      takenDown: [],
    });
    const out = index.answer(request({ identifierHashes: ['h1'], sanctionedSellerIds: ['d'] }));
    expect(out.identifiers).toEqual([
      { hash: 'h1', sellerId: 'a', kind: 'device_hash' },
      { hash: 'h1', sellerId: 'b', kind: 'email_hash' },
      { hash: 'h1', sellerId: 'c', kind: 'email_hash' },
      { hash: 'h2', sellerId: 'a', kind: 'device_hash' },
      { hash: 'h2', sellerId: 'd', kind: 'email_hash' },
    ]);
    expect(out.sanctions).toEqual([
      { sellerId: 'b', action: 'termination', at: T0 + 1 },
      { sellerId: 'b', action: 'suspension', at: T0 + 2 },
    ]);
  });
});

describe('in-memory cross-seller index: search work', () => {
  it('counts the probes, bucket entries and candidates of each search', () => {
    const index = createInMemoryCrossSellerIndex({ publishedSearchHours: 24 });
    const zero = { probes: 0, bandEntries: 0, candidates: 0 };
    expect(index.searchStats()).toMatchObject({ taken: zero, recent: zero });
    // Three copies of one content and one other content, published after the original.
    index.record(
      facts({
        published: [
          fp('b', 'c1', T0 + D, 7),
          fp('c', 'c2', T0 + D, 7),
          fp('d', 'c3', T0 + D, 7),
          fp('e', 'other', T0 + D, 50),
        ],
      }),
    );
    const lookups = index.answer(
      request({ takedowns: [fp('a', 'orig', T0 + D - 1, 7)], imageNearFraction: 0.2 }),
    );
    expect(lookups.published.map((f) => f.listingId).sort()).toEqual(['c1', 'c2', 'c3']);
    const { recent, taken } = index.searchStats();
    // One takedown probed the recent publications: the three copies share every band with it.
    expect(recent.probes).toBe(1);
    expect(recent.candidates).toBe(3);
    expect(recent.bandEntries).toBeGreaterThanOrEqual(3 * 32);
    expect(taken).toEqual(zero);
    // A publication probes the taken-down listings, now holding the takedown.
    index.record(facts({ takenDown: [fp('a', 'orig', T0 + D - 1, 7)] }));
    index.answer(request({ newListings: [fp('f', 'new', T0 + D + 1_000, 50)] }));
    const after = index.searchStats();
    expect(after.taken.probes).toBe(1);
    expect(after.taken.candidates).toBe(0);
    expect(after.recent).toEqual(recent);
  });
});
