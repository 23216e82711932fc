import type { SellerFlagged } from '../../streams/contract/index.ts';
import { FLAG_KINDS, type FlagKind } from '../../streams/contract/vocabularies.ts';
import { SELLER_CLASSES, type SellerClass, type SimulationTruth } from '../simulator/index.ts';

/** The classes whose flags are true positives (issue 7's targets). */
export const POSITIVE_CLASSES = ['recidivist', 'evader', 'ban_evader'] as const;
/** The classes whose flags are false positives. */
export const NEGATIVE_CLASSES = ['ordinary', 'honest_unlucky', 'large_professional'] as const;
/**
 * The kind each bad class should be flagged with. Drifters have none: their wording is the
 * signal, and any kind that gets them reviewed before a takedown is right.
 */
export const EXPECTED_KIND: Partial<Record<SellerClass, FlagKind>> = {
  recidivist: 'recidivist',
  evader: 'evasive',
  ban_evader: 'ban_evasion',
};

const POSITIVE: ReadonlySet<SellerClass> = new Set(POSITIVE_CLASSES);
const NEGATIVE: ReadonlySet<SellerClass> = new Set(NEGATIVE_CLASSES);

export interface ClassMetrics {
  sellers: number;
  flagged: number;
  /** flagged / sellers: the recall of a bad class, the false-positive rate of a good one. */
  flagged_share: number;
  /** Share of the class's sellers flagged with each kind (any of their flags). */
  kinds: Record<FlagKind, number>;
  /** Bad classes with an expected kind: share of the class's sellers flagged with it. */
  right_kind_share: number | null;
  /** Bad classes: share of the *flagged* sellers that carry the expected kind. */
  right_kind_share_of_flagged: number | null;
}

export interface DrifterMetrics {
  sellers: number;
  /** Drifters the simulator took down during the period. */
  with_takedown: number;
  flagged: number;
  /**
   * Drifters with a flag whose `flagged_at` (event time) is before their first takedown, plus
   * flagged drifters that were never taken down, over all drifters.
   */
  flagged_before_takedown: number;
  flagged_before_takedown_share: number;
  /** The same over drifters that were taken down only (the harder half of the question). */
  taken_down_flagged_before: number;
  taken_down_flagged_before_share: number | null;
  /** Median lead of the first flag over the first takedown, hours (flagged-before ones). */
  median_lead_hours: number | null;
}

export interface KindPrecision {
  /** Sellers flagged with this kind. */
  sellers: number;
  /** Share of them in the bad classes (positives and drifters). */
  precision: number | null;
}

export interface MarketplaceMetrics {
  /** Per simulated class, in SELLER_CLASSES order. */
  classes: Record<SellerClass, ClassMetrics>;
  /** Recidivists + evaders + ban evaders vs ordinary + honest-unlucky + large professionals. */
  overall: {
    positives: number;
    negatives: number;
    true_positives: number;
    false_positives: number;
    precision: number | null;
    recall: number | null;
    /** Precision when flagged drifters also count as true positives. */
    precision_with_drifters: number | null;
  };
  drifters: DrifterMetrics;
  kinds: Record<FlagKind, KindPrecision>;
  flags: number;
  flagged_sellers: number;
  /** Flags naming a seller the truth file does not know (should be 0; counted as negatives). */
  unknown_sellers: number;
}

interface SellerFlags {
  kinds: Set<FlagKind>;
  /** Earliest `flagged_at`, epoch ms. */
  firstAt: number;
}

const ratio = (n: number, d: number): number | null => (d === 0 ? null : n / d);

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function byFlaggedSeller(flags: readonly SellerFlagged[]): Map<string, SellerFlags> {
  const out = new Map<string, SellerFlags>();
  for (const f of flags) {
    const at = Date.parse(f.flagged_at);
    const s = out.get(f.seller_id);
    if (s === undefined) {
      out.set(f.seller_id, { kinds: new Set(f.kinds), firstAt: at });
    } else {
      for (const k of f.kinds) s.kinds.add(k);
      s.firstAt = Math.min(s.firstAt, at);
    }
  }
  return out;
}

function drifterMetrics(
  truth: SimulationTruth,
  flagged: ReadonlyMap<string, SellerFlags>,
): DrifterMetrics {
  let sellers = 0;
  let withTakedown = 0;
  let flaggedCount = 0;
  let before = 0;
  let takenDownBefore = 0;
  const leads: number[] = [];
  for (const [id, s] of Object.entries(truth.sellers)) {
    if (s.class !== 'drifter') continue;
    sellers++;
    const takedownAt = s.first_takedown_at ? Date.parse(s.first_takedown_at) : null;
    if (takedownAt !== null) withTakedown++;
    const f = flagged.get(id);
    if (f === undefined) continue;
    flaggedCount++;
    if (takedownAt === null) {
      before++;
    } else if (f.firstAt < takedownAt) {
      before++;
      takenDownBefore++;
      leads.push((takedownAt - f.firstAt) / 3_600_000);
    }
  }
  return {
    sellers,
    with_takedown: withTakedown,
    flagged: flaggedCount,
    flagged_before_takedown: before,
    flagged_before_takedown_share: ratio(before, sellers) ?? 0,
    taken_down_flagged_before: takenDownBefore,
    taken_down_flagged_before_share: ratio(takenDownBefore, withTakedown),
    median_lead_hours: median(leads),
  };
}

/**
 * Scores the flags of a run against the simulator's truth. A seller counts as flagged when any
 * flag names it (a reviewer saw it), with the union of its flags' kinds. Drifters are neither
 * positives nor negatives of the headline precision and recall (issue 7 reports them apart);
 * `precision_with_drifters` says what counting them as hits would give. Pure.
 */
export function scoreFlags(
  truth: SimulationTruth,
  flags: readonly SellerFlagged[],
): MarketplaceMetrics {
  const flagged = byFlaggedSeller(flags);
  const counts = new Map<SellerClass, { sellers: number; flagged: number; right: number }>();
  const kindCounts = new Map<SellerClass, Record<FlagKind, number>>();
  for (const c of SELLER_CLASSES) {
    counts.set(c, { sellers: 0, flagged: 0, right: 0 });
    kindCounts.set(
      c,
      Object.fromEntries(FLAG_KINDS.map((k) => [k, 0])) as Record<FlagKind, number>,
    );
  }
  const kindTotals = Object.fromEntries(FLAG_KINDS.map((k) => [k, { all: 0, bad: 0 }])) as Record<
    FlagKind,
    { all: number; bad: number }
  >;

  for (const [id, s] of Object.entries(truth.sellers)) {
    const c = counts.get(s.class)!;
    c.sellers++;
    const f = flagged.get(id);
    if (f === undefined) continue;
    c.flagged++;
    const expected = EXPECTED_KIND[s.class];
    if (expected !== undefined && f.kinds.has(expected)) c.right++;
    const bad = !NEGATIVE.has(s.class);
    for (const k of f.kinds) {
      kindCounts.get(s.class)![k]++;
      kindTotals[k].all++;
      if (bad) kindTotals[k].bad++;
    }
  }
  let unknown = 0;
  for (const [id, f] of flagged) {
    if (truth.sellers[id] !== undefined) continue;
    unknown++;
    for (const k of f.kinds) kindTotals[k].all++;
  }

  const classes = {} as Record<SellerClass, ClassMetrics>;
  let positives = 0;
  let negatives = unknown;
  let tp = 0;
  let fp = unknown;
  for (const cls of SELLER_CLASSES) {
    const c = counts.get(cls)!;
    const expected = EXPECTED_KIND[cls];
    classes[cls] = {
      sellers: c.sellers,
      flagged: c.flagged,
      flagged_share: ratio(c.flagged, c.sellers) ?? 0,
      kinds: Object.fromEntries(
        FLAG_KINDS.map((k) => [k, ratio(kindCounts.get(cls)![k], c.sellers) ?? 0]),
      ) as Record<FlagKind, number>,
      right_kind_share: expected === undefined ? null : (ratio(c.right, c.sellers) ?? 0),
      right_kind_share_of_flagged: expected === undefined ? null : ratio(c.right, c.flagged),
    };
    if (POSITIVE.has(cls)) {
      positives += c.sellers;
      tp += c.flagged;
    } else if (NEGATIVE.has(cls)) {
      negatives += c.sellers;
      fp += c.flagged;
    }
  }
  const drifters = drifterMetrics(truth, flagged);
  return {
    classes,
    overall: {
      positives,
      negatives,
      true_positives: tp,
      false_positives: fp,
      precision: ratio(tp, tp + fp),
      recall: ratio(tp, positives),
      precision_with_drifters: ratio(tp + drifters.flagged, tp + drifters.flagged + fp),
    },
    drifters,
    kinds: Object.fromEntries(
      FLAG_KINDS.map((k) => [
        k,
        { sellers: kindTotals[k].all, precision: ratio(kindTotals[k].bad, kindTotals[k].all) },
      ]),
    ) as Record<FlagKind, KindPrecision>,
    flags: flags.length,
    flagged_sellers: flagged.size,
    unknown_sellers: unknown,
  };
}
