import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarketplaceEvent } from '../../streams/contract/index.ts';
import { startApiServer } from '../../services/api/index.ts';
import { eventMaker, openApiHarness, type ApiHarness } from './api-fixtures.ts';

const T0 = Date.parse('2026-03-02T08:00:00Z');
const IMG1 = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
const DOLL = {
  title: 'Poupée porcelaine ancienne signée',
  description: 'Belle poupée en porcelaine, robe de soie, années 1920, certificat inclus',
};

const ev = eventMaker(T0);
const EVENTS: MarketplaceEvent[] = [
  ev.registered('rec-1', 0, { device_hash: 'd1d1', payout_hash: 'b1b1' }),
  // Ban evasion: a new account with the terminated seller's device, after the termination.
  ev.registered('alt-1', 17, { device_hash: 'd1d1' }),
  ev.registered('honest-1', 0, { email_hash: 'e3e3' }),
  ev.registered('minors-1', 0, { phone_hash: 'f4f4' }),
  ev.published('rec-1', 2, 'L-rec-1', DOLL.title, DOLL.description, [IMG1]),
  ev.published(
    'rec-1',
    2.5,
    'L-rec-2',
    'Montre automatique acier bracelet cuir',
    'Montre homme mouvement automatique, boîtier acier 40 mm, bracelet cuir marron',
  ),
  ev.published(
    'rec-1',
    3,
    'L-rec-3',
    'Parfum flacon 100 ml édition limitée',
    'Eau de parfum, flacon neuf sous blister, édition limitée numérotée',
  ),
  ev.notice(
    'rec-1',
    4,
    'N1',
    'L-rec-1',
    'trusted_flagger',
    'STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS',
  ),
  ev.notice('rec-1', 4, 'N2', 'L-rec-2', 'user'),
  ev.notice(
    'rec-1',
    5,
    'N3',
    'L-rec-3',
    'trusted_flagger',
    'STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS',
  ),
  // Notice → takedown delays: 2 h (trusted), 4 h (user), 10 h (trusted).
  ev.takenDown('rec-1', 6, 'L-rec-1', {
    notice: 'N1',
    source: 'SOURCE_TRUSTED_FLAGGER',
    category: 'STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS',
  }),
  ev.takenDown('rec-1', 8, 'L-rec-2', { notice: 'N2', automated: true }),
  ev.takenDown('rec-1', 15, 'L-rec-3', {
    notice: 'N3',
    source: 'SOURCE_TRUSTED_FLAGGER',
    category: 'STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS',
  }),
  ev.sanctioned('rec-1', 16, 'termination'),
  ev.published('minors-1', 2, 'L-min-1', 'Peluche lapin géant', 'Peluche douce 80 cm, lavable'),
  ev.published('minors-1', 2, 'L-min-2', 'Figurine manga collector', 'Figurine 25 cm, boîte'),
  ev.notice(
    'minors-1',
    4.5,
    'N4',
    'L-min-2',
    'authority',
    'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
  ),
  ev.takenDown('minors-1', 5, 'L-min-1', {
    category: 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
    source: 'SOURCE_VOLUNTARY',
    automated: true,
  }),
  ev.takenDown('minors-1', 6, 'L-min-2', {
    category: 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
    source: 'SOURCE_TYPE_OTHER_NOTIFICATION',
  }),
  ev.published(
    'honest-1',
    3,
    'L-h-1',
    'Vélo de course carbone taille 54',
    'Cadre carbone, groupe Shimano 105, roues alu, très bon état',
  ),
];

const OF_TYPE = <T extends MarketplaceEvent['type']>(type: T) =>
  EVENTS.filter((e): e is Extract<MarketplaceEvent, { type: T }> => e.type === type);

function countBy<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

describe('HTTP API over the real store, pipeline and detector', () => {
  let h: ApiHarness;

  const get = (url: string, role: Parameters<ApiHarness['headers']>[0] = 'analyst') =>
    h.app.inject({ method: 'GET', url, headers: h.headers(role) });
  const post = (url: string, role: Parameters<ApiHarness['headers']>[0], payload: unknown) =>
    h.app.inject({ method: 'POST', url, headers: h.headers(role), payload: payload as object });
  const check = async (sellerId: string, listing: Record<string, unknown>) => {
    const res = await post('/v1/listings/check', 'platform', { seller_id: sellerId, listing });
    expect(res.statusCode).toBe(200);
    return res.json();
  };

  beforeAll(async () => {
    h = await openApiHarness('api');
    const { status, body } = await h.ingest(EVENTS);
    expect(status).toBe(200);
    expect(body).toMatchObject({ accepted: EVENTS.length, duplicates: 0, rejected_total: 0 });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('answers health, readiness, metrics and the OpenAPI document', async () => {
    expect((await get('/health', undefined)).json()).toEqual({ status: 'ok' });
    expect((await get('/ready', undefined)).json()).toEqual({
      ready: true,
      store: true,
      broker: null,
    });
    const metrics = await get('/metrics', undefined);
    expect(metrics.body).toContain('vigie_events_accepted_total');
    expect(metrics.body).toMatch(/vigie_flags\{kind="recidivist",status="open"\} \d/);
    expect(metrics.body).toContain('vigie_takedown_index_versions');
    const doc = (await get('/openapi.json', undefined)).json() as { paths: object };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/sellers/{id}',
        '/v1/flags',
        '/v1/flags/{id}/review',
        '/v1/listings/check',
        '/v1/reports/transparency',
        '/v1/events',
        '/v1/query',
      ]),
    );
  });

  it('ingests NDJSON: duplicates counted once, bad lines listed, all-bad bodies refused', async () => {
    const again = await h.ingest(EVENTS.slice(0, 3));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 3, rejected_total: 0 });

    const mixed = await h.ingest([
      ev.registered('late-1', 30, { email_hash: 'abab' }),
      '{"event_id": "x", "type": "seller.registered"',
      { ...ev.registered('late-2', 30, {}), occurred_at: 'yesterday' },
    ]);
    expect(mixed.status).toBe(200);
    expect(mixed.body.accepted).toBe(1);
    expect(mixed.body.rejected).toEqual([
      expect.objectContaining({ line: 2, code: 'INVALID_JSON' }),
      expect.objectContaining({ line: 3, code: 'SCHEMA_VIOLATION' }),
    ]);

    const allBad = await h.ingest(['nope', '{"type": "listing.published"}']);
    expect(allBad.status).toBe(400);
    expect(allBad.body).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    expect((allBad.body.errors as unknown[]).length).toBe(2);

    const asJson = await h.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: h.headers('platform'),
      payload: EVENTS[0] as object,
    });
    expect(asJson.statusCode).toBe(415);
    const late = await h.executor.query<{ n: string }>(
      `SELECT count() AS n FROM events WHERE seller_id = 'late-1'`,
    );
    expect(Number(late[0]?.n)).toBe(1);
  });

  it("shows a seller's features, live score, reasons, flags and linked sellers", async () => {
    const res = await get('/v1/sellers/rec-1');
    expect(res.statusCode).toBe(200);
    const view = res.json();
    expect(view.features.takedowns_total).toBe(3);
    expect(view.features.takedowns_illegal_90d).toBe(3);
    expect(view.kinds).toContain('recidivist');
    expect(view.severity).not.toBeNull();
    expect(view.reasons.length).toBeGreaterThan(0);
    expect(view.flags.length).toBeGreaterThan(0);
    expect(view.flags[0]).toMatchObject({ seller_id: 'rec-1', status: 'open', reviewed_by: null });
    expect(view.linked_sellers).toContainEqual(
      expect.objectContaining({ seller_id: 'alt-1', via: expect.stringContaining('device_hash') }),
    );

    const alt = (await get('/v1/sellers/alt-1')).json();
    expect(alt.linked_sellers.map((l: { seller_id: string }) => l.seller_id)).toContain('rec-1');
    expect(alt.features.linked_terminated_sellers).toBe(1);
    expect(alt.kinds).toContain('ban_evasion');

    expect((await get('/v1/sellers/nobody')).statusCode).toBe(404);
  });

  it('lists flags newest first with filters and a total', async () => {
    const all = (await get('/v1/flags?limit=1000')).json();
    expect(all.total).toBe(all.flags.length);
    const sellers = new Set(all.flags.map((f: { seller_id: string }) => f.seller_id));
    expect(sellers).toEqual(new Set(['rec-1', 'alt-1', 'minors-1']));
    const times = all.flags.map((f: { flagged_at: string }) => Date.parse(f.flagged_at));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const critical = (await get('/v1/flags?severity=critical')).json();
    expect(critical.flags.length).toBeGreaterThan(0);
    for (const f of critical.flags) expect(f.severity).toBe('critical');
    const evasion = (await get('/v1/flags?kind=ban_evasion')).json();
    expect(evasion.flags.map((f: { seller_id: string }) => f.seller_id)).toEqual(['alt-1']);
    const page = (await get('/v1/flags?limit=1&offset=1')).json();
    expect(page.flags).toHaveLength(1);
    expect(page.total).toBe(all.total);
    expect(page.flags[0].flag_id).toBe(all.flags[1].flag_id);
  });

  it('holds an obfuscated re-list of a taken-down listing, allows an honest one', async () => {
    const relist = await check('newcomer', {
      title: 'P0up3e p.o.r.c.e.l.a.i.n.e ancienne sígnée',
      description: 'B3lle poupée en porcelaine, robe de soie, années 1920, certificat inclus',
    });
    expect(relist.action).toBe('hold');
    expect(relist.listing.obfuscation).toBeGreaterThan(0);
    expect(relist.listing.nearest_taken_down[0]).toMatchObject({
      listing_id: 'L-rec-1',
      seller_id: 'rec-1',
      via: 'text',
    });
    expect(relist.listing.nearest_taken_down[0].similarity).toBeGreaterThanOrEqual(0.8);

    const honest = await check('honest-1', {
      title: 'Lampe de bureau LED articulée',
      description: 'Lampe LED, bras articulé, trois intensités, port USB',
    });
    expect(honest).toMatchObject({
      action: 'allow',
      reasons: [],
      seller: { severity: null, kinds: [] },
      listing: { obfuscation: 0, nearest_taken_down: [] },
    });

    const image = await check('newcomer', {
      title: 'Lot de cartes postales',
      image_hashes: [IMG1],
    });
    expect(image.action).toBe('hold');
    expect(image.listing.nearest_taken_down[0]).toMatchObject({
      listing_id: 'L-rec-1',
      via: 'image',
      similarity: 1,
    });
  });

  it('holds any listing of a critical or terminated-linked seller', async () => {
    const listing = { title: 'Lampe de bureau LED articulée', description: 'Lampe LED' };
    const minors = await check('minors-1', listing);
    expect(minors.action).toBe('hold');
    expect(minors.seller.severity).toBe('critical');
    const alt = await check('alt-1', listing);
    expect(alt.action).toBe('hold');
    expect(alt.reasons.join(' ')).toContain('terminated');
  });

  it('a takedown ingested is matched by the next check', async () => {
    const draft = {
      title: 'Casque audio sans fil réduction de bruit',
      description: 'Casque bluetooth, autonomie 30 heures, étui rigide',
    };
    expect((await check('newcomer', draft)).action).toBe('allow');
    await h.ingest([
      ev.published('honest-2', 20, 'L-h2-1', draft.title, draft.description),
      ev.takenDown('honest-2', 21, 'L-h2-1', { ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT' }),
    ]);
    const after = await check('newcomer', draft);
    expect(after.action).toBe('hold');
    expect(after.listing.nearest_taken_down[0].listing_id).toBe('L-h2-1');
  });

  it('review: dismissal stored, audited, and feeding suppression; confirmation too', async () => {
    const [flag] = (await get('/v1/flags?seller_id=rec-1')).json().flags;
    const before = await h.detector.loop.onChanged(['rec-1']);
    expect(before.suppressed).toEqual({ cooldown: 1, dismissed: 0 });

    const res = await post(`/v1/flags/${flag.flag_id}/review`, 'reviewer', {
      decision: 'dismiss',
      reviewer: 'alice',
      note: 'provenance documented',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ flag_id: flag.flag_id, status: 'dismissed' });

    const dismissed = (await get('/v1/flags?status=dismissed')).json();
    expect(dismissed.flags).toEqual([
      expect.objectContaining({ flag_id: flag.flag_id, status: 'dismissed', reviewed_by: 'alice' }),
    ]);
    const audit = await h.executor.query<{ actor: string; detail: string }>(
      `SELECT actor, detail FROM audit_log WHERE action = 'flag.reviewed' AND target = {f:String}`,
      { params: { f: flag.flag_id } },
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toBe('reviewer/alice');
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({
      api_key: 'reviewer',
      decision: 'dismissed',
      previous_status: 'open',
    });
    const reviews = await h.executor.query<{ decision: string; note: string }>(
      'SELECT decision, note FROM flag_reviews WHERE flag_id = {f:String}',
      { params: { f: flag.flag_id } },
    );
    expect(reviews).toEqual([{ decision: 'dismissed', note: 'provenance documented' }]);

    // The detector now suppresses the same evidence as dismissed, not merely as cooling down.
    const after = await h.detector.loop.onChanged(['rec-1']);
    expect(after).toMatchObject({ emitted: 0, suppressed: { cooldown: 0, dismissed: 1 } });
    // A dismissed flag no longer weighs on the seller's pre-publication checks.
    const seller = (await check('rec-1', { title: 'Lampe de bureau LED articulée' })).seller;
    expect(seller.severity).toBeNull();

    const [minors] = (await get('/v1/flags?seller_id=minors-1')).json().flags;
    const odd = `o'brien"); DROP TABLE flags; --`;
    const confirm = await post(`/v1/flags/${minors.flag_id}/review`, 'admin', {
      decision: 'confirm',
      reviewer: odd,
    });
    expect(confirm.json()).toMatchObject({ status: 'confirmed' });
    const stored = await h.executor.query<{ reviewer: string }>(
      'SELECT reviewer FROM flag_reviews WHERE flag_id = {f:String}',
      { params: { f: minors.flag_id } },
    );
    expect(stored).toEqual([{ reviewer: odd }]);
    expect(await h.count('flags')).toBeGreaterThan(0);

    const missing = await post('/v1/flags/flg_nope/review', 'reviewer', {
      decision: 'confirm',
      reviewer: 'alice',
    });
    expect(missing.statusCode).toBe(404);
  });

  it('reports DSA transparency figures for a period', async () => {
    const from = new Date(T0 - 86_400_000).toISOString();
    const to = new Date(T0 + 30 * 86_400_000).toISOString();
    const res = await get(`/v1/reports/transparency?from=${from}&to=${to}`);
    expect(res.statusCode).toBe(200);
    const report = res.json();
    const notices = OF_TYPE('notice.received');
    const takedowns = [
      ...OF_TYPE('listing.taken_down'),
      ev.takenDown('honest-2', 21, 'L-h2-1', { ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT' }),
    ] as Array<Extract<MarketplaceEvent, { type: 'listing.taken_down' }>>;
    expect(report.notices).toEqual({
      total: notices.length,
      by_source: countBy(notices, (n) => n.notifier_type),
      by_category: countBy(notices, (n) => n.category),
      trusted_flaggers: notices.filter((n) => n.notifier_type === 'trusted_flagger').length,
    });
    expect(report.takedowns).toEqual({
      total: takedowns.length,
      by_ground: countBy(takedowns, (t) => t.decision_ground),
      by_source: countBy(takedowns, (t) => t.source_type),
      automated: takedowns.filter((t) => t.automated_detection).length,
      // Delays 2 h, 4 h (user) and 10 h: median 4; trusted flaggers only: (2 + 10) / 2.
      median_hours_notice_to_takedown: 4,
      median_hours_trusted_notice_to_takedown: 6,
    });
    const flags = (await get('/v1/flags?limit=1000')).json().flags as Array<{
      kinds: string[];
      status: string;
    }>;
    expect(report.flags).toEqual({
      total: flags.length,
      by_kind: countBy(
        flags.flatMap((f) => f.kinds),
        (k) => k,
      ),
      by_outcome: { open: 0, confirmed: 0, dismissed: 0, ...countBy(flags, (f) => f.status) },
      reviewed: 2,
      automated_only: flags.length - 2,
    });
    expect(report.flags.by_outcome).toMatchObject({ confirmed: 1, dismissed: 1 });

    const empty = (
      await get('/v1/reports/transparency?from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z')
    ).json();
    expect(empty.notices.total).toBe(0);
    expect(empty.takedowns.median_hours_notice_to_takedown).toBeNull();
    const reversed = await get(`/v1/reports/transparency?from=${to}&to=${from}`);
    expect(reversed.statusCode).toBe(400);
  });

  it('runs read-only SQL for analysts, audited', async () => {
    const res = await post('/v1/query', 'analyst', {
      sql: 'SELECT seller_id, takedowns_total FROM seller_features_latest WHERE takedowns_total > 0 ORDER BY seller_id',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().rows).toEqual([
      { seller_id: 'honest-2', takedowns_total: 1 },
      { seller_id: 'minors-1', takedowns_total: 2 },
      { seller_id: 'rec-1', takedowns_total: 3 },
    ]);
    const audit = await h.executor.query<{ actor: string; detail: string }>(
      `SELECT actor, detail FROM audit_log WHERE action = 'query.run'`,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toBe('key:analyst');
    const typo = await post('/v1/query', 'analyst', { sql: 'SELEC seller_id FROM flags' });
    expect(typo.statusCode).toBe(400);
    expect(typo.json().code).toBe('BAD_REQUEST');
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({ rows: 3 });
  });

  it('serves over a real socket', async () => {
    const server = await startApiServer({ deps: h.deps, host: '127.0.0.1', port: 0 });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${server.url}/health`);
      expect(await health.json()).toEqual({ status: 'ok' });
      const flags = await fetch(`${server.url}/v1/flags?kind=recidivist`, {
        headers: { authorization: `Bearer ${h.secrets.analyst}` },
      });
      expect(flags.status).toBe(200);
      expect(((await flags.json()) as { total: number }).total).toBeGreaterThan(0);
      const viaHeader = await fetch(`${server.url}/v1/flags?limit=1`, {
        headers: { 'x-api-key': h.secrets.reviewer },
      });
      expect(viaHeader.status).toBe(200);
      const denied = await fetch(`${server.url}/v1/flags`);
      expect(denied.status).toBe(401);
      expect(denied.headers.get('content-type')).toContain('application/problem+json');
    } finally {
      await server.close();
    }
  });

  it('erases a seller (admin only), audited, and drops its takedowns from the checks', async () => {
    const draft = { title: DOLL.title, description: DOLL.description };
    expect((await check('newcomer', draft)).action).toBe('hold');
    const forbidden = await h.app.inject({
      method: 'DELETE',
      url: '/v1/sellers/rec-1',
      headers: h.headers('analyst'),
    });
    expect(forbidden.statusCode).toBe(403);
    const res = await h.app.inject({
      method: 'DELETE',
      url: '/v1/sellers/rec-1',
      headers: h.headers('admin'),
    });
    expect(res.statusCode).toBe(200);
    const report = res.json() as {
      pseudonym: string;
      tables: Array<{ table: string; deleted: number; pseudonymised: number }>;
    };
    expect(report.pseudonym).toMatch(/^erased:/);
    const events = report.tables.find((t) => t.table === 'events')!;
    expect(events.deleted).toBe(EVENTS.filter((e) => e.seller_id === 'rec-1').length);
    expect(report.tables.find((t) => t.table === 'flags')!.pseudonymised).toBeGreaterThan(0);
    const audit = await h.executor.query<{ actor: string; target: string }>(
      `SELECT actor, target FROM audit_log WHERE action = 'seller.erased'`,
    );
    expect(audit).toEqual([{ actor: 'key:admin', target: report.pseudonym }]);
    expect((await get('/v1/sellers/rec-1')).statusCode).toBe(404);
    // The pipeline in this process forgot the seller: a new event starts it afresh, with none of
    // the erased takedowns (the engine kept them before the erasure reached it).
    const back = await h.ingest([
      ev.published('rec-1', 40, 'L-rec-new', 'Lampe', 'Lampe de bureau'),
    ]);
    expect(back.status).toBe(200);
    const [latest] = await h.executor.query<{ takedowns_total: string }>(
      `SELECT takedowns_total FROM seller_features_latest WHERE seller_id = 'rec-1'`,
    );
    expect(Number(latest?.takedowns_total)).toBe(0);
    const after = await check('newcomer', draft);
    expect(after.listing.nearest_taken_down).toEqual([]);
    expect(after.action).toBe('allow');
  });
});
