import { existsSync } from 'node:fs';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createApi,
  PERMISSIONS,
  ROLES,
  type Permission,
  type Role,
} from '../../services/api/index.ts';
import { eventMaker, leaksInternals, openApiHarness, type ApiHarness } from './api-fixtures.ts';

const T0 = Date.parse('2026-04-01T08:00:00Z');
const ev = eventMaker(T0);
const SEED = [
  ev.registered('s-1', 0, { device_hash: 'abcdef' }),
  ev.published('s-1', 1, 'L1', 'Montre de plongée automatique', 'Boîtier acier, 200 m'),
  ev.published('s-1', 1, 'L2', 'Sac à main cuir', 'Cuir pleine fleur, doublure coton'),
  ev.published('s-1', 1, 'L3', 'Lunettes de soleil polarisées', 'Monture acétate, étui'),
  ev.takenDown('s-1', 2, 'L1'),
  ev.takenDown('s-1', 3, 'L2'),
  ev.takenDown('s-1', 4, 'L3'),
];

/** Every table of the store: none may change under hostile input. */
const TABLES = [
  'events',
  'listing_texts',
  'seller_features',
  'seller_features_current',
  'identifier_links',
  'flags',
  'flag_reviews',
  'models',
  'audit_log',
  'schema_migrations',
];

const INJECTIONS = [
  "' OR '1'='1",
  "x'); DROP TABLE events; --",
  '1; DROP TABLE flags',
  "' UNION SELECT name, engine FROM system.tables --",
  '{id:String}',
  "\\'; TRUNCATE TABLE events; --",
  "s-1' --",
  's-1\u0000',
];

const WRITES = [
  "INSERT INTO events (event_id) VALUES ('x')",
  'ALTER TABLE flags DELETE WHERE 1',
  "ALTER TABLE flags UPDATE status = 'dismissed' WHERE 1",
  'DROP TABLE events',
  'DROP DATABASE IF EXISTS system',
  'TRUNCATE TABLE audit_log',
  'CREATE TABLE evil (x UInt8) ENGINE = Memory',
  'OPTIMIZE TABLE events FINAL',
  'SELECT 1; DROP TABLE events',
  'SELECT 1 -- harmless\n; DELETE FROM events WHERE 1',
  "SELECT * FROM events INTO OUTFILE '/tmp/vigie-hostile-outfile.csv'",
  "SELECT * FROM file('/etc/passwd', 'LineAsString')",
  "SELECT file('/etc/passwd')",
  'SELECT * FROM events SETTINGS readonly = 0',
  'SELECT * FROM (SELECT * FROM events SETTINGS readonly = 0)',
  'SET readonly = 0',
  'DELETE FROM events WHERE 1',
  'RENAME TABLE events TO evil',
  'DETACH TABLE events',
  'KILL QUERY WHERE 1',
  'SYSTEM STOP MERGES',
  "SELECT * FROM url('http://127.0.0.1:9/x', 'CSV', 'a String')",
];

/** Each protected route with a body a right role would have accepted. */
const ROUTES: Array<{
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  permission: Permission;
  payload?: string;
  contentType?: string;
}> = [
  { method: 'GET', url: '/v1/sellers/s-1', permission: 'read' },
  { method: 'DELETE', url: '/v1/sellers/s-1', permission: 'erase' },
  { method: 'GET', url: '/v1/flags', permission: 'read' },
  {
    method: 'POST',
    url: '/v1/flags/flg_x/review',
    permission: 'review',
    payload: JSON.stringify({ decision: 'dismiss', reviewer: 'mallory' }),
  },
  {
    method: 'POST',
    url: '/v1/listings/check',
    permission: 'check',
    payload: JSON.stringify({ seller_id: 's-1', listing: { title: 'x' } }),
  },
  {
    method: 'GET',
    url: '/v1/reports/transparency?from=2026-01-01T00:00:00Z&to=2026-12-01T00:00:00Z',
    permission: 'read',
  },
  {
    method: 'POST',
    url: '/v1/events',
    permission: 'ingest',
    payload: JSON.stringify(ev.registered('intruder', 5, {})),
    contentType: 'application/x-ndjson',
  },
  {
    method: 'POST',
    url: '/v1/query',
    permission: 'query',
    payload: JSON.stringify({ sql: 'SELECT 1' }),
  },
];

describe('hostile input: refused cleanly, nothing changed in the store', () => {
  let h: ApiHarness;
  let before: Record<string, number>;
  const answers: LightMyRequestResponse[] = [];

  async function send(
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    options: { role?: Role; headers?: Record<string, string>; payload?: string | object } = {},
  ): Promise<LightMyRequestResponse> {
    const res = await h.app.inject({
      method,
      url,
      headers: { ...h.headers(options.role), ...options.headers },
      ...(options.payload === undefined ? {} : { payload: options.payload }),
    });
    answers.push(res);
    return res;
  }

  const json = { 'content-type': 'application/json' };

  async function counts(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const t of TABLES) out[t] = await h.count(t);
    return out;
  }

  beforeAll(async () => {
    h = await openApiHarness('hostile', {
      jsonBodyLimit: 8 * 1024,
      ingestBodyLimit: 2 * 1024 * 1024,
    });
    expect((await h.ingest(SEED)).status).toBe(200);
    before = await counts();
    expect(before.events).toBe(SEED.length);
    expect(before.flags).toBeGreaterThan(0);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('refuses oversized bodies with 413', async () => {
    const big = 'x'.repeat(9 * 1024);
    const check = await send('POST', '/v1/listings/check', {
      role: 'platform',
      headers: json,
      payload: JSON.stringify({ seller_id: 's-1', listing: { title: 't', description: big } }),
    });
    expect(check.statusCode).toBe(413);
    const query = await send('POST', '/v1/query', {
      role: 'analyst',
      headers: json,
      payload: JSON.stringify({ sql: `SELECT '${big}'` }),
    });
    expect(query.statusCode).toBe(413);
    const ingest = await send('POST', '/v1/events', {
      role: 'platform',
      headers: { 'content-type': 'application/x-ndjson' },
      payload: `${JSON.stringify(ev.registered('big', 5, {}))}\n`.repeat(30_000),
    });
    expect(ingest.statusCode).toBe(413);
    // One line over the contract's 1 MiB record cap, in a body under the limit: that line is
    // rejected (and nothing else was sent, so the answer is 400).
    const line = await send('POST', '/v1/events', {
      role: 'platform',
      headers: { 'content-type': 'application/x-ndjson' },
      payload: JSON.stringify({ ...ev.registered('huge', 5, {}), pad: 'y'.repeat(1_100_000) }),
    });
    expect(line.statusCode).toBe(400);
    expect(line.json().errors).toEqual([
      expect.objectContaining({ line: 1, code: 'OVERSIZE_RECORD' }),
    ]);
  });

  it('refuses malformed JSON and schema violations with 400', async () => {
    const bodies: Array<[string, Role, string]> = [
      ['/v1/listings/check', 'platform', '{"seller_id": "s-1", '],
      ['/v1/listings/check', 'platform', '{"__proto__": {"polluted": true}, "seller_id": "s"}'],
      ['/v1/listings/check', 'platform', 'null'],
      ['/v1/listings/check', 'platform', '{"seller_id": 5, "listing": {}}'],
      [
        '/v1/listings/check',
        'platform',
        '{"seller_id": "s", "listing": {"title": "t", "image_hashes": ["zz"]}}',
      ],
      ['/v1/flags/flg_x/review', 'reviewer', '[1, 2'],
      ['/v1/flags/flg_x/review', 'reviewer', '{"decision": "delete", "reviewer": "m"}'],
      ['/v1/query', 'analyst', '{"sql": '],
      ['/v1/query', 'analyst', '{"sql": ""}'],
    ];
    for (const [url, role, payload] of bodies) {
      const res = await send('POST', url, { role, headers: json, payload });
      expect(res.statusCode, `${url} ${payload}`).toBe(400);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const ingest = await send('POST', '/v1/events', {
      role: 'platform',
      headers: { 'content-type': 'application/x-ndjson' },
      payload: '{"event_id": \n not json\n',
    });
    expect(ingest.statusCode).toBe(400);
    const empty = await send('POST', '/v1/events', {
      role: 'platform',
      headers: { 'content-type': 'application/x-ndjson' },
      payload: '\n\n',
    });
    expect(empty.statusCode).toBe(400);
  });

  it('treats SQL in every parameter as data: clean 4xx/404 or an empty answer', async () => {
    for (const s of INJECTIONS) {
      const id = encodeURIComponent(s);
      const seller = await send('GET', `/v1/sellers/${id}`, { role: 'analyst' });
      expect(seller.statusCode, s).toBe(404);
      const review = await send('POST', `/v1/flags/${id}/review`, {
        role: 'reviewer',
        headers: json,
        payload: JSON.stringify({ decision: 'dismiss', reviewer: s, note: s }),
      });
      expect(review.statusCode, s).toBe(404);
      const bySeller = await send('GET', `/v1/flags?seller_id=${id}`, { role: 'analyst' });
      expect(bySeller.statusCode, s).toBe(200);
      expect(bySeller.json()).toEqual({ flags: [], total: 0 });
      for (const param of ['status', 'severity', 'kind', 'limit', 'offset']) {
        const res = await send('GET', `/v1/flags?${param}=${id}`, { role: 'analyst' });
        expect(res.statusCode, `${param}=${s}`).toBe(400);
      }
      const report = await send(
        'GET',
        `/v1/reports/transparency?from=${id}&to=2026-12-01T00:00:00Z`,
        { role: 'analyst' },
      );
      expect(report.statusCode, s).toBe(400);
      const check = await send('POST', '/v1/listings/check', {
        role: 'platform',
        headers: json,
        payload: JSON.stringify({
          seller_id: s,
          listing: { title: s, description: s, category: s },
        }),
      });
      expect(check.statusCode, s).toBe(200);
      expect(check.json().seller).toEqual({ score: null, severity: null, kinds: [] });
    }
  });

  it('refuses write statements in /v1/query with READONLY_VIOLATION 403', async () => {
    for (const sql of WRITES) {
      const res = await send('POST', '/v1/query', {
        role: 'analyst',
        headers: json,
        payload: JSON.stringify({ sql }),
      });
      expect(res.statusCode, sql).toBe(403);
      expect(res.json().code, sql).toBe('READONLY_VIOLATION');
    }
    expect(existsSync('/tmp/vigie-hostile-outfile.csv')).toBe(false);
  });

  it('refuses wrong roles (403) and missing or bad keys (401) on every protected route', async () => {
    const forged = `${h.secrets.admin.slice(0, -1)}${h.secrets.admin.endsWith('A') ? 'B' : 'A'}`;
    const badKeys: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer ' },
      { authorization: `Bearer vk_${'A'.repeat(43)}` },
      { authorization: `Bearer ${forged}` },
      { authorization: `Basic ${Buffer.from(`admin:${h.secrets.admin}`).toString('base64')}` },
      { authorization: `Bearer ${'k'.repeat(8_000)}` },
      { 'x-api-key': "' OR 1=1 --" },
      { authorization: `Bearer ${h.secrets.admin} extra` },
    ];
    for (const route of ROUTES) {
      const headers = route.payload
        ? { 'content-type': route.contentType ?? 'application/json' }
        : undefined;
      for (const bad of badKeys) {
        const res = await send(route.method, route.url, {
          headers: { ...headers, ...bad },
          payload: route.payload,
        });
        expect(res.statusCode, `${route.method} ${route.url} ${Object.keys(bad)}`).toBe(401);
        expect(res.json().code).toBe('UNAUTHORIZED');
      }
      const allowed = PERMISSIONS[route.permission] as readonly Role[];
      for (const role of ROLES.filter((r) => !allowed.includes(r))) {
        const res = await send(route.method, route.url, {
          role,
          headers,
          payload: route.payload,
        });
        expect(res.statusCode, `${route.method} ${route.url} as ${role}`).toBe(403);
        expect(res.json().code).toBe('FORBIDDEN');
      }
    }
  });

  it('rate-limits per key with 429', async () => {
    const limited = await createApi(h.deps, {
      jsonBodyLimit: 8 * 1024,
      ingestBodyLimit: 64 * 1024,
      rateLimitPerMinute: 3,
    });
    try {
      const get = (role: Role) =>
        limited.inject({ method: 'GET', url: '/v1/flags?limit=1', headers: h.headers(role) });
      for (let i = 0; i < 3; i += 1) expect((await get('analyst')).statusCode).toBe(200);
      const over = await get('analyst');
      answers.push(over);
      expect(over.statusCode).toBe(429);
      expect(over.json().code).toBe('RATE_LIMITED');
      expect((await get('reviewer')).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('answers unknown routes with a 404 problem', async () => {
    expect((await send('GET', '/v1/nothing', { role: 'admin' })).statusCode).toBe(404);
    expect((await send('POST', '/v1/sellers/s-1', { role: 'admin' })).statusCode).toBe(404);
    expect((await send('GET', '/../../etc/passwd')).statusCode).toBe(404);
  });

  it('every error is problem+json without internals, and the store is unchanged', async () => {
    const errors = answers.filter((r) => r.statusCode >= 400);
    // A floor, so that a harness that stopped sending cannot pass this check vacuously.
    expect(errors.length).toBeGreaterThan(150);
    for (const res of errors) {
      expect(res.headers['content-type'], res.body).toContain('application/problem+json');
      const body = res.json() as { status: number; title: string };
      expect(body.status).toBe(res.statusCode);
      expect(leaksInternals(res.body), res.body).toBe(false);
    }
    expect(await counts()).toEqual(before);
  });

  it('erasing a seller id made of SQL removes nothing (audited only)', async () => {
    for (const s of INJECTIONS) {
      const res = await send('DELETE', `/v1/sellers/${encodeURIComponent(s)}`, { role: 'admin' });
      expect(res.statusCode, s).toBe(200);
      for (const t of res.json().tables as Array<{
        deleted: number;
        pseudonymised: number;
        scrubbed: number;
      }>) {
        expect(t.deleted + t.pseudonymised + t.scrubbed, s).toBe(0);
      }
    }
    const after = await counts();
    expect({ ...after, audit_log: 0 }).toEqual({ ...before, audit_log: 0 });
    expect(after.audit_log! - before.audit_log!).toBe(INJECTIONS.length);
  });
});
