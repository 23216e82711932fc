import { z } from 'zod';
import {
  FLAG_KINDS,
  FlagReasonSchema,
  PriceSchema,
  SEVERITIES,
  SellerFlaggedSchema,
} from '../../streams/contract/index.ts';

/** Request and response schemas of the HTTP API; the OpenAPI document is generated from them. */

export const SellerIdParamsSchema = z.object({ id: z.string().min(1).max(128) });
export const FlagIdParamsSchema = z.object({ id: z.string().min(1).max(128) });

export const FLAG_STATUSES = ['open', 'confirmed', 'dismissed'] as const;

export const FlagsQuerySchema = z.object({
  status: z.enum(FLAG_STATUSES).optional(),
  severity: z.enum(SEVERITIES).optional(),
  kind: z.enum(FLAG_KINDS).optional(),
  seller_id: z.string().min(1).max(128).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type FlagsQuery = z.infer<typeof FlagsQuerySchema>;

export const StoredFlagSchema = SellerFlaggedSchema.extend({
  status: z.enum(FLAG_STATUSES),
  reviewed_by: z.string().nullable(),
  reviewed_at: z.string().nullable(),
});
export type StoredFlag = z.infer<typeof StoredFlagSchema>;
export const FlagListSchema = z.object({ flags: z.array(StoredFlagSchema), total: z.number() });
export type FlagList = z.infer<typeof FlagListSchema>;

export const ReviewRequestSchema = z.object({
  decision: z.enum(['confirm', 'dismiss']),
  reviewer: z.string().min(1).max(128),
  note: z.string().max(4000).default(''),
});
export type ReviewRequest = z.infer<typeof ReviewRequestSchema>;
export const ReviewResultSchema = z.object({
  flag_id: z.string(),
  status: z.enum(FLAG_STATUSES),
  reviewed_at: z.string(),
});
export type ReviewResult = z.infer<typeof ReviewResultSchema>;

export const SellerViewSchema = z.object({
  seller_id: z.string(),
  as_of: z.string().nullable(),
  features: z.record(z.string(), z.number()),
  score: z.number().nullable(),
  model_version: z.string().nullable(),
  kinds: z.array(z.enum(FLAG_KINDS)),
  severity: z.enum(SEVERITIES).nullable(),
  reasons: z.array(FlagReasonSchema),
  flags: z.array(StoredFlagSchema),
  linked_sellers: z.array(z.object({ seller_id: z.string(), via: z.string() })),
});
export type SellerView = z.infer<typeof SellerViewSchema>;

export const CheckRequestSchema = z.object({
  seller_id: z.string().min(1).max(128),
  listing: z.object({
    title: z.string().max(500),
    description: z.string().max(20_000).default(''),
    category: z.string().max(200).default(''),
    price: PriceSchema.optional(),
    image_hashes: z
      .array(z.string().regex(/^[0-9a-fA-F]+$/))
      .max(50)
      .optional(),
  }),
});
export type CheckRequest = z.infer<typeof CheckRequestSchema>;

export const CheckResponseSchema = z.object({
  action: z.enum(['allow', 'review', 'hold']),
  seller: z.object({
    score: z.number().nullable(),
    severity: z.enum(SEVERITIES).nullable(),
    kinds: z.array(z.enum(FLAG_KINDS)),
  }),
  listing: z.object({
    obfuscation: z.number(),
    nearest_taken_down: z.array(
      z.object({
        listing_id: z.string(),
        seller_id: z.string(),
        similarity: z.number(),
        via: z.enum(['text', 'image']),
      }),
    ),
  }),
  reasons: z.array(z.string()),
  elapsed_ms: z.number(),
});
export type CheckResponse = z.infer<typeof CheckResponseSchema>;

export const TransparencyQuerySchema = z.object({
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
});

export const TransparencyReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  notices: z.object({
    total: z.number(),
    by_source: z.record(z.string(), z.number()),
    by_category: z.record(z.string(), z.number()),
    trusted_flaggers: z.number(),
  }),
  takedowns: z.object({
    total: z.number(),
    by_ground: z.record(z.string(), z.number()),
    by_source: z.record(z.string(), z.number()),
    automated: z.number(),
    median_hours_notice_to_takedown: z.number().nullable(),
    median_hours_trusted_notice_to_takedown: z.number().nullable(),
  }),
  flags: z.object({
    total: z.number(),
    by_kind: z.record(z.string(), z.number()),
    by_outcome: z.record(z.string(), z.number()),
    reviewed: z.number(),
    automated_only: z.number(),
  }),
});
export type TransparencyReport = z.infer<typeof TransparencyReportSchema>;

export const IngestRejectSchema = z.object({
  line: z.number(),
  code: z.string(),
  reason: z.string(),
});
export const IngestResultSchema = z.object({
  accepted: z.number(),
  duplicates: z.number(),
  /** The first 1,000 rejected lines. */
  rejected: z.array(IngestRejectSchema),
  rejected_total: z.number(),
});
export type IngestResult = z.infer<typeof IngestResultSchema>;

const QueryParamValue = z.union([z.string(), z.number(), z.boolean()]);
export const QueryRequestSchema = z.object({
  sql: z.string().min(1).max(100_000),
  /**
   * Values of the statement's ClickHouse `{name:Type}` placeholders, bound by ClickHouse (never
   * spliced into the SQL): e.g. `{"sql": "… WHERE seller_id = {seller:String}", "params": {"seller": "s-1"}}`.
   */
  params: z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'a parameter name: letters, digits, _'),
      z.union([QueryParamValue, z.array(QueryParamValue).max(10_000)]),
    )
    .optional(),
});
export type QueryRequest = z.infer<typeof QueryRequestSchema>;
export const QueryResultSchema = z.object({
  rows: z.array(z.record(z.string(), z.unknown())),
  rows_read: z.number().optional(),
  elapsed_ms: z.number(),
});
export type QueryResult = z.infer<typeof QueryResultSchema>;

export const ErasureResultSchema = z.object({
  pseudonym: z.string(),
  tables: z.array(
    z.object({
      table: z.string(),
      deleted: z.number(),
      pseudonymised: z.number(),
      scrubbed: z.number(),
    }),
  ),
});
export type ErasureResult = z.infer<typeof ErasureResultSchema>;
