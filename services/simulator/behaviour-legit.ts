import type { DecisionGround, DsaCategory, NotifierType } from '../../streams/contract/index.ts';
import {
  bounded,
  canAct,
  DAY,
  drawNotifier,
  edit,
  HOUR,
  MINUTE,
  notice,
  pickActive,
  publish,
  SOURCE_FOR_NOTIFIER,
  takeDown,
  textJson,
  withdraw,
  type Draft,
  type Lifecycle,
  type Listing,
  type Seller,
} from './market.ts';
import { legitDraft } from './text.ts';
import type { World } from './world.ts';

/**
 * Honest sellers: ordinary ones, honest ones with one unlucky takedown, and large professional
 * sellers with a few takedowns among hundreds of listings.
 */

/** Categories of user notices that lead to nothing. */
const IDLE_NOTICE_CATEGORIES: readonly DsaCategory[] = [
  'STATEMENT_CATEGORY_CONSUMER_INFORMATION',
  'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
  'STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS',
  'STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE',
  'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
];

export interface LifecycleOptions {
  /** Chance that a user reports the listing without consequence. */
  idleNotice: number;
  /** Chance that an expired listing is put up again unchanged. */
  relistExpired: number;
  /** Share sold (the rest is expired, or deleted by the seller). */
  sold: number;
}

/**
 * Edits, an idle notice perhaps, and the end: sold, deleted or expired after 30 days. The steps
 * are drawn up front, kept on the listing, and run one task at a time by a shared function (no
 * closure per listing: a listing lives for days of simulated time, and big shops have hundreds);
 * steps after the end are never scheduled.
 */
export function scheduleLifecycle(world: World, listing: Listing, options: LifecycleOptions): void {
  const rng = listing.seller.rng;
  const now = world.now;
  const r = rng.next();
  const end: Lifecycle['end'] =
    r < options.sold ? 'sold' : r < options.sold + 0.1 ? 'seller_deleted' : 'expired';
  const endAt = Math.round(
    now +
      (end === 'sold'
        ? rng.exp(6 * DAY) + 10 * MINUTE
        : end === 'seller_deleted'
          ? rng.exp(4 * DAY) + 10 * MINUTE
          : 30 * DAY),
  );
  listing.life = {
    endAt,
    end,
    edit1: rng.chance(0.35) ? Math.round(now + rng.range(2 * HOUR, 5 * DAY)) : Infinity,
    edit2: rng.chance(0.1) ? Math.round(now + rng.range(DAY, 10 * DAY)) : Infinity,
    noticeAt: rng.chance(options.idleNotice)
      ? Math.round(now + rng.exp(3 * DAY) + 10 * MINUTE)
      : Infinity,
    relistExpired: options.relistExpired,
    idleNotice: options.idleNotice,
    sold: options.sold,
  };
  scheduleNextStep(world, listing, listing.life);
}

function scheduleNextStep(world: World, listing: Listing, life: Lifecycle): void {
  // Taken down or gone: nothing more happens to it.
  if (!listing.active) return;
  world.at(Math.min(life.edit1, life.edit2, life.noticeAt, life.endAt), lifecycleStep, listing);
}

function lifecycleStep(listing: Listing, world: World): void {
  const life = listing.life;
  if (life === null) return;
  const t = world.now;
  const rng = listing.seller.rng;
  if (t >= life.endAt) {
    if (!listing.active || listing.held) return;
    withdraw(world, listing, life.end);
    if (life.end === 'expired' && rng.chance(life.relistExpired) && canAct(world, listing.seller)) {
      const again = publish(world, listing.seller, { ...listing, images: [...listing.images] });
      scheduleLifecycle(world, again, life);
    }
    return;
  }
  if (life.edit1 <= t) {
    life.edit1 = Infinity;
    ordinaryEdit(world, listing);
  } else if (life.edit2 <= t) {
    life.edit2 = Infinity;
    ordinaryEdit(world, listing);
  } else if (life.noticeAt <= t) {
    life.noticeAt = Infinity;
    if (listing.active)
      notice(world, listing.seller, listing, 'user', rng.pick(IDLE_NOTICE_CATEGORIES));
  }
  scheduleNextStep(world, listing, life);
}

function ordinaryEdit(world: World, listing: Listing): void {
  const seller = listing.seller;
  if (!listing.active || !canAct(world, seller)) return;
  const rng = seller.rng;
  if (rng.chance(0.6)) {
    const amount = Math.max(0.5, Math.round(listing.price.amount * rng.range(0.8, 0.95)));
    edit(world, listing, { price: { amount, currency: listing.price.currency } });
  } else {
    const note = seller.lang === 'fr' ? 'Prix à débattre.' : 'Open to offers.';
    const description = listing.description.includes(note)
      ? listing.description
      : `${listing.description} ${note}`.trim();
    edit(world, listing, { description });
  }
}

/** A Poisson stream of publications at `perDay`, from the later of the start and registration. */
export function publishLoop(
  world: World,
  seller: Seller,
  perDay: number,
  make: () => Draft,
  options: LifecycleOptions,
): void {
  const rng = seller.rng;
  const next = (): void => {
    if (seller.terminated) return;
    if (canAct(world, seller)) scheduleLifecycle(world, publish(world, seller, make()), options);
    world.after(rng.exp(DAY / perDay), next);
  };
  world.at(Math.max(world.startMs, seller.registeredAt) + rng.exp(DAY / perDay), next);
}

const ORDINARY: LifecycleOptions = { idleNotice: 0.01, relistExpired: 0.3, sold: 0.55 };

export function startOrdinary(world: World, seller: Seller): void {
  // Log-normal activity: most people list a few things a month, a few list daily.
  const perDay = Math.min(3, 0.3 * Math.exp(seller.rng.range(-1.5, 1.5)));
  publishLoop(world, seller, perDay, () => legitDraft(seller.rng, seller), ORDINARY);
}

interface HonestDecision {
  ground: DecisionGround;
  category: DsaCategory;
}

const UNLUCKY_INCOMPATIBLE: readonly DsaCategory[] = [
  'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
  'STATEMENT_CATEGORY_CONSUMER_INFORMATION',
  'STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS',
];
const UNLUCKY_ILLEGAL: readonly DsaCategory[] = [
  'STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS',
  'STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS',
  'STATEMENT_CATEGORY_CONSUMER_INFORMATION',
];

function honestDecision(seller: Seller, illegalShare: number): HonestDecision {
  const rng = seller.rng;
  return rng.chance(illegalShare)
    ? { ground: 'DECISION_GROUND_ILLEGAL_CONTENT', category: rng.pick(UNLUCKY_ILLEGAL) }
    : { ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT', category: rng.pick(UNLUCKY_INCOMPATIBLE) };
}

/**
 * One takedown of an ordinary listing at `at`: after a notice (user, sometimes a trusted
 * flagger) or on the platform's own initiative. The listing is held so it cannot sell first.
 */
function honestTakedown(
  world: World,
  seller: Seller,
  at: number,
  illegalShare: number,
  notifierWeights: readonly [number, number, number],
  make: () => Draft,
  options: LifecycleOptions,
  onDone?: (listing: Listing) => void,
): void {
  world.at(at, () => {
    const rng = seller.rng;
    let target = pickActive(seller, true);
    if (target === null) {
      target = publish(world, seller, make());
      scheduleLifecycle(world, target, options);
    }
    const listing = target;
    listing.held = true;
    const decision = honestDecision(seller, illegalShare);
    if (rng.chance(0.6)) {
      const notifier: NotifierType = drawNotifier(rng, notifierWeights);
      const noticeId = notice(world, seller, listing, notifier, decision.category);
      world.after(bounded(world, rng.range(2 * HOUR, 36 * HOUR)), () => {
        if (
          takeDown(world, listing, {
            ...decision,
            source: SOURCE_FOR_NOTIFIER[notifier],
            automated: false,
            noticeId,
          })
        ) {
          onDone?.(listing);
        }
      });
    } else if (
      takeDown(world, listing, {
        ...decision,
        source: 'SOURCE_VOLUNTARY',
        automated: rng.chance(0.6),
      })
    ) {
      onDone?.(listing);
    }
  });
}

export function startHonestUnlucky(world: World, seller: Seller): void {
  const rng = seller.rng;
  const perDay = Math.min(3, 0.4 * Math.exp(rng.range(-1, 1.2)));
  const make = (): Draft => legitDraft(rng, seller);
  publishLoop(world, seller, perDay, make, ORDINARY);
  const span = world.endMs - world.startMs;
  const at = world.startMs + rng.range(0.1, 0.9) * span;
  honestTakedown(world, seller, at, 0.25, [0.15, 0.85, 0], make, ORDINARY);
}

const PROFESSIONAL: LifecycleOptions = { idleNotice: 0.005, relistExpired: 0.5, sold: 0.7 };

/**
 * A shop: a stock of products listed again and again (same title and photos), at least 300
 * listings over the period on a near-regular rhythm, and 2–4 takedowns (often IP claims), after
 * each of which the product leaves the stock.
 */
export function startProfessional(world: World, seller: Seller): void {
  const rng = seller.rng;
  const categories = [rng.pick(seller.categories)];
  if (rng.chance(0.5)) categories.push(rng.pick(seller.categories));
  const stock: Draft[] = [];
  const size = rng.int(20, 60);
  for (let i = 0; i < size; i++) {
    const d = legitDraft(rng, seller, rng.pick(categories));
    const item = { ...d, title: d.title.replace(/ - .*$/, '') };
    stock.push({ ...item, textJson: textJson(item) });
  }
  const fromStock = (product: Draft): Draft => ({
    title: product.title,
    description: product.description,
    category: product.category,
    price: {
      amount: Math.max(0.5, Math.round(product.price.amount * rng.range(0.97, 1.03) * 100) / 100),
      currency: product.price.currency,
    },
    images: product.images,
    family: null,
    textJson: product.textJson,
  });
  const make = (): Draft => fromStock(rng.pick(stock));
  const span = world.endMs - world.startMs;
  const total = rng.int(320, 700);
  const gap = span / total;
  const next = (): void => {
    const product = rng.pick(stock);
    const draft = fromStock(product);
    scheduleLifecycle(world, publish(world, seller, draft, product), PROFESSIONAL);
    world.after(gap * rng.range(0.5, 1.5), next);
  };
  world.at(world.startMs + gap * rng.range(0, 1), next);

  const takedowns = rng.int(2, 4);
  for (let i = 0; i < takedowns; i++) {
    const at = world.startMs + rng.range(0.05, 0.95) * span;
    honestTakedown(world, seller, at, 0.6, [0.4, 0.6, 0], make, PROFESSIONAL, (listing) => {
      // A compliant shop stops selling the product that was taken down.
      const at = listing.origin === null ? -1 : stock.indexOf(listing.origin);
      if (at >= 0 && stock.length > 1) stock.splice(at, 1);
    });
  }
}
