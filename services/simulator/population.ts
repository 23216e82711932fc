import { DRIFT_FAMILY_IDS, type IllicitFamilyId } from './catalogue-illicit.ts';
import type { Lang } from './catalogue-legit.ts';
import { DAY, HOUR } from './market.ts';
import { SELLER_CLASSES, type ResolvedSimulationOptions, type SellerClass } from './options.ts';
import { deriveRng, type Rng } from './prng.ts';
import type { SimulationTruth, TruthSeller } from './truth.ts';

/**
 * The cast, decided before the first event: who plays which class, when accounts registered,
 * which identities they hold, and the planned times the truth file records (drifters' first
 * takedown, ban evaders' termination and return). Behaviours follow these plans exactly.
 */

export interface Identities {
  email: number | null;
  phone: number | null;
  device: number;
  payout: number | null;
}

export interface DriftPlan {
  family: IllicitFamilyId;
  startsAt: number;
  firstTakedownAt: number | null;
}

export interface BanPlan {
  newSellerId: string;
  terminatedAt: number;
  returnsAt: number;
  shared: Array<'device_hash' | 'payout_hash'>;
  newIdentities: Identities;
}

export interface ActorPlan {
  index: number;
  cls: SellerClass;
  sellerId: string;
  country: string;
  lang: Lang;
  currency: 'EUR' | 'GBP';
  registeredAt: number;
  identities: Identities;
  drift?: DriftPlan;
  ban?: BanPlan;
}

export interface Cast {
  actors: ActorPlan[];
  truth: SimulationTruth;
}

const COUNTRIES = ['FR', 'BE', 'DE', 'ES', 'IT', 'GB', 'NL', 'PT', 'PL'] as const;
const COUNTRY_WEIGHTS = [38, 9, 12, 10, 10, 10, 5, 3, 3];

/** Class counts by largest remainder, so shares hold exactly up to rounding. */
export function classCounts(
  n: number,
  shares: Record<SellerClass, number>,
): Record<SellerClass, number> {
  const raw = SELLER_CLASSES.map((c) => shares[c] * n);
  const counts = raw.map(Math.floor);
  let left = n - counts.reduce((a, b) => a + b, 0);
  const order = raw
    .map((r, i) => ({ i, frac: r - Math.floor(r) }))
    .sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    counts[i] = (counts[i] as number) + 1;
    left--;
  }
  return Object.fromEntries(SELLER_CLASSES.map((c, i) => [c, counts[i] as number])) as Record<
    SellerClass,
    number
  >;
}

export function castSellers(options: ResolvedSimulationOptions, seed: number): Cast {
  const rng = deriveRng(seed, 'cast');
  const counts = classCounts(options.sellers, options.shares);
  const classes: SellerClass[] = [];
  for (const c of SELLER_CLASSES) for (let i = 0; i < counts[c]; i++) classes.push(c);
  // Shuffle so that neither ids nor order give the class away.
  for (let i = classes.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [classes[i], classes[j]] = [classes[j] as SellerClass, classes[i] as SellerClass];
  }
  const ids = new Set<string>();
  const newId = (): string => {
    for (;;) {
      const id = `s-${rng.hex(12)}`;
      if (!ids.has(id)) {
        ids.add(id);
        return id;
      }
    }
  };
  let identity = 0;
  const freshIdentities = (): Identities => ({
    email: rng.chance(0.9) ? identity++ : null,
    phone: rng.chance(0.6) ? identity++ : null,
    device: identity++,
    payout: rng.chance(0.8) ? identity++ : null,
  });

  const { startMs, endMs } = options;
  const span = endMs - startMs;
  const actors: ActorPlan[] = [];
  let lastOrdinaryDevice: number | null = null;
  for (let index = 0; index < classes.length; index++) {
    const cls = classes[index] as SellerClass;
    const country = COUNTRIES[rng.weighted(COUNTRY_WEIGHTS)] ?? 'FR';
    const lang: Lang =
      country === 'FR' || (country === 'BE' && rng.chance(0.7)) || rng.chance(0.1) ? 'fr' : 'en';
    const identities = freshIdentities();
    // Households share a device: harmless links the detector must not over-read.
    if (cls === 'ordinary' && lastOrdinaryDevice !== null && rng.chance(0.01)) {
      identities.device = lastOrdinaryDevice;
    }
    if (cls === 'ordinary') lastOrdinaryDevice = identities.device;
    const plan: ActorPlan = {
      index,
      cls,
      sellerId: newId(),
      country,
      lang,
      currency: country === 'GB' ? 'GBP' : 'EUR',
      registeredAt: registrationTime(rng, cls, startMs, span),
      identities,
    };
    if (cls === 'drifter') plan.drift = planDrift(rng, startMs, span);
    if (cls === 'ban_evader')
      plan.ban = planBan(rng, startMs, span, identities, newId(), freshIdentities());
    actors.push(plan);
  }
  return { actors, truth: buildTruth(options, actors) };
}

function registrationTime(rng: Rng, cls: SellerClass, startMs: number, span: number): number {
  const ago = (minDays: number, maxDays: number): number =>
    Math.round(startMs - rng.range(minDays, maxDays) * DAY);
  switch (cls) {
    case 'ordinary':
      return rng.chance(0.85) ? ago(30, 1500) : Math.round(startMs + rng.range(0, 0.6) * span);
    case 'large_professional':
      return ago(200, 2500);
    case 'honest_unlucky':
    case 'drifter':
      return ago(30, 1500);
    default:
      return ago(3, 600);
  }
}

function planDrift(rng: Rng, startMs: number, span: number): DriftPlan {
  return {
    family: rng.pick(DRIFT_FAMILY_IDS),
    startsAt: Math.round(startMs + rng.range(0.05, 0.3) * span),
    firstTakedownAt: rng.chance(0.75) ? Math.round(startMs + rng.range(0.7, 0.95) * span) : null,
  };
}

function planBan(
  rng: Rng,
  startMs: number,
  span: number,
  old: Identities,
  newSellerId: string,
  fresh: Identities,
): BanPlan {
  const terminatedAt = Math.round(startMs + rng.range(0.25, 0.5) * span);
  const returnsAt = Math.round(terminatedAt + Math.min(rng.range(2 * HOUR, 3 * DAY), 0.15 * span));
  const roll = rng.next();
  const shared: BanPlan['shared'] =
    roll < 0.5 || old.payout === null
      ? ['device_hash']
      : roll < 0.8
        ? ['payout_hash']
        : ['device_hash', 'payout_hash'];
  const newIdentities: Identities = { ...fresh };
  if (shared.includes('device_hash')) newIdentities.device = old.device;
  if (shared.includes('payout_hash')) newIdentities.payout = old.payout;
  return { newSellerId, terminatedAt, returnsAt, shared, newIdentities };
}

const iso = (ms: number): string => new Date(ms).toISOString();

function buildTruth(options: ResolvedSimulationOptions, actors: ActorPlan[]): SimulationTruth {
  const sellers: Record<string, TruthSeller> = {};
  const counts = Object.fromEntries(SELLER_CLASSES.map((c) => [c, 0])) as Record<
    SellerClass,
    number
  >;
  for (const a of actors) {
    if (a.ban !== undefined) {
      sellers[a.sellerId] = {
        class: 'recidivist',
        registered_at: iso(a.registeredAt),
        terminated_at: iso(a.ban.terminatedAt),
        returned_as: a.ban.newSellerId,
      };
      sellers[a.ban.newSellerId] = {
        class: 'ban_evader',
        registered_at: iso(a.ban.returnsAt),
        evaded_from: a.sellerId,
        shared_identifiers: a.ban.shared,
      };
      counts.recidivist++;
      counts.ban_evader++;
      continue;
    }
    const entry: TruthSeller = { class: a.cls, registered_at: iso(a.registeredAt) };
    if (a.drift !== undefined) {
      entry.first_takedown_at =
        a.drift.firstTakedownAt === null ? null : iso(a.drift.firstTakedownAt);
      entry.drift_family = a.drift.family;
    }
    sellers[a.sellerId] = entry;
    counts[a.cls]++;
  }
  return {
    version: 1,
    seed: options.seed,
    sellers_requested: options.sellers,
    days: options.days,
    start: options.start,
    end: iso(options.endMs),
    shares: options.shares,
    counts,
    sellers,
  };
}
