import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReadonlyQuery } from '../../features/store/index.ts';
import { collectParam } from '../../services/cli/commands/query.ts';
import { eventMaker, openApiHarness, type ApiHarness } from './api-fixtures.ts';

/**
 * Query parameters of the analysts' read-only runner, through the store function, POST /v1/query
 * and `vigie query --param`, on the real chDB engine: values are bound by ClickHouse, so a value
 * that looks like SQL stays a value and writes nothing.
 */

const T0 = Date.parse('2026-05-04T08:00:00Z');
const ev = eventMaker(T0);
const EVENTS = [
  ev.registered('s-1', 0, { device_hash: 'abcdef' }),
  ev.published('s-1', 1, 'L1', 'Montre de plongée automatique', 'Boîtier acier, 200 m'),
  ev.published('s-1', 2, 'L2', 'Sac à main cuir', 'Cuir pleine fleur'),
  ev.registered('s-2', 0, { email_hash: '1234' }),
  ev.published('s-2', 1, 'L3', 'Vélo de ville', 'Cadre acier'),
];
const INJECTION = "s-1' OR 1 = 1; DROP TABLE events; --";

describe('query parameters (chDB)', () => {
  let h: ApiHarness;

  beforeAll(async () => {
    h = await openApiHarness('query_params');
    const res = await h.ingest(EVENTS);
    expect(res.status).toBe(200);
  });
  afterAll(() => h?.close());

  const perSeller = (s: string) => EVENTS.filter((e) => e.seller_id === s).length;
  const COUNT_SQL =
    'SELECT count() AS n FROM events WHERE seller_id = {seller:String} AND occurred_at >= {from:DateTime64(3)}';

  it('binds {name:Type} placeholders in the store runner', async () => {
    const one = await runReadonlyQuery(
      h.executor,
      COUNT_SQL,
      {},
      {
        seller: 's-1',
        from: '2026-05-01 00:00:00',
      },
    );
    expect(one.rows).toEqual([{ n: String(perSeller('s-1')) }]);
    const typed = await runReadonlyQuery(
      h.executor,
      'SELECT {n:UInt32} + 1 AS y, has({ids:Array(String)}, {id:String}) AS found',
      {},
      { n: 41, ids: ['a', 'b'], id: 'b' },
    );
    // UInt32 + 1 is a UInt64, which comes back quoted (output_format_json_quote_64bit_integers).
    expect(typed.rows).toEqual([{ y: '42', found: 1 }]);
  });

  it('keeps a value that looks like SQL a value: nothing spliced, nothing written', async () => {
    const before = await h.count('events');
    const { rows } = await runReadonlyQuery(
      h.executor,
      COUNT_SQL,
      {},
      {
        seller: INJECTION,
        from: '2000-01-01 00:00:00',
      },
    );
    expect(rows).toEqual([{ n: '0' }]);
    const echoed = await runReadonlyQuery(
      h.executor,
      'SELECT {v:String} AS v',
      {},
      {
        v: INJECTION,
      },
    );
    expect(echoed.rows).toEqual([{ v: INJECTION }]);
    // A value cannot be an identifier slot or a statement either: a write stays refused.
    const write = await runReadonlyQuery(
      h.executor,
      'INSERT INTO events (event_id) SELECT {v:String}',
      {},
      { v: 'x' },
    ).catch((e: unknown) => e);
    expect(write).toMatchObject({ code: 'READONLY_VIOLATION' });
    expect(await h.count('events')).toBe(before);
  });

  it('refuses unset placeholders and bad parameter names as BAD_REQUEST', async () => {
    const unset = await runReadonlyQuery(h.executor, 'SELECT {x:UInt8} AS x').catch(
      (e: unknown) => e,
    );
    expect(unset).toMatchObject({ code: 'BAD_REQUEST' });
    const badName = await runReadonlyQuery(h.executor, 'SELECT 1', {}, { 'a b': 1 }).catch(
      (e: unknown) => e,
    );
    expect(badName).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('POST /v1/query takes a params object', async () => {
    const post = (payload: unknown) =>
      h.app.inject({
        method: 'POST',
        url: '/v1/query',
        headers: h.headers('analyst', { 'content-type': 'application/json' }),
        payload: JSON.stringify(payload),
      });
    const ok = await post({ sql: COUNT_SQL, params: { seller: 's-2', from: '2026-05-01' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().rows).toEqual([{ n: String(perSeller('s-2')) }]);
    const smuggled = await post({
      sql: COUNT_SQL,
      params: { seller: INJECTION, from: '2026-05-01' },
    });
    expect(smuggled.statusCode).toBe(200);
    expect(smuggled.json().rows).toEqual([{ n: '0' }]);
    const badName = await post({ sql: 'SELECT 1', params: { 'x;y': 1 } });
    expect(badName.statusCode).toBe(400);
    const unset = await post({ sql: 'SELECT {x:UInt8} AS x' });
    expect(unset.statusCode).toBe(400);
    expect(unset.json().code).toBe('BAD_REQUEST');
    expect(await h.count('events')).toBe(EVENTS.length);
    // The audit keeps parameter names, never their values (literals may name sellers).
    const audit = await h.executor.query<{ detail: string }>(
      `SELECT detail FROM audit_log WHERE action = 'query.run' ORDER BY at`,
    );
    expect(audit.map((a) => JSON.parse(a.detail).params)).toContainEqual(['from', 'seller']);
    expect(audit.some((a) => a.detail.includes('s-2'))).toBe(false);
  });

  it('vigie query --param name=value (repeatable)', async () => {
    expect(collectParam('seller=a=b', collectParam('n=1'))).toEqual({ n: '1', seller: 'a=b' });
    expect(() => collectParam('novalue')).toThrow(/name=value/);
    expect(() => collectParam('n=2', { n: '1' })).toThrow(/twice/);

    const dataDir = await mkdtemp(join(tmpdir(), 'vigie-query-params-'));
    try {
      const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
        (done, fail) => {
          const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
          delete env.CLICKHOUSE_URL;
          const child = spawn(
            process.execPath,
            [
              resolve('services/cli/bin.cjs'),
              'query',
              'SELECT {n:UInt32} + 1 AS y, {s:String} AS s',
              '--param',
              'n=41',
              '--param',
              `s=${INJECTION}`,
              '--format',
              'json',
              '--data-dir',
              dataDir,
            ],
            { env, stdio: ['ignore', 'pipe', 'pipe'] },
          );
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
          child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
          child.on('error', fail);
          child.on('close', (code) => done({ code, stdout, stderr }));
        },
      );
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual([{ y: '42', s: INJECTION }]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
