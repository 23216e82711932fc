import { z } from 'zod';
import { FLAG_KINDS, SEVERITIES } from '../../../streams/contract/index.ts';
import { defineTable, EpochMsSchema, type TableSpec } from './table.ts';

export const FLAG_STATUSES = ['open', 'confirmed', 'dismissed'] as const;
export type FlagStatus = (typeof FLAG_STATUSES)[number];

/**
 * `flags`: the seller.flagged payloads plus their review status. A status change is a new row
 * with a later `updated_at`; ReplacingMergeTree(updated_at) keeps the latest per flag, so read
 * with FINAL.
 */
export const FLAGS_SPEC: TableSpec = {
  name: 'flags',
  comment:
    'seller.flagged payloads and their review status (open, confirmed, dismissed). One row per ' +
    'flag version; read with FINAL for the current status. Erased sellers appear as erased:<hash>.',
  engine: 'ReplacingMergeTree(updated_at)',
  orderBy: '(seller_id, flag_id)',
  indexes: ['INDEX idx_flag_id flag_id TYPE bloom_filter GRANULARITY 4'],
  columns: [
    { name: 'flag_id', type: 'String', comment: 'Flag id; stable across re-emissions.' },
    {
      name: 'seller_id',
      type: 'String',
      comment: 'Flagged seller, or erased:<hash> after an erasure (GDPR art. 17).',
    },
    { name: 'flagged_at', type: "DateTime64(3, 'UTC')", comment: 'When the flag was raised, UTC.' },
    {
      name: 'kinds',
      type: 'Array(LowCardinality(String))',
      comment: 'recidivist, evasive, ban_evasion and/or anomalous.',
    },
    { name: 'severity', type: 'LowCardinality(String)', comment: 'low, medium, high or critical.' },
    { name: 'score', type: 'Float64', comment: 'Anomaly score in [0, 1] from the model.' },
    {
      name: 'model_version',
      type: 'LowCardinality(String)',
      comment: 'models.version of the detector that raised the flag.',
    },
    {
      name: 'reasons',
      type: 'String',
      comment:
        'JSON array of reasons, most important first: {feature,value,percentile,contribution} or {rule,detail}.',
    },
    {
      name: 'evidence_listing_ids',
      type: 'Array(String)',
      comment: 'Listings supporting the flag.',
    },
    {
      name: 'evidence_linked_seller_ids',
      type: 'Array(String)',
      comment: 'Other sellers linked to this one (shared identifiers, re-listed content).',
    },
    {
      name: 'status',
      type: 'LowCardinality(String)',
      comment: 'open until reviewed, then confirmed or dismissed (see flag_reviews).',
    },
    {
      name: 'updated_at',
      type: "DateTime64(3, 'UTC')",
      comment: 'Version of this row: the latest updated_at per flag is the current state.',
    },
  ],
};

export const flagsTable = defineTable(FLAGS_SPEC, {
  flag_id: z.string().min(1),
  seller_id: z.string().min(1).max(128),
  flagged_at: EpochMsSchema,
  kinds: z.array(z.enum(FLAG_KINDS)).min(1),
  severity: z.enum(SEVERITIES),
  score: z.number().min(0).max(1),
  model_version: z.string(),
  reasons: z.string(),
  evidence_listing_ids: z.array(z.string()),
  evidence_linked_seller_ids: z.array(z.string()),
  status: z.enum(FLAG_STATUSES),
  updated_at: EpochMsSchema,
});

export type FlagRow = z.infer<typeof flagsTable.schema>;
