import { z } from 'zod';
import { defineTable, EpochMsSchema, type TableSpec } from './table.ts';

export const REVIEW_DECISIONS = ['confirmed', 'dismissed'] as const;

/** `flag_reviews`: each human review of a flag (the ground truth for evaluation). */
export const FLAG_REVIEWS_SPEC: TableSpec = {
  name: 'flag_reviews',
  comment: 'Human reviews of flags: who decided what and when. Labels for evaluation.',
  engine: 'ReplacingMergeTree',
  orderBy: '(flag_id, reviewed_at, reviewer)',
  columns: [
    { name: 'flag_id', type: 'String', comment: 'flags.flag_id reviewed.' },
    { name: 'reviewer', type: 'String', comment: 'Reviewer (staff account) who decided.' },
    { name: 'decision', type: 'LowCardinality(String)', comment: 'confirmed or dismissed.' },
    {
      name: 'note',
      type: 'String',
      comment: "Reviewer's free-text note; blanked when the flagged seller is erased.",
    },
    {
      name: 'reviewed_at',
      type: "DateTime64(3, 'UTC')",
      comment: 'When the decision was made, UTC.',
    },
  ],
};

export const flagReviewsTable = defineTable(FLAG_REVIEWS_SPEC, {
  flag_id: z.string().min(1),
  reviewer: z.string().min(1),
  decision: z.enum(REVIEW_DECISIONS),
  note: z.string(),
  reviewed_at: EpochMsSchema,
});

export type FlagReviewRow = z.infer<typeof flagReviewsTable.schema>;
