import { z } from 'zod';
import { defineTable, EpochMsSchema, type TableSpec } from './table.ts';

/** `audit_log`: who did what to which target (reviews, erasures, model promotions, queries). */
export const AUDIT_LOG_SPEC: TableSpec = {
  name: 'audit_log',
  comment: 'Accountability trail: who did what, when, to which target.',
  engine: 'MergeTree',
  partitionBy: 'toYYYYMM(at)',
  orderBy: '(at, action)',
  columns: [
    { name: 'at', type: "DateTime64(3, 'UTC')", comment: 'When it happened, UTC.' },
    {
      name: 'actor',
      type: 'String',
      comment: 'Who did it: a staff account, API key name or vigie.',
    },
    {
      name: 'action',
      type: 'LowCardinality(String)',
      comment: 'What was done, e.g. flag.reviewed, seller.erased, model.promoted.',
    },
    {
      name: 'target',
      type: 'String',
      comment: 'What it was done to (flag id, model version, erased:<hash> for erased sellers).',
    },
    { name: 'detail', type: 'String', comment: 'JSON with the particulars (counts, parameters).' },
  ],
};

export const auditLogTable = defineTable(AUDIT_LOG_SPEC, {
  at: EpochMsSchema,
  actor: z.string().min(1),
  action: z.string().min(1),
  target: z.string(),
  detail: z.string(),
});

export type AuditLogRow = z.infer<typeof auditLogTable.schema>;
