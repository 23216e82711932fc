import { ILLICIT_FAMILIES } from './catalogue-illicit.ts';
import {
  canAct,
  DAY,
  drawNotifier,
  edit,
  HOUR,
  notice,
  pickActive,
  publish,
  sanction,
  SOURCE_FOR_NOTIFIER,
  takeDown,
  withdraw,
  type Listing,
  type Seller,
} from './market.ts';
import type { DriftPlan } from './population.ts';
import { driftDescription, driftDraft } from './text.ts';
import type { World } from './world.ts';

/**
 * Drifters: harmless-looking listings whose wording slides, listing after listing and edit
 * after edit, toward a coded vocabulary; the first takedown comes late (at the planned time)
 * or never.
 */

/** Probability that a wording slot is coded at time `t`: 0 before the drift, up to 0.9. */
export function codedProbability(plan: DriftPlan, endMs: number, t: number): number {
  const until = plan.firstTakedownAt ?? endMs;
  const x = (t - plan.startsAt) / Math.max(1, until - plan.startsAt);
  return 0.9 * Math.min(1, Math.max(0, x));
}

export function startDrifter(world: World, seller: Seller, plan: DriftPlan): void {
  const rng = seller.rng;
  const perDay = rng.range(0.3, 1);
  const coded = (): number => codedProbability(plan, world.endMs, world.now);
  const put = (): Listing => {
    const listing = publish(world, seller, driftDraft(rng, seller, plan.family, coded()));
    world.after(rng.chance(0.4) ? rng.exp(8 * DAY) + HOUR : 30 * DAY, () => {
      if (!listing.held) withdraw(world, listing, rng.chance(0.4) ? 'sold' : 'expired');
    });
    return listing;
  };
  const next = (): void => {
    if (canAct(world, seller)) put();
    world.after(rng.exp(DAY / perDay), next);
  };
  world.at(Math.max(world.startMs, seller.registeredAt) + rng.exp(DAY / perDay), next);

  // Rewording: now and then one or two live listings get a new description in the current
  // vocabulary, so the drift shows in edits as well as in new listings.
  const reword = (): void => {
    if (canAct(world, seller)) {
      const picked = new Set<Listing>();
      for (let i = rng.int(1, 2); i > 0; i--) {
        const listing = pickActive(seller, false);
        if (listing !== null) picked.add(listing);
      }
      for (const listing of picked) {
        edit(world, listing, {
          description: driftDescription(rng, plan.family, seller.lang, coded()),
        });
      }
    }
    world.after(rng.exp(DAY) + HOUR, reword);
  };
  world.at(Math.max(world.startMs, plan.startsAt) + rng.exp(DAY), reword);

  const takedownAt = plan.firstTakedownAt;
  if (takedownAt === null) return;
  const family = ILLICIT_FAMILIES[plan.family];
  const lead = Math.min(rng.range(2 * HOUR, 12 * HOUR), (takedownAt - plan.startsAt) / 4);
  world.at(takedownAt - lead, () => {
    let target: Listing | null = null;
    for (const listing of seller.active) target = listing;
    const listing = target ?? put();
    listing.held = true;
    const notifier = drawNotifier(rng, [0.5, 0.3, 0.2]);
    const noticeId = notice(world, seller, listing, notifier, family.dsaCategory);
    world.at(takedownAt, () => {
      takeDown(world, listing, {
        ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
        category: family.dsaCategory,
        source: SOURCE_FOR_NOTIFIER[notifier],
        automated: false,
        noticeId,
      });
      if (rng.chance(0.5)) sanction(world, seller, 'warning');
    });
  });
}
