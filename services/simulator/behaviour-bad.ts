import { ILLICIT_FAMILIES, ILLICIT_FAMILY_IDS, type IllicitFamilyId } from './catalogue-illicit.ts';
import { flipBits } from './identifiers.ts';
import {
  bounded,
  canAct,
  DAY,
  drawNotifier,
  edit,
  HOUR,
  MINUTE,
  notice,
  publish,
  sanction,
  SOURCE_FOR_NOTIFIER,
  takeDown,
  withdraw,
  type Draft,
  type Listing,
  type Seller,
} from './market.ts';
import { obfuscate, type ObfuscationTechnique } from './obfuscate.ts';
import type { Rng } from './prng.ts';
import { illicitDraft, legitDraft } from './text.ts';
import type { World } from './world.ts';

/**
 * Bad actors: recidivists (blunt, repeated takedowns on illegal grounds), evaders (disguise
 * what was taken down) and the terminated accounts of ban evaders, plus their comeback.
 */

export interface BadProfile {
  /** Listings per day, drawn in this range. */
  perDay: readonly [number, number];
  /** Share of listings that are illicit (the rest is cover: ordinary goods). */
  illicit: number;
  /** Chance an illicit listing gets a notice or an own-initiative takedown. */
  enforcement: number;
  /** Evaders: chance of deleting a listing right after a notice, before any takedown. */
  deleteAfterNotice: number;
  /** Chance of putting a taken-down item back up (plain for recidivists, disguised for evaders). */
  comeback: number;
  /** Disguise comebacks (evaders) or not (recidivists). */
  disguise: boolean;
  /** Takedown counts that draw a warning / a suspension (days). */
  warningAt: number;
  suspensionAt: number;
  suspensionDays: number;
}

export const RECIDIVIST: BadProfile = {
  perDay: [0.5, 2],
  illicit: 0.5,
  enforcement: 0.8,
  deleteAfterNotice: 0,
  comeback: 0.3,
  disguise: false,
  warningAt: 2,
  suspensionAt: 4,
  suspensionDays: 7,
};

export const EVADER: BadProfile = {
  perDay: [0.5, 1.5],
  illicit: 0.6,
  enforcement: 0.7,
  deleteAfterNotice: 0.35,
  comeback: 1,
  disguise: true,
  warningAt: 3,
  suspensionAt: 6,
  suspensionDays: 3,
};

export const BANNED_ACCOUNT: BadProfile = {
  perDay: [1, 2],
  illicit: 0.6,
  enforcement: 0.7,
  deleteAfterNotice: 0,
  comeback: 0.3,
  disguise: false,
  warningAt: 1,
  suspensionAt: 2,
  suspensionDays: 2,
};

export const COMEBACK_ACCOUNT: BadProfile = {
  perDay: [0.5, 1.5],
  illicit: 0.5,
  enforcement: 0.4,
  deleteAfterNotice: 0.2,
  comeback: 0.5,
  disguise: true,
  warningAt: 3,
  suspensionAt: 99,
  suspensionDays: 0,
};

/** Character-level disguises, used for the first comeback so it is always recognisable. */
const CHARACTER_TECHNIQUES: readonly ObfuscationTechnique[] = [
  'homoglyph',
  'leet',
  'separator',
  'zero_width',
];

export interface BadActor {
  seller: Seller;
  profile: BadProfile;
  families: IllicitFamilyId[];
  /** Illicit drafts as last seen (most recent last, at most 12): what a comeback re-lists. */
  memory: Draft[];
}

const MEMORY = 12;

function remember(actor: BadActor, listing: Listing): void {
  actor.memory.push({ ...listing, images: [...listing.images] });
  if (actor.memory.length > MEMORY) actor.memory.shift();
}

/** Two or three families; recidivists always include protection of minors or unsafe goods. */
export function pickFamilies(rng: Rng, anchor: boolean): IllicitFamilyId[] {
  const pool = [...ILLICIT_FAMILY_IDS];
  const out: IllicitFamilyId[] = [];
  if (anchor) {
    const first = rng.pick(['child_like_doll', 'banned_laser', 'fake_medicine'] as const);
    out.push(first);
    pool.splice(pool.indexOf(first), 1);
  }
  const want = rng.int(2, 3);
  while (out.length < want) {
    const at = Math.floor(rng.next() * pool.length);
    out.push(pool[at] as IllicitFamilyId);
    pool.splice(at, 1);
  }
  return out;
}

/**
 * Starts the actor's publishing. With `sureFirst`, the first illicit listing comes early and is
 * always acted on, so the actor has a takedown to react to; the rest follows the profile.
 */
export function startBadActor(
  world: World,
  actor: BadActor,
  from: number,
  sureFirst: boolean,
): void {
  const { seller, profile } = actor;
  const rng = seller.rng;
  const span = world.endMs - world.startMs;
  const perDay = rng.range(profile.perDay[0], profile.perDay[1]);
  const first = Math.max(from, world.startMs) + rng.range(0.005, 0.04) * span;
  if (sureFirst) {
    world.at(first, () => {
      if (!canAct(world, seller)) return;
      const listing = publishIllicit(world, actor);
      enforce(world, actor, listing, 0, true);
    });
  }
  const next = (): void => {
    if (seller.terminated) return;
    if (canAct(world, seller)) {
      if (rng.chance(profile.illicit)) {
        const listing = publishIllicit(world, actor);
        if (rng.chance(profile.enforcement)) enforce(world, actor, listing, 0, false);
      } else {
        const listing = publish(world, seller, legitDraft(rng, seller));
        world.after(rng.exp(6 * DAY) + HOUR, () => withdraw(world, listing, 'sold'));
      }
    }
    world.after(rng.exp(DAY / perDay), next);
  };
  world.at(first + rng.exp(DAY / perDay), next);
}

function publishIllicit(world: World, actor: BadActor, draft?: Draft): Listing {
  const rng = actor.seller.rng;
  const listing = publish(
    world,
    actor.seller,
    draft ?? illicitDraft(rng, actor.seller, rng.pick(actor.families)),
  );
  remember(actor, listing);
  // Unsold illicit listings lapse after 30 days unless a takedown is under way.
  world.after(30 * DAY, () => {
    if (!listing.held) withdraw(world, listing, 'expired');
  });
  return listing;
}

/**
 * A notice (trusted flagger, user or authority) then a takedown, or a takedown on the
 * platform's own initiative. Evaders sometimes delete the listing as soon as the notice lands.
 */
function enforce(
  world: World,
  actor: BadActor,
  listing: Listing,
  depth: number,
  sure: boolean,
): void {
  const { seller, profile } = actor;
  const rng = seller.rng;
  const span = world.endMs - world.startMs;
  const family = ILLICIT_FAMILIES[listing.family ?? 'scam_voucher'];
  const delay = sure ? rng.range(0.005, 0.03) * span : rng.exp(1.5 * DAY) + 30 * MINUTE;
  world.after(bounded(world, delay), () => {
    if (!listing.active || seller.terminated) return;
    const decision = {
      ground: 'DECISION_GROUND_ILLEGAL_CONTENT' as const,
      category: family.dsaCategory,
    };
    if (!sure && rng.chance(0.2)) {
      if (
        takeDown(world, listing, {
          ...decision,
          source: 'SOURCE_VOLUNTARY',
          automated: rng.chance(0.7),
        })
      ) {
        afterTakedown(world, actor, listing, depth);
      }
      return;
    }
    const notifier = drawNotifier(rng, [0.4, 0.4, 0.2]);
    const noticeId = notice(world, seller, listing, notifier, family.dsaCategory);
    if (!sure && rng.chance(profile.deleteAfterNotice)) {
      world.after(rng.range(2 * MINUTE, 45 * MINUTE), () => {
        if (!listing.active || seller.terminated) return;
        withdraw(world, listing, 'seller_deleted');
        if (profile.disguise) comeback(world, actor, listing, depth, false);
      });
      return;
    }
    listing.held = true;
    const lag =
      notifier === 'user' ? rng.range(4 * HOUR, 36 * HOUR) : rng.range(30 * MINUTE, 6 * HOUR);
    world.after(bounded(world, lag), () => {
      const source = SOURCE_FOR_NOTIFIER[notifier];
      if (takeDown(world, listing, { ...decision, source, automated: false, noticeId })) {
        afterTakedown(world, actor, listing, depth);
      }
    });
  });
}

function afterTakedown(world: World, actor: BadActor, listing: Listing, depth: number): void {
  const { seller, profile } = actor;
  const rng = seller.rng;
  if (seller.takedowns === profile.warningAt) sanction(world, seller, 'warning');
  if (seller.takedowns === profile.suspensionAt && profile.suspensionDays > 0) {
    sanction(world, seller, 'suspension', world.now + profile.suspensionDays * DAY);
  }
  const first = depth === 0 && seller.takedowns === 1;
  if (profile.disguise ? first || rng.chance(profile.comeback) : rng.chance(profile.comeback)) {
    comeback(world, actor, listing, depth, first);
  }
}

/** A disguised copy of a listing: obfuscated wording, same or near-duplicate photos. */
export function disguise(rng: Rng, listing: Draft, characterLevel: boolean): Draft {
  const synonyms = listing.family === null ? {} : ILLICIT_FAMILIES[listing.family].synonyms;
  const techniques = characterLevel ? [rng.pick(CHARACTER_TECHNIQUES)] : undefined;
  const title = obfuscate(rng, listing.title, synonyms, techniques).text;
  const description =
    listing.description === '' ? '' : obfuscate(rng, listing.description, synonyms).text;
  const images = listing.images.map((h) => (rng.chance(0.5) ? h : flipBits(rng, h, rng.int(2, 8))));
  return { ...listing, title, description, images };
}

/**
 * The item comes back: evaders re-list it disguised (or edit the taken-down listing with
 * disguised wording); recidivists re-list it as it was.
 */
function comeback(
  world: World,
  actor: BadActor,
  taken: Listing,
  depth: number,
  sure: boolean,
): void {
  const { seller, profile } = actor;
  const rng = seller.rng;
  if (depth >= 3) return;
  if (profile.disguise && !sure && rng.chance(0.35) && !taken.active) {
    world.after(bounded(world, rng.range(10 * MINUTE, DAY)), () => {
      if (!canAct(world, seller)) return;
      const d = disguise(rng, taken, false);
      edit(world, taken, { title: d.title, description: d.description, images: d.images });
    });
    return;
  }
  world.after(bounded(world, rng.range(HOUR, 2 * DAY)), () => {
    if (!canAct(world, seller)) return;
    const draft = profile.disguise
      ? disguise(rng, taken, sure)
      : { ...taken, images: [...taken.images] };
    const again = publishIllicit(world, actor, draft);
    // Disguises fool part of the moderation: fewer come back to a notice.
    if (rng.chance(profile.disguise ? 0.35 : profile.enforcement))
      enforce(world, actor, again, depth + 1, false);
  });
}

/**
 * The terminated account's comeback under a new id: re-lists what it remembers (half of it
 * disguised), then carries on with a lighter profile.
 */
export function startComeback(world: World, old: BadActor, fresh: BadActor): void {
  const rng = fresh.seller.rng;
  let at = world.now;
  for (const draft of old.memory.slice(-8)) {
    at += rng.range(10 * MINUTE, 12 * HOUR);
    world.at(at, () => {
      if (!canAct(world, fresh.seller)) return;
      const next = rng.chance(0.5)
        ? disguise(rng, draft, false)
        : { ...draft, images: [...draft.images] };
      const listing = publishIllicit(world, fresh, next);
      if (rng.chance(fresh.profile.enforcement)) enforce(world, fresh, listing, 1, false);
    });
  }
  startBadActor(world, fresh, at, false);
}
