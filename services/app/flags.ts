import type { ClickHouseExecutor, Store } from '../../features/store/index.ts';
import { parseDateTime64 } from '../../features/store/index.ts';
import type { Principal } from '../api/auth/keys.ts';
import type {
  FlagList,
  FlagsQuery,
  ReviewRequest,
  ReviewResult,
  StoredFlag,
} from '../api/index.ts';
import { FLAG_COLUMNS, toStoredFlag, type FlagDbRow, type LatestReview } from './flag-rows.ts';

/** Latest review (reviewer and time) of each flag, from `flag_reviews`. */
export async function latestReviews(
  executor: ClickHouseExecutor,
  flagIds: readonly string[],
): Promise<Map<string, LatestReview>> {
  if (flagIds.length === 0) return new Map();
  const rows = await executor.query<{ id: string; by: string; at: string }>(
    `SELECT flag_id AS id, argMax(reviewer, reviewed_at) AS by, max(reviewed_at) AS at
     FROM flag_reviews WHERE flag_id IN {ids:Array(String)} GROUP BY flag_id`,
    { params: { ids: [...flagIds] } },
  );
  return new Map(rows.map((r) => [r.id, { reviewer: r.by, reviewed_at: r.at }]));
}

/** Flag rows → answers, with each one's latest review. */
export async function withReviews(
  executor: ClickHouseExecutor,
  rows: readonly FlagDbRow[],
): Promise<StoredFlag[]> {
  const reviews = await latestReviews(
    executor,
    rows.map((r) => r.flag_id),
  );
  return rows.map((r) => toStoredFlag(r, reviews.get(r.flag_id)));
}

/**
 * Every filter is a bound parameter; an absent one is '' and matches everything, so the SQL text
 * never depends on the request.
 */
const FILTER = `({status:String} = '' OR status = {status:String})
  AND ({severity:String} = '' OR severity = {severity:String})
  AND ({kind:String} = '' OR has(kinds, {kind:String}))
  AND ({seller:String} = '' OR seller_id = {seller:String})`;

/** Flags newest first (event time of their evidence), with the total matching the filters. */
export async function listFlags(
  executor: ClickHouseExecutor,
  query: FlagsQuery,
): Promise<FlagList> {
  const params = {
    status: query.status ?? '',
    severity: query.severity ?? '',
    kind: query.kind ?? '',
    seller: query.seller_id ?? '',
    limit: query.limit,
    offset: query.offset,
  };
  const [rows, total] = await Promise.all([
    executor.query<FlagDbRow>(
      `SELECT ${FLAG_COLUMNS} FROM flags_current WHERE ${FILTER}
       ORDER BY flagged_at DESC, flag_id LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
      { params },
    ),
    executor.query<{ n: string }>(`SELECT count() AS n FROM flags_current WHERE ${FILTER}`, {
      params,
    }),
  ]);
  return { flags: await withReviews(executor, rows), total: Number(total[0]?.n ?? 0) };
}

const DECISION = { confirm: 'confirmed', dismiss: 'dismissed' } as const;

/**
 * Records a review: a `flag_reviews` row (the label, and what the detector's suppression reads:
 * a dismissed flag's evidence no longer raises a flag on its own), a new `flags` version with the
 * status, and an `audit_log` row naming the API key and the reviewer. Undefined: no such flag.
 */
export async function reviewFlag(
  store: Store,
  flagId: string,
  review: ReviewRequest,
  by: Principal,
  now: () => number = Date.now,
): Promise<ReviewResult | undefined> {
  const [row] = await store.executor.query<FlagDbRow>(
    `SELECT ${FLAG_COLUMNS} FROM flags_current WHERE flag_id = {id:String} LIMIT 1`,
    { params: { id: flagId } },
  );
  if (row === undefined) return undefined;
  const decision = DECISION[review.decision];
  // The new version must sort after the current one even if clocks disagree (ReplacingMergeTree
  // keeps the highest updated_at).
  const at = Math.max(now(), parseDateTime64(row.updated_at) + 1);
  await store.flagReviews.insert([
    { flag_id: flagId, reviewer: review.reviewer, decision, note: review.note, reviewed_at: at },
  ]);
  await store.flags.insert([
    {
      flag_id: row.flag_id,
      seller_id: row.seller_id,
      flagged_at: parseDateTime64(row.flagged_at),
      kinds: row.kinds as StoredFlag['kinds'],
      severity: row.severity as StoredFlag['severity'],
      score: Number(row.score),
      model_version: row.model_version,
      reasons: row.reasons,
      evidence_listing_ids: row.evidence_listing_ids,
      evidence_linked_seller_ids: row.evidence_linked_seller_ids,
      status: decision,
      updated_at: at,
    },
  ]);
  await store.auditLog.insert([
    {
      at,
      actor: `${by.keyId}/${review.reviewer}`,
      action: 'flag.reviewed',
      target: flagId,
      // No note and no seller id here: the note may hold personal data and is erasable in
      // flag_reviews; the audit log keeps who decided what.
      detail: JSON.stringify({
        api_key: by.keyId,
        role: by.role,
        reviewer: review.reviewer,
        decision,
        previous_status: row.status,
      }),
    },
  ]);
  await store.flagReviews.flush();
  await store.flags.flush();
  await store.auditLog.flush();
  return { flag_id: flagId, status: decision, reviewed_at: new Date(at).toISOString() };
}
