import {
  BANNED_ACCOUNT,
  COMEBACK_ACCOUNT,
  EVADER,
  pickFamilies,
  RECIDIVIST,
  startBadActor,
  startComeback,
  type BadActor,
  type BadProfile,
} from './behaviour-bad.ts';
import { startDrifter } from './behaviour-drifter.ts';
import { startHonestUnlucky, startOrdinary, startProfessional } from './behaviour-legit.ts';
import { LEGIT_CATEGORIES, type LegitCategory } from './catalogue-legit.ts';
import { keyedHash } from './identifiers.ts';
import { register, sanction, type HashedIdentifiers, type Seller } from './market.ts';
import type { ActorPlan, Identities } from './population.ts';
import { deriveRng, type Rng } from './prng.ts';
import type { World } from './world.ts';

/** Puts each planned actor on stage: registration at its planned time, then its behaviour. */

function hashedIdentifiers(seed: number, ids: Identities): HashedIdentifiers {
  const out: HashedIdentifiers = {};
  if (ids.email !== null) out.email_hash = keyedHash(seed, 'email', ids.email);
  if (ids.phone !== null) out.phone_hash = keyedHash(seed, 'phone', ids.phone);
  out.device_hash = keyedHash(seed, 'device', ids.device);
  if (ids.payout !== null) out.payout_hash = keyedHash(seed, 'payout', ids.payout);
  return out;
}

function pickCategories(rng: Rng): LegitCategory[] {
  const pool = [...LEGIT_CATEGORIES];
  const out: LegitCategory[] = [];
  const n = rng.int(1, 3);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(rng.next() * pool.length);
    out.push(pool[at] as LegitCategory);
    pool.splice(at, 1);
  }
  return out;
}

function makeSeller(plan: ActorPlan, id: string, rng: Rng, registeredAt: number): Seller {
  return {
    id,
    cls: plan.cls,
    rng,
    lang: plan.lang,
    currency: plan.currency,
    categories: pickCategories(rng),
    registeredAt,
    takedowns: 0,
    suspendedUntil: 0,
    terminated: false,
    active: new Set(),
  };
}

function badActor(
  seller: Seller,
  profile: BadProfile,
  families = pickFamilies(seller.rng, true),
): BadActor {
  return { seller, profile, families, memory: [] };
}

export function stageActor(world: World, plan: ActorPlan, seed: number): void {
  const rng = deriveRng(seed, `actor:${plan.index}`);
  const seller = makeSeller(plan, plan.sellerId, rng, plan.registeredAt);
  world.at(plan.registeredAt, () => {
    register(world, seller.id, hashedIdentifiers(seed, plan.identities), plan.country);
    switch (plan.cls) {
      case 'ordinary':
        return startOrdinary(world, seller);
      case 'honest_unlucky':
        return startHonestUnlucky(world, seller);
      case 'large_professional':
        return startProfessional(world, seller);
      case 'recidivist':
        return startBadActor(world, badActor(seller, RECIDIVIST), seller.registeredAt, true);
      case 'evader':
        return startBadActor(world, badActor(seller, EVADER), seller.registeredAt, true);
      case 'drifter':
        if (plan.drift !== undefined) startDrifter(world, seller, plan.drift);
        return;
      case 'ban_evader':
        return stageBanEvader(world, plan, seed, seller);
    }
  });
}

/**
 * The old account behaves as a recidivist until its planned termination; at the planned return
 * a new account registers with a shared device or payout identifier and picks up the trade.
 */
function stageBanEvader(world: World, plan: ActorPlan, seed: number, seller: Seller): void {
  const ban = plan.ban;
  if (ban === undefined) return;
  const old = badActor(seller, BANNED_ACCOUNT);
  startBadActor(world, old, seller.registeredAt, true);
  world.at(ban.terminatedAt, () => {
    if (!seller.terminated) sanction(world, seller, 'termination');
  });
  const freshRng = deriveRng(seed, `actor:${plan.index}:comeback`);
  const fresh = badActor(
    makeSeller(plan, ban.newSellerId, freshRng, ban.returnsAt),
    COMEBACK_ACCOUNT,
    old.families,
  );
  world.at(ban.returnsAt, () => {
    register(world, ban.newSellerId, hashedIdentifiers(seed, ban.newIdentities), plan.country);
    startComeback(world, old, fresh);
  });
}
