import { z } from 'zod';
import {
  FEATURE_COLUMNS,
  parseDateTime64,
  type ClickHouseExecutor,
} from '../../features/store/index.ts';
import type { SellerView } from '../api/index.ts';
import { FLAG_COLUMNS, type FlagDbRow } from './flag-rows.ts';
import { withReviews } from './flags.ts';
import type { SellerAssessor } from './types.ts';

/** Most linked sellers listed in one answer. */
export const MAX_LINKED_SELLERS = 500;

const EvidenceSchema = z
  .object({
    linked_seller_ids: z.array(z.string()).catch([]).default([]),
    by_feature: z
      .record(z.string(), z.object({ linked_seller_ids: z.array(z.string()).optional() }).loose())
      .catch({})
      .default({}),
  })
  .loose();

type Links = Map<string, Set<string>>;

function addLink(links: Links, sellerId: string, via: string): void {
  const set = links.get(sellerId) ?? new Set<string>();
  set.add(via);
  links.set(sellerId, set);
}

/**
 * Sellers sharing a hashed identifier with this one. `identifier_links` is the table for it; a
 * store whose ingestion does not fill it yet (the registrations are still in `events`) is read
 * from the registration events instead, so the answer does not depend on that wiring.
 */
async function identifierLinks(executor: ClickHouseExecutor, sellerId: string, links: Links) {
  const fromTable = await executor.query<{ seller_id: string; kinds: string[]; own: string }>(
    `SELECT seller_id, groupUniqArray(identifier_kind) AS kinds, toString(count()) AS own
     FROM identifier_links
     WHERE (identifier_kind, identifier_hash) IN (
       SELECT identifier_kind, identifier_hash FROM identifier_links WHERE seller_id = {id:String})
     GROUP BY seller_id ORDER BY seller_id LIMIT {n:UInt32}`,
    { params: { id: sellerId, n: MAX_LINKED_SELLERS + 1 } },
  );
  for (const r of fromTable) {
    if (r.seller_id !== sellerId) for (const k of r.kinds) addLink(links, r.seller_id, k);
  }
  if (fromTable.some((r) => r.seller_id === sellerId)) return;
  const fromEvents = await executor.query<{ seller_id: string; kinds: string[] }>(
    `SELECT seller_id, groupUniqArray(kv.1) AS kinds FROM (
       SELECT seller_id, arrayJoin(JSONExtractKeysAndValues(raw, 'identifiers', 'String')) AS kv
       FROM events WHERE type = 'seller.registered' AND seller_id != {id:String}
     )
     WHERE kv IN (
       SELECT arrayJoin(JSONExtractKeysAndValues(raw, 'identifiers', 'String')) FROM events
       WHERE seller_id = {id:String} AND type = 'seller.registered')
     GROUP BY seller_id ORDER BY seller_id LIMIT {n:UInt32}`,
    { params: { id: sellerId, n: MAX_LINKED_SELLERS } },
  );
  for (const r of fromEvents) for (const k of r.kinds) addLink(links, r.seller_id, k);
}

/** Linked sellers the feature engine found (e.g. links to sanctioned accounts), by feature. */
function evidenceLinks(evidenceText: string, sellerId: string, links: Links): void {
  let json: unknown;
  try {
    json = JSON.parse(evidenceText);
  } catch {
    return;
  }
  const parsed = EvidenceSchema.safeParse(json);
  if (!parsed.success) return;
  for (const [feature, item] of Object.entries(parsed.data.by_feature)) {
    for (const id of item.linked_seller_ids ?? []) if (id !== sellerId) addLink(links, id, feature);
  }
  for (const id of parsed.data.linked_seller_ids) {
    if (id !== sellerId && !links.has(id)) addLink(links, id, 'features');
  }
}

/**
 * A seller's current features, score and reasons (a live assessment when a detector is given,
 * else the latest flag), flag history and linked sellers. Undefined when Vigie knows nothing of
 * the seller (no event, no features, no flag).
 */
export async function getSellerView(
  executor: ClickHouseExecutor,
  sellerId: string,
  detector?: SellerAssessor,
): Promise<SellerView | undefined> {
  const params = { params: { id: sellerId } };
  const [featureRows, flagRows, known] = await Promise.all([
    executor.query<Record<string, unknown>>(
      `SELECT as_of, ${FEATURE_COLUMNS.join(', ')}, evidence FROM seller_features_latest
       WHERE seller_id = {id:String} LIMIT 1`,
      params,
    ),
    executor.query<FlagDbRow>(
      `SELECT ${FLAG_COLUMNS} FROM flags_current WHERE seller_id = {id:String}
       ORDER BY flagged_at DESC, updated_at DESC, flag_id`,
      params,
    ),
    executor.query<{ n: string }>(
      'SELECT count() AS n FROM (SELECT 1 FROM events WHERE seller_id = {id:String} LIMIT 1)',
      params,
    ),
  ]);
  const features = featureRows[0];
  if (features === undefined && flagRows.length === 0 && Number(known[0]?.n ?? 0) === 0) {
    return undefined;
  }
  const flags = await withReviews(executor, flagRows);
  const links: Links = new Map();
  await identifierLinks(executor, sellerId, links);
  if (features !== undefined) evidenceLinks(String(features.evidence ?? ''), sellerId, links);

  const view: SellerView = {
    seller_id: sellerId,
    as_of: features ? new Date(parseDateTime64(String(features.as_of))).toISOString() : null,
    features: features
      ? Object.fromEntries(FEATURE_COLUMNS.map((f) => [f, Number(features[f])]))
      : {},
    score: null,
    model_version: null,
    kinds: [],
    severity: null,
    reasons: [],
    flags,
    linked_sellers: [...links.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, MAX_LINKED_SELLERS)
      .map(([id, via]) => ({ seller_id: id, via: [...via].sort().join(',') })),
  };
  const live = features !== undefined ? await detector?.assess(sellerId) : undefined;
  if (live !== undefined) {
    const a = live.assessment;
    Object.assign(view, {
      score: a.score,
      model_version: a.model_version,
      kinds: a.kinds,
      severity: a.severity,
      reasons: a.reasons,
    });
  } else if (flags[0] !== undefined) {
    const f = flags[0];
    Object.assign(view, {
      score: f.score,
      model_version: f.model_version,
      kinds: f.kinds,
      severity: f.severity,
      reasons: f.reasons,
    });
  }
  return view;
}
