import { z } from 'zod';
import { SELLER_CLASSES } from './options.ts';

/**
 * The truth file: every seller id in the stream with the class the simulator played. It is
 * written next to the stream (`--truth`) and read by the evaluation.
 */
export const TruthSellerSchema = z.object({
  class: z.enum(SELLER_CLASSES),
  /** When the account registered (may predate the period: existing accounts). */
  registered_at: z.string(),
  /** Drifters: time of the first takedown (the end of the drift), or null when none comes. */
  first_takedown_at: z.string().nullable().optional(),
  /** Drifters: the illicit family whose coded vocabulary they drift toward. */
  drift_family: z.string().optional(),
  /** Ban evaders: the terminated account they came back from. */
  evaded_from: z.string().optional(),
  /** Ban evaders: identifier kinds shared with the terminated account. */
  shared_identifiers: z.array(z.enum(['device_hash', 'payout_hash'])).optional(),
  /** The terminated account of a ban evader (class `recidivist`): when it was terminated… */
  terminated_at: z.string().optional(),
  /** …and the new account it came back as. */
  returned_as: z.string().optional(),
});
export type TruthSeller = z.infer<typeof TruthSellerSchema>;

export const SimulationTruthSchema = z.object({
  version: z.literal(1),
  seed: z.union([z.number(), z.string()]),
  /** Accounts at the start (`--sellers`); ban evaders add one account each on top. */
  sellers_requested: z.number().int(),
  days: z.number().int(),
  start: z.string(),
  end: z.string(),
  shares: z.record(z.enum(SELLER_CLASSES), z.number()),
  /** Accounts per class as played (the terminated accounts of ban evaders count as recidivists). */
  counts: z.record(z.enum(SELLER_CLASSES), z.number().int()),
  sellers: z.record(z.string(), TruthSellerSchema),
});
export type SimulationTruth = z.infer<typeof SimulationTruthSchema>;
