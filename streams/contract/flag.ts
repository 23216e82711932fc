import { z } from 'zod';
import { FLAG_KINDS, SEVERITIES } from './vocabularies.ts';
import { Rfc3339Schema } from './events.ts';

/** A reason from the model: a feature, the seller's value, its population percentile (0–100). */
export const FeatureReasonSchema = z.object({
  feature: z.string().min(1),
  value: z.number(),
  percentile: z.number().min(0).max(100),
  contribution: z.number(),
});

/** A reason from a rule: the rule's name and a sentence a reviewer can act on. */
export const RuleReasonSchema = z.object({
  rule: z.string().min(1),
  detail: z.string(),
});

export const FlagReasonSchema = z.union([FeatureReasonSchema, RuleReasonSchema]);

/** `seller.flagged`, produced to `vigie.seller-flags` keyed by `seller_id`. */
export const SellerFlaggedSchema = z.object({
  flag_id: z.string().min(1),
  type: z.literal('seller.flagged'),
  seller_id: z.string().min(1).max(128),
  flagged_at: Rfc3339Schema,
  kinds: z.array(z.enum(FLAG_KINDS)).min(1),
  severity: z.enum(SEVERITIES),
  score: z.number().min(0).max(1),
  model_version: z.string(),
  reasons: z.array(FlagReasonSchema),
  evidence: z.object({
    listing_ids: z.array(z.string()),
    linked_seller_ids: z.array(z.string()),
  }),
});

export type FeatureReason = z.infer<typeof FeatureReasonSchema>;
export type RuleReason = z.infer<typeof RuleReasonSchema>;
export type FlagReason = z.infer<typeof FlagReasonSchema>;
export type SellerFlagged = z.infer<typeof SellerFlaggedSchema>;
