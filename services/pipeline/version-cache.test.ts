import { describe, expect, it } from 'vitest';
import type { ListingTextRow } from '../../features/store/index.ts';
import { createVersionCache, type StoredVersionKey } from './version-cache.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-02T08:00:00Z');

const version = (listing: string, at: number, eventId: string, seller = 's1'): ListingTextRow => ({
  listing_id: listing,
  seller_id: seller,
  version_at: at,
  event_id: eventId,
  category: 'c',
  title: `${listing} at ${at}`,
  description: 'd',
  normalized_text: 'n',
  minhash: [1, 2, 3],
  image_hashes: [],
  obfuscation_score: 0,
});
const key = (v: ListingTextRow): StoredVersionKey => ({
  seller_id: v.seller_id,
  listing_id: v.listing_id,
  version_at: v.version_at,
  event_id: v.event_id,
});
const want = (listing: string, seller = 's1') => ({ sellerId: seller, listingId: listing });

function cache(options: { maxListings?: number; maxVersions?: number; now?: number } = {}) {
  return createVersionCache({
    maxListings: options.maxListings ?? 100,
    maxVersions: options.maxVersions ?? 16,
    textTtlMs: 180 * DAY,
    now: () => options.now ?? T0 + DAY,
  });
}

describe('version cache', () => {
  it('answers the remembered versions when the store holds exactly them', () => {
    const c = cache();
    const a = version('L1', T0, 'e1');
    const b = version('L1', T0 + 1000, 'e2');
    c.remember([a, b]);
    const answer = c.answer([want('L1')], [key(b), key(a)], T0 + 5000, 8);
    expect(answer.misses).toEqual([]);
    expect(answer.versions).toEqual([b, a]);
  });

  it('counts a key repeated by an unmerged part once', () => {
    const c = cache();
    const a = version('L1', T0, 'e1');
    c.remember([a]);
    const answer = c.answer([want('L1')], [key(a), key(a)], T0 + 5000, 8);
    expect(answer).toEqual({ versions: [a], misses: [] });
  });

  it('misses a listing the store holds a version of that memory lacks (another writer)', () => {
    const c = cache();
    const a = version('L1', T0, 'e1');
    const foreign = version('L1', T0 + 1000, 'e9');
    c.remember([a]);
    const answer = c.answer([want('L1')], [key(a), key(foreign)], T0 + 5000, 8);
    expect(answer).toEqual({ versions: [], misses: [want('L1')] });
  });

  it('misses when the same time holds another event, or two events', () => {
    const c = cache();
    const a = version('L1', T0, 'e1');
    c.remember([a]);
    expect(c.answer([want('L1')], [{ ...key(a), event_id: 'e2' }], T0 + 5000, 8).misses).toEqual([
      want('L1'),
    ]);
    expect(
      c.answer([want('L1')], [key(a), { ...key(a), event_id: 'e2' }], T0 + 5000, 8).misses,
    ).toEqual([want('L1')]);
  });

  it('misses a version remembered but not stored (a failed write)', () => {
    const c = cache();
    c.remember([version('L1', T0, 'e1')]);
    expect(c.answer([want('L1')], [], T0 + 5000, 8).misses).toEqual([want('L1')]);
  });

  it('answers nothing, and no miss, for a listing neither holds', () => {
    expect(cache().answer([want('L1')], [], T0, 8)).toEqual({ versions: [], misses: [] });
  });

  it('compares only the latest n versions before `until`', () => {
    const c = cache();
    const vs = [0, 1, 2, 3].map((i) => version('L1', T0 + i * 1000, `e${i}`));
    c.remember(vs);
    // The store answered keys before `until` only; the oldest is beyond the limit of 2.
    const stored = vs.slice(0, 3).map(key);
    const answer = c.answer([want('L1')], stored, T0 + 2500, 2);
    expect(answer.misses).toEqual([]);
    expect(answer.versions.map((v) => v.event_id)).toEqual(['e2', 'e1']);
  });

  it('never answers a version older than the text TTL (the store may have blanked it)', () => {
    const a = version('L1', T0, 'e1');
    const fresh = cache({ now: T0 + 179 * DAY });
    fresh.remember([a]);
    expect(fresh.answer([want('L1')], [key(a)], T0 + 1, 8).misses).toEqual([]);
    const old = cache({ now: T0 + 181 * DAY });
    old.remember([a]);
    expect(old.answer([want('L1')], [key(a)], T0 + 1, 8).misses).toEqual([want('L1')]);
  });

  it('forgets the least recently used listing past its bound', () => {
    const c = cache({ maxListings: 2 });
    const [a, b, d] = ['L1', 'L2', 'L3'].map((l) => version(l, T0, `e-${l}`)) as [
      ListingTextRow,
      ListingTextRow,
      ListingTextRow,
    ];
    c.remember([a, b]);
    // L1 used, so L2 is the one to go.
    expect(c.answer([want('L1')], [key(a)], T0 + 1, 8).misses).toEqual([]);
    c.remember([d]);
    expect(c.size).toBe(2);
    expect(c.answer([want('L2')], [key(b)], T0 + 1, 8).misses).toEqual([want('L2')]);
    expect(c.answer([want('L1'), want('L3')], [key(a), key(d)], T0 + 1, 8).misses).toEqual([]);
  });

  it('keeps the newest versions of a listing past its bound, and one per time', () => {
    const c = cache({ maxVersions: 2 });
    const vs = [0, 1, 2].map((i) => version('L1', T0 + i, `e${i}`));
    c.remember([vs[2]!, vs[0]!, vs[1]!]);
    const rewritten = { ...vs[2]!, title: 'again' };
    c.remember([rewritten]);
    const answer = c.answer([want('L1')], [vs[1]!, vs[2]!].map(key), T0 + 10, 8);
    expect(answer.misses).toEqual([]);
    expect(answer.versions.map((v) => v.title)).toEqual(['again', vs[1]!.title]);
  });

  it('replaces a missed listing by what the store answered', () => {
    const c = cache();
    const mine = version('L1', T0, 'e1');
    const foreign = version('L1', T0 + 1000, 'e9');
    c.remember([mine]);
    c.replace([want('L1')], [foreign, mine]);
    expect(c.answer([want('L1')], [key(mine), key(foreign)], T0 + 5000, 8).versions).toEqual([
      foreign,
      mine,
    ]);
  });

  it('forgets some sellers, or everyone', () => {
    const c = cache();
    const a = version('L1', T0, 'e1', 's1');
    const b = version('L2', T0, 'e2', 's2');
    c.remember([a, b]);
    c.forget(['s1']);
    expect(c.answer([want('L1', 's1')], [key(a)], T0 + 1, 8).misses).toHaveLength(1);
    expect(c.answer([want('L2', 's2')], [key(b)], T0 + 1, 8).misses).toHaveLength(0);
    c.forget();
    expect(c.size).toBe(0);
  });
});
