import { z } from 'zod';
import { FlagReasonSchema } from '../../streams/contract/index.ts';
import { parseDateTime64, type FlagStatus } from '../../features/store/index.ts';
import type { StoredFlag } from '../api/index.ts';

/** The columns of `flags_current` a flag answer needs, in SELECT order. */
export const FLAG_COLUMNS =
  'flag_id, seller_id, flagged_at, kinds, severity, score, model_version, reasons, ' +
  'evidence_listing_ids, evidence_linked_seller_ids, status, updated_at';

/** A `flags_current` row as chDB / a server return it (JSONEachRow, DateTime64 as text). */
export interface FlagDbRow {
  flag_id: string;
  seller_id: string;
  flagged_at: string;
  kinds: string[];
  severity: string;
  score: number;
  model_version: string;
  reasons: string;
  evidence_listing_ids: string[];
  evidence_linked_seller_ids: string[];
  status: string;
  updated_at: string;
}

/** The latest review of a flag, from `flag_reviews`. */
export interface LatestReview {
  reviewer: string;
  reviewed_at: string;
}

const ReasonsSchema = z.array(FlagReasonSchema).catch([]);

const iso = (text: string): string => new Date(parseDateTime64(text)).toISOString();

/** Stored reasons are our own JSON; an unreadable one (hand-edited row) reads as none. */
function parseReasons(text: string): StoredFlag['reasons'] {
  try {
    return ReasonsSchema.parse(JSON.parse(text));
  } catch {
    return [];
  }
}

export function toStoredFlag(row: FlagDbRow, review: LatestReview | undefined): StoredFlag {
  return {
    flag_id: row.flag_id,
    type: 'seller.flagged',
    seller_id: row.seller_id,
    flagged_at: iso(row.flagged_at),
    kinds: row.kinds as StoredFlag['kinds'],
    severity: row.severity as StoredFlag['severity'],
    score: Number(row.score),
    model_version: row.model_version,
    reasons: parseReasons(row.reasons),
    evidence: {
      listing_ids: row.evidence_listing_ids,
      linked_seller_ids: row.evidence_linked_seller_ids,
    },
    status: row.status as FlagStatus,
    reviewed_by: review?.reviewer ?? null,
    reviewed_at: review ? iso(review.reviewed_at) : null,
  };
}
