import { describe, expect, it } from 'vitest';
import { createVersionCache, versionKey, type CachedVersion } from './version-cache.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

function version(listing: string, at: number, title = `t@${at}`, seller = 's1'): CachedVersion {
  return {
    listing_id: listing,
    seller_id: seller,
    version_at: at,
    category: 'c',
    title,
    description: 'd',
    image_hashes: [],
  };
}

const key = (listing: string, seller = 's1') => versionKey(seller, listing);
const edits = (entries: Array<[string, number[]]>) => new Map(entries);

/** A cache at T0 + 1 day with a 180-day TTL, and a helper that verifies listings as stored. */
function setup(capacity = 100) {
  let clock = T0 + DAY;
  const cache = createVersionCache({
    capacity,
    textTtlDays: 180,
    now: () => clock,
  });
  const verify = (counts: Record<string, number>) => {
    const check = cache.unverified(Object.keys(counts));
    cache.confirm(check, new Map(Object.entries(counts)));
  };
  return { cache, verify, setClock: (t: number) => (clock = t) };
}

describe('version cache', () => {
  it('serves nothing until the store confirms it holds exactly the versions counted', () => {
    const { cache, verify } = setup();
    cache.record([version('l1', T0), version('l1', T0 + 10)]);
    expect(cache.lookup(edits([[key('l1'), [T0 + 20]]])).misses).toEqual([key('l1')]);

    verify({ [key('l1')]: 2 });
    const answer = cache.lookup(edits([[key('l1'), [T0 + 20]]]));
    expect(answer.misses).toEqual([]);
    expect(answer.versions.map((v) => v.version_at)).toEqual([T0 + 10]);
  });

  it('drops a listing whose stored count differs (versions it did not write)', () => {
    const { cache, verify } = setup();
    cache.record([version('l1', T0 + 10)]);
    verify({ [key('l1')]: 2 }); // an earlier version written before a restart
    expect(cache.lookup(edits([[key('l1'), [T0 + 20]]])).misses).toEqual([key('l1')]);
    expect(cache.unverified([key('l1')]).held.size).toBe(0);
    expect(cache.stats().listings).toBe(0);
  });

  it('does not verify a listing recorded while the store was asked', () => {
    const { cache } = setup();
    // Held: a later chunk records a version (not yet written) while the count is read.
    cache.record([version('l1', T0)]);
    const held = cache.unverified([key('l1')]);
    cache.record([version('l1', T0 + 5)]);
    cache.confirm(held, new Map([[key('l1'), 2]]));
    expect(cache.lookup(edits([[key('l1'), [T0 + 20]]])).misses).toEqual([key('l1')]);
    // Not held when asked: the store's one version is not the one recorded meanwhile.
    const absent = cache.unverified([key('l2')]);
    cache.record([version('l2', T0 + 5)]);
    cache.confirm(absent, new Map([[key('l2'), 1]]));
    expect(cache.lookup(edits([[key('l2'), [T0 + 20]]])).misses).toEqual([key('l2')]);
  });

  it('serves the latest version before each edit, and "none" only when it holds them all', () => {
    const { cache, verify } = setup();
    cache.record([version('l1', T0 + 10), version('l1', T0 + 30)]);
    verify({ [key('l1')]: 2 });
    const answer = cache.lookup(edits([[key('l1'), [T0 + 20, T0 + 40, T0 + 5]]]));
    expect(answer.misses).toEqual([]);
    expect(answer.versions.map((v) => v.version_at)).toEqual([T0 + 10, T0 + 30]);
  });

  it('keeps the newest versions only, and misses an edit older than all it kept', () => {
    const cache = createVersionCache({ capacity: 10, textTtlDays: 180, keep: 2, now: () => T0 });
    cache.record([version('l1', T0 - 30), version('l1', T0 - 20), version('l1', T0 - 10)]);
    const check = cache.unverified([key('l1')]);
    cache.confirm(check, new Map([[key('l1'), 3]]));
    expect(cache.lookup(edits([[key('l1'), [T0 - 15]]])).versions[0]?.version_at).toBe(T0 - 20);
    expect(cache.lookup(edits([[key('l1'), [T0 - 25]]])).misses).toEqual([key('l1')]);
  });

  it('counts a version with the same time once (one stored row), and replaces it', () => {
    const { cache, verify } = setup();
    cache.record([version('l1', T0, 'first'), version('l1', T0, 'again')]);
    verify({ [key('l1')]: 1 });
    expect(cache.lookup(edits([[key('l1'), [T0 + 1]]])).versions[0]?.title).toBe('again');
  });

  it('does not serve text within the margin of its TTL, and sweeps it', () => {
    const { cache, verify, setClock } = setup();
    cache.record([version('l1', T0)]);
    verify({ [key('l1')]: 1 });
    setClock(T0 + 180 * DAY - 30 * 60_000); // half an hour before the TTL
    expect(cache.lookup(edits([[key('l1'), [T0 + 1]]])).misses).toEqual([key('l1')]);
    cache.sweep();
    expect(cache.stats().listings).toBe(0);
  });

  it('never serves a version without raw text (its signature is in the store only)', () => {
    const { cache, verify } = setup();
    cache.record([{ ...version('l1', T0), title: '', description: '' }]);
    verify({ [key('l1')]: 1 });
    expect(cache.lookup(edits([[key('l1'), [T0 + 1]]])).misses).toEqual([key('l1')]);
  });

  it('is seeded from a store read that reaches the newest version, unless held meanwhile', () => {
    const { cache } = setup();
    cache.seed(key('l1'), 2, [version('l1', T0 + 10), version('l1', T0)]);
    expect(cache.lookup(edits([[key('l1'), [T0 + 20]]])).versions[0]?.version_at).toBe(T0 + 10);
    cache.seed(key('l2'), 3, [version('l2', T0)]); // one of three, fewer than `keep`: not held
    expect(cache.stats().listings).toBe(1);
    cache.record([version('l3', T0)]);
    cache.seed(key('l3'), 1, [version('l3', T0 - 5)]); // recorded since: not known, dropped
    expect(cache.lookup(edits([[key('l3'), [T0 + 20]]])).misses).toEqual([key('l3')]);
  });

  it('forgets one seller, or everything', () => {
    const { cache, verify } = setup();
    cache.record([version('l1', T0, 'a', 's1'), version('l2', T0, 'b', 's2')]);
    verify({ [key('l1', 's1')]: 1, [key('l2', 's2')]: 1 });
    cache.clear(['s1']);
    const answer = cache.lookup(
      edits([
        [key('l1', 's1'), [T0 + 1]],
        [key('l2', 's2'), [T0 + 1]],
      ]),
    );
    expect(answer.misses).toEqual([key('l1', 's1')]);
    cache.clear();
    expect(cache.stats().listings).toBe(0);
  });

  it('holds at most its capacity, in two generations that keep what is used', () => {
    const { cache, verify } = setup(4);
    cache.record([version('l1', T0)]);
    verify({ [key('l1')]: 1 });
    for (let i = 2; i <= 9; i += 1) {
      cache.record([version(`l${i}`, T0)]);
      cache.lookup(edits([[key('l1'), [T0 + 1]]])); // kept young by use
      expect(cache.stats().listings).toBeLessThanOrEqual(4);
    }
    expect(cache.lookup(edits([[key('l1'), [T0 + 1]]])).misses).toEqual([]);
    expect(cache.lookup(edits([[key('l2'), [T0 + 1]]])).misses).toEqual([key('l2')]);
  });

  it('with capacity 0 holds nothing', () => {
    const { cache } = setup(0);
    cache.record([version('l1', T0)]);
    expect(cache.enabled).toBe(false);
    expect(cache.stats().listings).toBe(0);
    expect(cache.unverified([key('l1')]).keys).toEqual([]);
  });
});
