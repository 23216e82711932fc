import { z } from 'zod';
import { Rfc3339Schema } from '../../streams/contract/index.ts';
import { VigieError } from '../../streams/errors.ts';

/** The seller populations the simulator plays; the truth file names each seller's class. */
export const SELLER_CLASSES = [
  'ordinary',
  'honest_unlucky',
  'large_professional',
  'recidivist',
  'evader',
  'ban_evader',
  'drifter',
] as const;
export type SellerClass = (typeof SELLER_CLASSES)[number];

/** Default shares of the `sellers` accounts (ban evaders add one new account each on top). */
export const DEFAULT_SHARES: Readonly<Record<SellerClass, number>> = {
  ordinary: 0.7,
  honest_unlucky: 0.08,
  large_professional: 0.05,
  recidivist: 0.05,
  evader: 0.05,
  ban_evader: 0.04,
  drifter: 0.03,
};

const Share = z.number().min(0).max(1);

/** Real-world mess mixed into the stream; every count lands in the summary. */
export const MessOptionsSchema = z.object({
  /** Share of events emitted twice with the same `event_id` (at-least-once producers). Default 0.01. */
  duplicateRate: Share.default(0.01),
  /** Share of events held back, so they arrive after later events. Default 0.02. */
  lateRate: Share.default(0.02),
  /** Upper bound of the hold-back (the lateness window). Default 300000 ms (5 min). */
  maxLatenessMs: z.number().int().min(0).max(3_600_000).default(300_000),
  /** Share of extra malformed lines (bad JSON, missing field, bad timestamp, bad value). Default 0.0002. */
  malformedRate: Share.default(0.0002),
  /** Add one record larger than 1 MiB (it makes files big, so off by default). */
  oversize: z.boolean().default(false),
});
export type MessOptions = z.infer<typeof MessOptionsSchema>;

export const NO_MESS: MessOptions = {
  duplicateRate: 0,
  lateRate: 0,
  maxLatenessMs: 0,
  malformedRate: 0,
  oversize: false,
};

export const SimulationOptionsSchema = z
  .object({
    /** Seller accounts at the start of the period. */
    sellers: z.number().int().min(1).max(10_000_000),
    /** Length of the simulated period in days. */
    days: z.number().int().min(1).max(3650),
    /** Run seed; the same options give byte-identical output. */
    seed: z.union([z.number().int(), z.string().min(1)]),
    /** Start of the period (event time). Default 2026-01-01T00:00:00Z. */
    start: Rfc3339Schema.default('2026-01-01T00:00:00Z'),
    /** Population shares by class; `ordinary` takes whatever the others leave when omitted. */
    shares: z.partialRecord(z.enum(SELLER_CLASSES), Share).default({}),
    /** Real-world mess; `false` for a clean stream. */
    mess: z.union([z.literal(false), MessOptionsSchema.partial()]).default({}),
  })
  .strict();

export type SimulationOptionsInput = z.input<typeof SimulationOptionsSchema>;

export interface ResolvedSimulationOptions {
  sellers: number;
  days: number;
  seed: number | string;
  start: string;
  startMs: number;
  endMs: number;
  shares: Record<SellerClass, number>;
  mess: MessOptions;
}

/** Validates options and fills defaults; a wrong value fails with what was expected. */
export function resolveOptions(input: SimulationOptionsInput): ResolvedSimulationOptions {
  const parsed = SimulationOptionsSchema.safeParse(input);
  if (!parsed.success) {
    throw new VigieError(
      'BAD_REQUEST',
      `invalid simulation options: ${z.prettifyError(parsed.error)}`,
      {
        context: { fields: parsed.error.issues.map((i) => i.path.join('.')) },
      },
    );
  }
  const o = parsed.data;
  const shares = resolveShares(o.shares);
  const startMs = Date.parse(o.start);
  return {
    sellers: o.sellers,
    days: o.days,
    seed: o.seed,
    start: new Date(startMs).toISOString(),
    startMs,
    endMs: startMs + o.days * 86_400_000,
    shares,
    mess: o.mess === false ? { ...NO_MESS } : MessOptionsSchema.parse(o.mess),
  };
}

function resolveShares(given: Partial<Record<SellerClass, number>>): Record<SellerClass, number> {
  const shares = { ...DEFAULT_SHARES, ...given };
  if (given.ordinary === undefined) {
    const others = SELLER_CLASSES.filter((c) => c !== 'ordinary').reduce(
      (s, c) => s + shares[c],
      0,
    );
    shares.ordinary = 1 - others;
  }
  const total = SELLER_CLASSES.reduce((s, c) => s + shares[c], 0);
  if (shares.ordinary < -1e-9 || Math.abs(total - 1) > 1e-6) {
    throw new VigieError(
      'BAD_REQUEST',
      `population shares must be ≥ 0 and sum to 1; got ${SELLER_CLASSES.map((c) => `${c}=${shares[c]}`).join(', ')}`,
      { context: { total } },
    );
  }
  // Rounded so that 1 − 0.3 reads 0.7 in the truth file, not 0.7000000000000001.
  shares.ordinary = Math.max(0, Math.round(shares.ordinary * 1e9) / 1e9);
  return shares;
}
