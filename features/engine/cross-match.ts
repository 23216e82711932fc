import type { BatchContext, EngineEnv } from './context.ts';
import {
  compactOf,
  countedOf,
  MIN_SHARED_BANDS,
  type CrossSellerLookups,
  type ListingFingerprint,
} from './cross-seller.ts';
import { sketchFromSignature, sketchSimilarity } from './listing-text.ts';
import { createImageMatcher, encodeImages } from './image-match.ts';
import { addMatch } from './matching.ts';
import { DAY, type LinkEntry, type ListingContent, type SellerState } from './seller-state.ts';

interface Candidate {
  sellerId: string;
  listingId: string;
  at: number;
  content: ListingContent;
  /** From this batch (else from the lookups: a pair of two looked-up listings is not new). */
  fresh: boolean;
  /** Scratch for the probe in hand: its number, the bands shared, the image reuse (0–2). */
  stamp: number;
  bands: number;
  image: number;
}

function candidate(
  sellerId: string,
  listingId: string,
  at: number,
  content: ListingContent,
  fresh: boolean,
): Candidate {
  return { sellerId, listingId, at, content, fresh, stamp: -1, bands: 0, image: 0 };
}

function fromFingerprint(fp: ListingFingerprint): Candidate {
  const compact = compactOf(fp);
  const content = {
    sketch: compact?.sketch ?? sketchFromSignature(fp.signature),
    images: compact?.images ?? encodeImages(fp.imageHashes),
    shingles: fp.shingles ?? 0,
    titleShingles: fp.titleShingles ?? 0,
  };
  return candidate(fp.sellerId, fp.listingId, fp.at, content, false);
}

type Touch = (c: Candidate) => void;
type OnImage = (c: Candidate, level: 1 | 2) => void;

/** Taken-down candidates by band and image: `meet` touches those a listing shares one with. */
function indexRemoved(
  removed: readonly Candidate[],
  bandsOf: (c: ListingContent) => Int32Array | undefined,
  config: EngineEnv['config'],
) {
  const byBand = Array.from({ length: config.bands }, () => new Map<number, Candidate[]>());
  const images = createImageMatcher<Candidate>(config.imageNearFraction);
  for (const c of removed) {
    const codes = bandsOf(c.content);
    for (let b = 0; codes !== undefined && b < codes.length; b += 1) {
      const map = byBand[b] as Map<number, Candidate[]>;
      const list = map.get(codes[b] as number);
      if (list === undefined) map.set(codes[b] as number, [c]);
      else list.push(c);
    }
    images.add(c.content.images, c);
  }
  return (content: ListingContent, touch: Touch, onImage: OnImage): void => {
    if (removed.length === 0) return;
    const codes = bandsOf(content);
    for (let b = 0; codes !== undefined && b < codes.length; b += 1) {
      const list = (byBand[b] as Map<number, Candidate[]>).get(codes[b] as number);
      if (list === undefined) continue;
      for (const c of list) {
        touch(c);
        c.bands += 1;
      }
    }
    if (images.size > 0 && content.images !== '') images.candidates(content.images, onImage);
  };
}

/**
 * The counted pairs of the lookups, if they hold for this engine: `numberOf(p)` then gives the
 * number of the request's new listing that `p` is (same listing, time and content), or -1.
 */
function countedFor(lookups: CrossSellerLookups, config: EngineEnv['config']) {
  const counted = countedOf(lookups);
  if (
    counted === undefined ||
    counted.bands !== config.bands ||
    counted.nearFraction !== config.imageNearFraction ||
    counted.windowMs !== config.relistAnyWindowDays * DAY
  ) {
    return undefined;
  }
  const list = counted.newListings;
  const same = (j: number, p: Candidate): boolean => {
    const fp = list[j] as ListingFingerprint;
    return fp.listingId === p.listingId && fp.sellerId === p.sellerId && fp.at === p.at;
  };
  // The batch's publications come in the order of the request's new listings (both follow the
  // events), less the ones apply skipped: a short forward scan finds each, a map the others.
  let next = 0;
  let byListing: Map<string, number[]> | undefined;
  const find = (p: Candidate): number => {
    for (let j = next; j < list.length && j < next + 8; j += 1) if (same(j, p)) return j;
    if (byListing === undefined) {
      byListing = new Map();
      list.forEach((fp, j) => {
        const js = byListing?.get(fp.listingId);
        if (js === undefined) byListing?.set(fp.listingId, [j]);
        else js.push(j);
      });
    }
    return byListing.get(p.listingId)?.find((j) => same(j, p)) ?? -1;
  };
  return {
    counted,
    numberOf(p: Candidate): number {
      const j = find(p);
      if (j < 0) return -1;
      next = j + 1;
      const compact = compactOf(list[j] as ListingFingerprint);
      return compact !== undefined &&
        compact.sketch === p.content.sketch &&
        compact.images === p.content.images
        ? j
        : -1;
    },
  };
}

/**
 * Cross-seller re-listing, both ways: listings published in the batch against taken-down
 * listings of other sellers (from the lookups and from the batch itself), and takedowns of the
 * batch against listings other sellers published after them — so a copy that arrives before
 * the takedown it copies is still caught. The taken-down side (the small one) is indexed by band
 * and image; every publication probes it. Only sellers held by this engine are updated, and only
 * re-lists (similarity ≥ `relistThreshold`) and image reuse are kept across sellers: resembling
 * another seller's removed listing a little is ordinary (the same product).
 *
 * When the lookups carry the pairs the in-memory index counted (`CountedPairs`), a publication
 * of the batch takes its looked-up candidates from them rather than from an index of the
 * thousands of looked-up takedowns: only the batch's own takedowns are indexed here. Matches are
 * recorded in the same order of publications; within one, `addMatch` is commutative.
 */
export function crossMatchListings(
  sellers: Map<string, SellerState>,
  lookups: CrossSellerLookups,
  batch: BatchContext,
  bandsOf: (c: ListingContent) => Int32Array | undefined,
  env: EngineEnv,
  changed: Set<string>,
): void {
  const { config } = env;
  const own: Candidate[] = [];
  for (const { state, entry } of batch.takenDown) {
    if (entry.content !== undefined) {
      own.push(candidate(state.id, entry.listingId, entry.at, entry.content, true));
    }
  }
  if (lookups.takenDown.length + own.length === 0) return;
  const published: Candidate[] = lookups.published.map(fromFingerprint);
  for (const p of batch.published)
    published.push(candidate(p.state.id, p.listingId, p.at, p.content, true));
  if (published.length === 0) return;

  const pairs = countedFor(lookups, config);
  const looked: Array<Candidate | undefined> = new Array(lookups.takenDown.length);
  const lookedUp = (t: number): Candidate =>
    (looked[t] ??= fromFingerprint(lookups.takenDown[t] as ListingFingerprint));
  let meetLooked: ReturnType<typeof indexRemoved> | undefined;
  const meetOwn = indexRemoved(
    pairs === undefined ? lookups.takenDown.map((_, t) => lookedUp(t)).concat(own) : own,
    bandsOf,
    config,
  );
  const window = config.relistAnyWindowDays * DAY;
  const hits: Candidate[] = [];
  let stamp = 0;
  const touch = (c: Candidate): void => {
    if (c.stamp !== stamp) {
      c.stamp = stamp;
      c.bands = 0;
      c.image = 0;
      hits.push(c);
    }
  };
  const onImage = (c: Candidate, level: 1 | 2): void => {
    touch(c);
    c.image = Math.max(c.image, level);
  };
  for (const p of published) {
    stamp += 1;
    hits.length = 0;
    meetOwn(p.content, touch, onImage);
    // Without counted pairs, `meetOwn` has the looked-up takedowns too; two looked-up listings
    // are never matched, so a looked-up publication needs no more.
    if (pairs !== undefined && p.fresh) {
      const j = pairs.numberOf(p);
      if (j >= 0) {
        const { start, taken, shared, image } = pairs.counted;
        for (let k = start[j] as number; k < (start[j + 1] as number); k += 1) {
          const c = lookedUp(taken[k] as number);
          touch(c);
          c.bands = shared[k] as number;
          c.image = image[k] as number;
        }
      } else {
        meetLooked ??= indexRemoved(
          lookups.takenDown.map((_, t) => lookedUp(t)),
          bandsOf,
          config,
        );
        meetLooked(p.content, touch, onImage);
      }
    }
    for (const c of hits) {
      // Own re-lists are the seller state's job; two looked-up listings are old news.
      if (c.sellerId === p.sellerId || !(c.fresh || p.fresh)) continue;
      if (!(c.at < p.at && p.at - c.at <= window)) continue;
      if (c.bands < MIN_SHARED_BANDS && c.image === 0) continue;
      const state = sellers.get(p.sellerId);
      if (state === undefined || p.at <= state.frontier) continue;
      let similarity =
        c.bands >= MIN_SHARED_BANDS
          ? sketchSimilarity(p.content.sketch, c.content.sketch)
          : Number.NaN;
      if (!(similarity >= config.relistThreshold)) similarity = Number.NaN;
      const image = c.image;
      if (Number.isNaN(similarity) && image === 0) continue;
      const m = {
        listingId: p.listingId,
        at: p.at,
        otherSellerId: c.sellerId,
        otherListingId: c.listingId,
        takenDownAt: c.at,
        similarity,
        image,
      };
      if (addMatch(state, m, config)) changed.add(state.id);
    }
  }
}

/** Adds or tightens a link (earliest sanction times); keeps the `max` earliest-sanctioned. */
function addLink(state: SellerState, link: LinkEntry, max: number): boolean {
  if (state.links === null) state.links = [];
  const list = state.links;
  const old = list.find((l) => l.sellerId === link.sellerId);
  if (old !== undefined) {
    if (link.suspendedAt >= old.suspendedAt && link.terminatedAt >= old.terminatedAt) return false;
    old.suspendedAt = Math.min(old.suspendedAt, link.suspendedAt);
    old.terminatedAt = Math.min(old.terminatedAt, link.terminatedAt);
  } else {
    list.push(link);
  }
  const key = (l: LinkEntry): number => Math.min(l.suspendedAt, l.terminatedAt);
  list.sort((a, b) => key(a) - key(b) || (a.sellerId < b.sellerId ? -1 : 1));
  if (list.length > max) list.length = max;
  return list.includes(old ?? link);
}

/**
 * Ban-evasion links: any two sellers holding the same identifier hash, one of them suspended or
 * terminated. Holders and sanctions come from the lookups and from the batch itself, so a link
 * is found whichever of the registration and the sanction comes first; a seller registered long
 * before its linked account is sanctioned is updated (and reported changed) by the sanction.
 */
export function crossLink(
  sellers: Map<string, SellerState>,
  lookups: CrossSellerLookups,
  batch: BatchContext,
  maxLinks: number,
  changed: Set<string>,
): void {
  const holders = new Map<string, Set<string>>();
  const hold = (hash: string, sellerId: string): void => {
    const key = hash.toLowerCase();
    const set = holders.get(key);
    if (set === undefined) holders.set(key, new Set([sellerId]));
    else set.add(sellerId);
  };
  for (const x of lookups.identifiers) hold(x.hash, x.sellerId);
  for (const x of batch.facts.identifiers) hold(x.hash, x.sellerId);
  const sanctions = new Map<string, { suspendedAt: number; terminatedAt: number }>();
  const sanction = (sellerId: string, action: string, at: number): void => {
    const s = sanctions.get(sellerId) ?? { suspendedAt: Infinity, terminatedAt: Infinity };
    if (action === 'suspension') s.suspendedAt = Math.min(s.suspendedAt, at);
    if (action === 'termination') s.terminatedAt = Math.min(s.terminatedAt, at);
    sanctions.set(sellerId, s);
  };
  for (const x of lookups.sanctions) sanction(x.sellerId, x.action, x.at);
  for (const x of batch.facts.sanctions) sanction(x.sellerId, x.action, x.at);
  const sanctionOf = (sellerId: string) => {
    const held = sellers.get(sellerId);
    const s = sanctions.get(sellerId);
    const suspendedAt = Math.min(held?.suspendedAt ?? Infinity, s?.suspendedAt ?? Infinity);
    const terminatedAt = Math.min(held?.terminatedAt ?? Infinity, s?.terminatedAt ?? Infinity);
    return Number.isFinite(Math.min(suspendedAt, terminatedAt))
      ? { suspendedAt, terminatedAt }
      : undefined;
  };
  for (const group of holders.values()) {
    if (group.size < 2) continue;
    for (const x of group) {
      const state = sellers.get(x);
      if (state === undefined) continue;
      for (const y of group) {
        if (y === x) continue;
        const s = sanctionOf(y);
        if (s !== undefined && addLink(state, { sellerId: y, ...s }, maxLinks)) changed.add(x);
      }
    }
  }
}
