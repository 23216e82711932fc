import { formatDateTime64, type ClickHouseExecutor } from '../../features/store/index.ts';
import type { TransparencyReport } from '../api/index.ts';

/**
 * Period filter on event time: [from, to). Bound parameters only; nothing of the request is
 * spliced into the SQL text.
 */
const PERIOD = `occurred_at >= {from:DateTime64(3, 'UTC')} AND occurred_at < {to:DateTime64(3, 'UTC')}`;

/** One row per event id: `events` collapses re-sent events only at merge time. */
const NOTICES = `SELECT event_id, any(notifier_type) AS notifier_type, any(dsa_category) AS dsa_category FROM events
  WHERE type = 'notice.received' AND ${PERIOD} GROUP BY event_id`;

const TAKEDOWNS = `SELECT event_id, any(notice_id) AS notice_id, any(occurred_at) AS taken_down_at,
    any(decision_ground) AS decision_ground, any(source_type) AS source_type,
    ifNull(any(automated_detection), false) AS automated FROM events
  WHERE type = 'listing.taken_down' AND ${PERIOD} GROUP BY event_id`;

/** Flags raised in the period (event time of their evidence), current status, reviewed or not. */
const FLAGS = `SELECT flag_id, kinds, status, flag_id IN (SELECT flag_id FROM flag_reviews) AS reviewed
  FROM flags_current
  WHERE flagged_at >= {from:DateTime64(3, 'UTC')} AND flagged_at < {to:DateTime64(3, 'UTC')}`;

type Counted<K extends string> = Record<K, string> & { n: string };

function tally<K extends string>(rows: readonly Counted<K>[], key: K): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[r[key]] = (out[r[key]] ?? 0) + Number(r.n);
  return out;
}

const sum = (rows: readonly { n: string }[]): number => rows.reduce((s, r) => s + Number(r.n), 0);
const round2 = (x: number | null): number | null => (x === null ? null : Math.round(x * 100) / 100);

/**
 * DSA-style transparency figures for [from, to) in event time, all computed by the store:
 *
 * - notices by notifier type (trusted flaggers apart) and by DSA category;
 * - takedowns by decision ground and source, and how many used automated detection;
 * - the median hours from a notice to the takedown that names it (`notice_id`), overall and for
 *   trusted-flagger notices — takedowns in the period, their notices whenever received, negative
 *   delays (clock errors) left out; medians interpolate between the two middle values;
 * - flags raised in the period by kind and current outcome (open / confirmed / dismissed), and
 *   how many a human reviewed versus automated only.
 */
export async function transparencyReport(
  executor: ClickHouseExecutor,
  from: Date,
  to: Date,
): Promise<TransparencyReport> {
  const params = { from: formatDateTime64(from.getTime()), to: formatDateTime64(to.getTime()) };
  const [notices, takedowns, delays, flagKinds, flagOutcomes, flagReview] = await Promise.all([
    executor.query<Counted<'notifier_type' | 'dsa_category'>>(
      `SELECT notifier_type, dsa_category, toString(count()) AS n FROM (${NOTICES})
       GROUP BY notifier_type, dsa_category`,
      { params },
    ),
    executor.query<Counted<'decision_ground' | 'source_type' | 'automated'>>(
      `SELECT decision_ground, source_type, toString(automated) AS automated,
              toString(count()) AS n
       FROM (${TAKEDOWNS}) GROUP BY decision_ground, source_type, automated`,
      { params },
    ),
    executor.query<{ median_all: number | null; median_trusted: number | null }>(
      `SELECT quantileExactInclusive(0.5)(hours) AS median_all,
              quantileExactInclusiveIf(0.5)(hours, notifier_type = 'trusted_flagger') AS median_trusted
       FROM (
         SELECT dateDiff('millisecond', n.noticed_at, t.taken_down_at) / 3600000 AS hours,
                n.notifier_type AS notifier_type
         FROM (${TAKEDOWNS}) AS t
         INNER JOIN (
           SELECT notice_id, min(occurred_at) AS noticed_at, any(notifier_type) AS notifier_type
           FROM events WHERE type = 'notice.received' AND notice_id != '' GROUP BY notice_id
         ) AS n ON n.notice_id = t.notice_id
         WHERE t.notice_id != ''
       ) WHERE hours >= 0`,
      { params },
    ),
    executor.query<Counted<'kind'>>(
      `SELECT kind, toString(count()) AS n FROM (${FLAGS}) ARRAY JOIN kinds AS kind GROUP BY kind`,
      { params },
    ),
    executor.query<Counted<'status'>>(
      `SELECT status, toString(count()) AS n FROM (${FLAGS}) GROUP BY status`,
      { params },
    ),
    executor.query<Counted<'reviewed'>>(
      `SELECT toString(reviewed) AS reviewed, toString(count()) AS n FROM (${FLAGS})
       GROUP BY reviewed`,
      { params },
    ),
  ]);
  const flagsTotal = sum(flagOutcomes);
  const reviewed = Number(
    flagReview.find((r) => r.reviewed === '1' || r.reviewed === 'true')?.n ?? 0,
  );
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    notices: {
      total: sum(notices),
      by_source: tally(notices, 'notifier_type'),
      by_category: tally(notices, 'dsa_category'),
      trusted_flaggers: sum(notices.filter((r) => r.notifier_type === 'trusted_flagger')),
    },
    takedowns: {
      total: sum(takedowns),
      by_ground: tally(takedowns, 'decision_ground'),
      by_source: tally(takedowns, 'source_type'),
      automated: sum(takedowns.filter((r) => r.automated === 'true' || r.automated === '1')),
      median_hours_notice_to_takedown: round2(delays[0]?.median_all ?? null),
      median_hours_trusted_notice_to_takedown: round2(delays[0]?.median_trusted ?? null),
    },
    flags: {
      total: flagsTotal,
      by_kind: tally(flagKinds, 'kind'),
      by_outcome: { open: 0, confirmed: 0, dismissed: 0, ...tally(flagOutcomes, 'status') },
      reviewed,
      automated_only: flagsTotal - reviewed,
    },
  };
}

/** The report flattened to `section, key, value` rows (the CSV form of `vigie report`). */
export function transparencyRows(
  report: TransparencyReport,
): Array<{ section: string; key: string; value: string }> {
  const rows: Array<{ section: string; key: string; value: string }> = [
    { section: 'period', key: 'from', value: report.from },
    { section: 'period', key: 'to', value: report.to },
  ];
  const walk = (section: string, value: unknown): void => {
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== null && typeof v === 'object') walk(`${section}.${key}`, v);
      else rows.push({ section, key, value: v === null ? '' : String(v) });
    }
  };
  walk('notices', report.notices);
  walk('takedowns', report.takedowns);
  walk('flags', report.flags);
  return rows;
}
