import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultPolicy,
  FEATURE_NAMES,
  loadDetectorModel,
  trainDetectorModel,
} from '../../detectors/index.ts';
import {
  createExecutor,
  createStore,
  featuresAsOf,
  runReadonlyQuery,
  type ClickHouseExecutor,
  type Store,
} from '../../features/store/index.ts';
import { normaliseText } from '../../features/text/index.ts';
import { reviewFlag } from '../../services/app/index.ts';
import { runReplay, type ReplaySummary } from '../../services/cli/commands/replay.ts';
import {
  createClickHouseDetectorStore,
  createDetectorLoop,
} from '../../services/detector/index.ts';
import { defaultOpenBackend, type OpenFlagHook } from '../../services/pipeline/index.ts';
import { bindParams, extractGuideQueries } from '../helpers/analyst-guide.ts';
import { uniqueDatabase } from '../helpers/clickhouse.ts';

/**
 * Every SQL block of docs/analyst-guide.md, run through the analysts' read-only runner against a
 * store filled by `vigie replay` of test/fixtures/analyst/events.ndjson (with the detectors on,
 * so flags are real), after the reviews of reviews.json went through the API's review path. The
 * fixture's story, seller by seller, is in test/fixtures/analyst/README.md; each expectation
 * below says where its numbers come from.
 */

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const GUIDE = root('docs/analyst-guide.md');
const EVENTS = root('test/fixtures/analyst/events.ndjson');
const REVIEWS = root('test/fixtures/analyst/reviews.json');

const logger = pino({ level: 'silent' });
/** Wall clock of the detector during the replay: the Monday after the fixture's week. */
const REPLAY_CLOCK = Date.parse('2026-03-16T00:00:00Z');
const WEEK = { from: '2026-03-09 00:00:00', to: '2026-03-16 00:00:00' };
const MARCH = { from: '2026-03-01 00:00:00', to: '2026-04-01 00:00:00' };

type Row = Record<string, unknown>;

interface FixtureEvent {
  event_id: string;
  type: string;
  seller_id: string;
  occurred_at: string;
  listing_id?: string;
  title?: string;
  description?: string;
}

interface FixtureReview {
  seller_id: string;
  rule: string;
  decision: 'confirm' | 'dismiss';
  reviewer: string;
  note: string;
  reviewed_at: string;
}

const fixture: FixtureEvent[] = readFileSync(EVENTS, 'utf8')
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => JSON.parse(l) as FixtureEvent);

/** A listing's text as published, composed as the engine composes it (title, newline, text). */
function textOf(listingId: string): string {
  const e = fixture.find((x) => x.type === 'listing.published' && x.listing_id === listingId);
  if (!e) throw new Error(`no publication of ${listingId} in the fixture`);
  return `${e.title}\n${e.description}`;
}

const obfuscationOf = (listingId: string) => normaliseText(textOf(listingId)).obfuscation;

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
/** ClickHouse DateTime64(3) text of a fixture time. */
const at = (s: string) => `2026-${s}:00.000`;

/** 64-bit integers come back as strings (output_format_json_quote_64bit_integers): compare numbers. */
function plain(rows: Row[]): Row[] {
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [
        k,
        typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v,
      ]),
    ),
  );
}

/** PERCENTILE.INC, as ClickHouse's quantileExactInclusive. */
function quantileInclusive(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  return s[lo]! + (pos - lo) * ((s[Math.min(lo + 1, s.length - 1)] ?? s[lo]!) - s[lo]!);
}

interface Context {
  executor: ClickHouseExecutor;
  /** Flag id each review of reviews.json went to, by seller (its earliest flag with the rule). */
  reviewed: Map<string, string>;
}

interface Expectation {
  params: Record<string, string | number>;
  /** Tables the query reads that the replay must have filled. */
  needs?: ReadonlyArray<'identifier_links' | 'listing_texts'>;
  expected(ctx: Context): Row[] | Promise<Row[]>;
}

const ALL_SELLERS = [
  's-alpha',
  's-bravo',
  's-charlie',
  's-delta',
  's-echo',
  's-foxtrot',
  's-golf',
  's-hotel',
  's-india',
  's-juliet',
  's-kilo',
  's-lima',
  's-november',
];
const FLAGGED = new Set(['s-alpha', 's-delta', 's-golf', 's-hotel', 's-india', 's-november']);

/** Current feature values by the fixture's design (each seller's last event; 0 when absent). */
const CURRENT: Record<string, Record<string, number>> = {
  takedowns_90d: {
    's-alpha': 4,
    's-bravo': 3,
    's-charlie': 2,
    's-golf': 1,
    's-india': 1,
    's-kilo': 1,
  },
  takedowns_illegal_90d: { 's-alpha': 4, 's-bravo': 2, 's-charlie': 2, 's-golf': 1, 's-india': 1 },
  relists_own_total: { 's-golf': 1, 's-india': 1 },
  linked_terminated_sellers: { 's-delta': 1, 's-november': 1 },
};

function distributionRows(): Row[] {
  const current: Record<string, Record<string, number>> = {
    ...CURRENT,
    // Every other listing is plain text (checked below): obfuscation 0.
    obfuscation_max: {
      's-golf': obfuscationOf('g-2'),
      's-hotel': Math.max(obfuscationOf('h-1'), obfuscationOf('h-2')),
    },
  };
  const rows: Row[] = [];
  for (const feature of Object.keys(current).sort()) {
    for (const flagged of [0, 1]) {
      const values = ALL_SELLERS.filter((s) => FLAGGED.has(s) === (flagged === 1)).map(
        (s) => current[feature]![s] ?? 0,
      );
      rows.push({
        feature,
        flagged,
        sellers: values.length,
        mean: round(values.reduce((a, b) => a + b, 0) / values.length, 4),
        p50: round(quantileInclusive(values, 0.5), 4),
        p90: round(quantileInclusive(values, 0.9), 4),
        max: round(Math.max(...values), 4),
      });
    }
  }
  return rows;
}

const RELISTS = { ...WEEK, window_days: 7, min_similarity: 0.75 };

/** One expectation per query of the guide, by marker name. */
const EXPECTED: Record<string, Expectation> = {
  'features-as-of': {
    // Alpha's third illegal takedown was on 03-11 15:00, its fourth on 03-14: on 03-12 we knew 3.
    params: { seller: 's-alpha', at: '2026-03-12 00:00:00' },
    expected: () => [
      {
        seller_id: 's-alpha',
        as_of: at('03-11 15:00'),
        takedowns_illegal_90d: 3,
        relists_own_7d: 0,
        linked_terminated_sellers: 0,
      },
    ],
  },

  'top-recidivists-week': {
    // Bravo's 03-03 takedown is last week; india's flag was dismissed (flagged 0), golf's confirmed.
    params: { ...WEEK, min_takedowns: 1 },
    expected: () => [
      {
        seller_id: 's-alpha',
        takedowns: 4,
        illegal: 4,
        via_trusted_flagger: 2,
        dsa_categories: [
          'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
          'STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS',
        ],
        last_takedown: at('03-14 10:00'),
        flagged: 1,
      },
      {
        seller_id: 's-bravo',
        takedowns: 2,
        illegal: 1,
        via_trusted_flagger: 1,
        dsa_categories: ['STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS'],
        last_takedown: at('03-12 10:00'),
        flagged: 0,
      },
      ...[
        ['s-golf', 1, 1, 'UNSAFE_AND_PROHIBITED_PRODUCTS', '03-09 06:00', 1],
        ['s-india', 1, 1, 'UNSAFE_AND_PROHIBITED_PRODUCTS', '03-09 12:00', 0],
        ['s-kilo', 0, 0, 'CONSUMER_INFORMATION', '03-10 10:00', 0],
      ].map(([seller, illegal, trusted, category, last, flagged]) => ({
        seller_id: seller,
        takedowns: 1,
        illegal,
        via_trusted_flagger: trusted,
        dsa_categories: [`STATEMENT_CATEGORY_${String(category)}`],
        last_takedown: at(String(last)),
        flagged,
      })),
    ],
  },

  'linked-to-terminated': {
    // Charlie was terminated on 02-20; delta shares its device hash, november its payout hash.
    // Echo shares foxtrot's phone, but foxtrot was only suspended.
    params: {},
    needs: ['identifier_links'],
    expected: () =>
      [
        ['s-delta', 'device_hash', '03-10 08:00'],
        ['s-november', 'payout_hash', '03-12 08:00'],
      ].map(([seller, kind, since]) => ({
        seller_id: seller,
        terminated_seller_id: 's-charlie',
        identifier_kind: kind,
        terminated_at: at('02-20 12:00'),
        linked_since: at(since!),
        registered_after_termination: 1,
      })),
  },

  'relist-rate-by-category': {
    // This week's takedowns: g-1 (re-listed as g-2), i-1 (re-listed as i-2), k-1 (not), alpha's
    // a-1, a-2, a-4 (chargers) and a-3 (phones), bravo's b-2 and b-3 (bags).
    params: RELISTS,
    needs: ['listing_texts'],
    expected: () =>
      [
        ['electronics/lasers', 1, 1, 1],
        ['toys/dolls', 2, 1, 0.5],
        ['electronics/chargers', 3, 0, 0],
        ['fashion/bags', 2, 0, 0],
        ['electronics/phones', 1, 0, 0],
      ].map(([category, takenDown, relisted, rate]) => ({
        category,
        taken_down: takenDown,
        relisted,
        relist_rate: rate,
      })),
  },

  'flags-reviewed-per-rule': {
    // Seven flags (alpha twice: at its 3rd and 4th takedown); the reviews of reviews.json, india's
    // latest review (dismiss) overriding its first (confirm).
    params: MARCH,
    expected: () =>
      [
        ['illegal-takedowns-90d', 2, 1, 0, 1, 1],
        ['linked-to-terminated-seller', 2, 1, 1, 0, 0.5],
        ['relisted-taken-down-item', 2, 1, 1, 0, 0.5],
        ['obfuscated-wording', 1, 0, 1, 0, 0],
      ].map(([rule, flags, confirmed, dismissed, notReviewed, share]) => ({
        rule,
        flags,
        confirmed,
        dismissed,
        not_reviewed: notReviewed,
        confirmed_share: share,
      })),
  },

  'feature-distribution-flagged': {
    params: {},
    expected: distributionRows,
  },

  'features-at-flag-time': {
    // Features at flag time: alpha is labelled with its 3 illegal takedowns of 03-11, not the 4
    // it had by the time of the review (see the leakage check below).
    params: MARCH,
    expected: ({ reviewed }) =>
      (
        [
          ['s-delta', 'confirmed', '03-10 08:00', 0, 0, 0, 1],
          ['s-golf', 'confirmed', '03-10 09:00', 1, 1, 1, 0],
          ['s-hotel', 'dismissed', '03-10 10:00', 0, 0, 2, 0],
          ['s-india', 'dismissed', '03-11 10:00', 1, 1, 0, 0],
          ['s-alpha', 'confirmed', '03-11 15:00', 3, 0, 0, 0],
          ['s-november', 'dismissed', '03-12 08:00', 0, 0, 0, 1],
        ] as const
      ).map(([seller, label, flaggedAt, illegal, relists, obfuscated, linked]) => ({
        flag_id: reviewed.get(seller),
        seller_id: seller,
        label,
        flagged_at: at(flaggedAt),
        features_as_of: at(flaggedAt),
        takedowns_illegal_90d: illegal,
        relists_own_7d: relists,
        obfuscated_listings: obfuscated,
        linked_terminated_sellers: linked,
      })),
  },

  'trusted-notice-to-takedown': {
    // Six trusted-flagger notices from 03-01: five led to a takedown after 2, 4, 6, 10 and 30 hours
    // (a-1, a-2, b-2, g-1, i-1); juliet's is pending. PERCENTILE.INC: p90 = 10 + 0.6 × 20 = 22.
    params: { from: '2026-03-01 00:00:00', to: WEEK.to },
    expected: () => [
      {
        trusted_notices: 6,
        taken_down: 5,
        no_takedown: 1,
        median_hours: 6,
        p90_hours: 22,
        max_hours: 30,
      },
    ],
  },

  'relisted-obfuscation': {
    // Golf's copy is the laser disguised (look-alike letters, leetspeak, dotted words), which
    // normalisation undoes (same tokens, so every MinHash slot agrees); india's is a plain copy.
    params: RELISTS,
    needs: ['listing_texts'],
    expected: () => [
      {
        seller_id: 's-golf',
        taken_down_listing: 'g-1',
        relisted_as: 'g-2',
        relisted_at: at('03-10 09:00'),
        similarity: 1,
        original_obfuscation: 0,
        relist_obfuscation: round(obfuscationOf('g-2'), 4),
        obfuscation_added: round(obfuscationOf('g-2'), 4),
      },
      {
        seller_id: 's-india',
        taken_down_listing: 'i-1',
        relisted_as: 'i-2',
        relisted_at: at('03-11 10:00'),
        similarity: 1,
        original_obfuscation: 0,
        relist_obfuscation: 0,
        obfuscation_added: 0,
      },
    ],
  },

  'wording-drift-rose': {
    // Lima sold oak furniture in February (3 listings) and slimming products this week (2): the
    // only seller with enough history and recent listings for a drift. Its value is read back
    // through the store's own point-in-time reader, not through the guide's SQL.
    params: { ...WEEK, min_rise: 0.05 },
    async expected({ executor }) {
      const now = await featuresAsOf(executor, 's-lima', Date.parse('2026-03-16T00:00:00Z'));
      const before = await featuresAsOf(executor, 's-lima', Date.parse('2026-03-09T00:00:00Z'));
      expect(before?.values.wording_drift_jsd).toBe(0);
      const drift = round(now!.values.wording_drift_jsd, 4);
      expect(drift).toBeGreaterThan(0.05);
      return [
        {
          seller_id: 's-lima',
          drift_before: 0,
          drift_now: drift,
          rise: drift,
          last_as_of: at('03-12 10:00'),
        },
      ];
    },
  },

  'takedowns-by-dsa-category-month': {
    // February: charlie's two. March: alpha 4, bravo 3 (b-1 on 03-03), golf, india, kilo.
    params: { from: '2026-01-01 00:00:00', to: '2026-04-01 00:00:00' },
    expected: () =>
      [
        ['02', 'SCAMS_AND_FRAUD', 'ILLEGAL', 1, 1, 0, 0],
        ['02', 'UNSAFE_AND_PROHIBITED_PRODUCTS', 'ILLEGAL', 1, 1, 0, 0],
        ['03', 'UNSAFE_AND_PROHIBITED_PRODUCTS', 'ILLEGAL', 5, 3, 4, 1],
        ['03', 'INTELLECTUAL_PROPERTY_INFRINGEMENTS', 'ILLEGAL', 2, 1, 1, 0],
        ['03', 'CONSUMER_INFORMATION', 'INCOMPATIBLE', 1, 1, 0, 0],
        ['03', 'INTELLECTUAL_PROPERTY_INFRINGEMENTS', 'INCOMPATIBLE', 1, 1, 0, 1],
        ['03', 'SCAMS_AND_FRAUD', 'ILLEGAL', 1, 1, 0, 0],
      ].map(([month, category, ground, takedowns, sellers, trusted, automated]) => ({
        month: `2026-${String(month)}-01`,
        dsa_category: `STATEMENT_CATEGORY_${String(category)}`,
        decision_ground: `DECISION_GROUND_${String(ground)}_CONTENT`,
        takedowns,
        sellers,
        via_trusted_flagger: trusted,
        automated,
      })),
  },
};

const guideQueries = extractGuideQueries(readFileSync(GUIDE, 'utf8'));

/** The detectors as replay's flag hook: the real loop and default policy, on the same store. */
function detectorHook(dataDir: string, database: string): OpenFlagHook & { emitted: number } {
  const hook = async () => {
    const executor = await createExecutor({ dataDir, database });
    const store = createStore({ executor, logger });
    const policy = defaultPolicy();
    const loop = createDetectorLoop({
      store: createClickHouseDetectorStore(store),
      policy: () => policy,
      logger,
      models: { features: FEATURE_NAMES, train: trainDetectorModel, load: loadDetectorModel },
      now: () => REPLAY_CLOCK,
    });
    return {
      async onChanged(sellerIds: readonly string[]) {
        hook.emitted += (await loop.onChanged(sellerIds)).emitted;
      },
      emitted: () => hook.emitted,
      async close() {
        await loop.stop();
        await store.close();
        await executor.close();
      },
    };
  };
  hook.emitted = 0;
  return hook;
}

/** Applies reviews.json through the API's review path, oldest first; returns the flags reviewed. */
async function applyReviews(store: Store): Promise<Map<string, string>> {
  const reviews = (JSON.parse(readFileSync(REVIEWS, 'utf8')) as FixtureReview[]).sort((a, b) =>
    a.reviewed_at.localeCompare(b.reviewed_at),
  );
  const reviewed = new Map<string, string>();
  for (const r of reviews) {
    const [flag] = await store.executor.query<{ flag_id: string }>(
      `SELECT flag_id FROM flags_current
       WHERE seller_id = {seller:String}
         AND has(arrayMap(x -> JSONExtractString(x, 'rule'), JSONExtractArrayRaw(reasons)), {rule:String})
       ORDER BY flagged_at LIMIT 1`,
      { params: { seller: r.seller_id, rule: r.rule } },
    );
    if (!flag) throw new Error(`fixture: no ${r.rule} flag for ${r.seller_id}`);
    const result = await reviewFlag(
      store,
      flag.flag_id,
      { decision: r.decision, reviewer: r.reviewer, note: r.note },
      { keyId: 'analyst-guide-test', role: 'reviewer' },
      () => Date.parse(r.reviewed_at),
    );
    expect(result?.reviewed_at).toBe(new Date(r.reviewed_at).toISOString());
    reviewed.set(r.seller_id, flag.flag_id);
  }
  return reviewed;
}

describe('the guide loader', () => {
  const block = (marker: string, sql: string) => `${marker}\n\`\`\`sql\n${sql}\n\`\`\`\n`;

  it('reads named blocks, their parameters and the notes below them', () => {
    const md = `# t\n${block('<!-- query: a-b -->', "SELECT {x:UInt8} + {x:UInt8}, {d:DateTime64(3, 'UTC')}")}| \`x\` |\n## next\ntext`;
    const [q] = extractGuideQueries(md);
    expect(q).toMatchObject({
      name: 'a-b',
      params: [
        { name: 'x', type: 'UInt8' },
        { name: 'd', type: "DateTime64(3, 'UTC')" },
      ],
      notes: '| `x` |',
    });
    expect(bindParams(q!.sql, { x: 1, d: '2026-03-09 00:00:00' })).toBe(
      "SELECT CAST('1' AS UInt8) + CAST('1' AS UInt8), CAST('2026-03-09 00:00:00' AS DateTime64(3, 'UTC'))",
    );
  });

  it('refuses SQL no test would run, and parameters left unbound or unknown', () => {
    expect(() => extractGuideQueries(block('', 'SELECT 1'))).toThrow(/without a .* marker/);
    const twice = block('<!-- query: q -->', 'SELECT 1').repeat(2);
    expect(() => extractGuideQueries(twice)).toThrow(/used twice/);
    expect(() => extractGuideQueries('<!-- query: q -->\ntext')).toThrow(/not followed by a sql/);
    expect(() => bindParams('SELECT {x:UInt8}', {})).toThrow(/no value for parameter/);
    expect(() => bindParams('SELECT 1', { x: 1 })).toThrow(/unknown parameters: x/);
  });
});

describe('docs/analyst-guide.md on a replayed store', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigie-analyst-'));
  const database = uniqueDatabase('analyst_guide');
  let executor: ClickHouseExecutor;
  let store: Store;
  let summary: ReplaySummary;
  let ctx: Context;
  const filled: Record<string, number> = {};

  beforeAll(async () => {
    // runReplay reads the pipeline's configuration from the environment, as `vigie replay` does.
    // This suite runs embedded (the store suite covers a server); the long TTL keeps the
    // fixture's 2026 text, which the rebuild at start reads back.
    process.env.CLICKHOUSE_URL = '';
    process.env.CLICKHOUSE_DATABASE = database;
    process.env.LOG_LEVEL = 'silent';
    process.env.VIGIE_TEXT_TTL_DAYS = '3650';
    const hook = detectorHook(dataDir, database);
    // One line per batch: a snapshot per event and a scoring pass after each, as the live service
    // does, so flags are raised at the event that tipped them and the feature history is complete.
    summary = await runReplay(
      EVENTS,
      { dataDir, batchSize: 1 },
      { openBackend: defaultOpenBackend, openFlagHook: hook },
    );
    executor = await createExecutor({ dataDir, database });
    store = createStore({ executor, logger, textTtlDays: 3650 });
    ctx = { executor, reviewed: await applyReviews(store) };
    for (const table of ['identifier_links', 'listing_texts']) {
      const [row] = await executor.query<{ n: string }>(`SELECT count() AS n FROM ${table}`);
      filled[table] = Number(row?.n ?? 0);
    }
  });

  afterAll(async () => {
    await store?.close();
    await executor?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('has an expectation for every query of the guide, and a query for every expectation', () => {
    expect(guideQueries.length).toBeGreaterThanOrEqual(11);
    expect(guideQueries.map((q) => q.name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('documents every parameter of a query right below it', () => {
    for (const q of guideQueries) {
      for (const p of q.params)
        expect(q.notes, `${q.name}: {${p.name}}`).toContain(`\`${p.name}\``);
    }
  });

  it('replayed the fixture: every line accepted once, one re-sent duplicate, seven flags', () => {
    expect(summary).toMatchObject({
      accepted: fixture.length - 1,
      duplicates: 1,
      rejected: 0,
      flags_emitted: 7,
      sellers: ALL_SELLERS.length,
    });
    // The expectations count on these being the only disguised texts.
    for (const e of fixture) {
      if (e.type !== 'listing.published') continue;
      const obfuscated = ['g-2', 'h-1', 'h-2'].includes(e.listing_id!);
      expect(obfuscationOf(e.listing_id!) > 0, e.listing_id).toBe(obfuscated);
    }
    expect(normaliseText(textOf('g-2')).tokens).toEqual(normaliseText(textOf('g-1')).tokens);
  });

  it('point-in-time join: the label gets the features of flag time, not the later ones', async () => {
    const latest = await executor.query<{ v: number }>(
      `SELECT takedowns_illegal_90d AS v FROM seller_features_latest WHERE seller_id = 's-alpha'`,
    );
    expect(latest).toEqual([{ v: 4 }]);
  });

  for (const query of guideQueries) {
    it(`query ${query.name} returns the expected rows`, async (test) => {
      const expectation = EXPECTED[query.name];
      if (!expectation) throw new Error(`no expectation for guide query ${query.name}`);
      const missing = (expectation.needs ?? []).filter((t) => filled[t] === 0);
      test.skip(
        missing.length > 0,
        `the replay wrote no ${missing.join(' or ')} rows yet (the pipeline does not fill them)`,
      );
      // bindParams checks every placeholder has a value and every value a placeholder; the query
      // then runs as analysts run it, with the values bound by ClickHouse.
      bindParams(query.sql, expectation.params);
      const { rows } = await runReadonlyQuery(executor, query.sql, {}, expectation.params);
      expect(plain(rows)).toEqual(await expectation.expected(ctx));
    });
  }
});
