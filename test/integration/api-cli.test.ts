import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../services/cli/main.ts';
import { eventMaker } from './api-fixtures.ts';

const BIN = resolve('services/cli/bin.cjs');
const T0 = Date.parse('2026-05-04T08:00:00Z');
const ev = eventMaker(T0);
const EVENTS = [
  ev.registered('s-1', 0, { device_hash: 'abcdef' }),
  ev.published('s-1', 1, 'L1', 'Montre de plongée automatique', 'Boîtier acier, 200 m'),
  ev.published('s-1', 1, 'L2', 'Sac à main cuir', 'Cuir pleine fleur, doublure coton'),
  ev.published('s-1', 1, 'L3', 'Lunettes de soleil polarisées', 'Monture acétate, étui'),
  ev.notice('s-1', 1.5, 'N1', 'L1', 'trusted_flagger'),
  ev.takenDown('s-1', 2, 'L1', { notice: 'N1', source: 'SOURCE_TRUSTED_FLAGGER' }),
  ev.takenDown('s-1', 3, 'L2'),
  ev.takenDown('s-1', 4, 'L3', { automated: true }),
  ev.registered('s-2', 0, { email_hash: '1234' }),
  ev.published('s-2', 1, 'L4', 'Vélo de ville', 'Cadre acier, trois vitesses'),
];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('vigie query, report, erase, keys and serve (spawned)', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  const children: ChildProcess[] = [];

  function vigie(args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
    return new Promise((done, fail) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        env: { ...env, ...extraEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('error', fail);
      child.on('close', (code) => done({ code, stdout, stderr }));
    });
  }

  /** One at a time: a chDB directory is opened by one process at a time. */
  async function inSeries<const T extends ReadonlyArray<readonly string[]>>(
    runs: T,
  ): Promise<{ -readonly [K in keyof T]: Run }> {
    const out: Run[] = [];
    for (const args of runs) out.push(await vigie([...args]));
    return out as { -readonly [K in keyof T]: Run };
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vigie-cli-'));
    // Fixed 2026 event times: keep their text for ten years, in every process on this directory.
    env = {
      ...process.env,
      VIGIE_TEXT_TTL_DAYS: '3650',
      LOG_LEVEL: 'warn',
      VIGIE_DATA_DIR: dataDir,
    };
    delete env.CLICKHOUSE_URL;
  });

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('documents --help and --data-dir on every command', async () => {
    // Every command's help, from the program the binary builds; one spawn proves the binary.
    const program = buildProgram();
    for (const path of [
      ['query'],
      ['report'],
      ['erase'],
      ['keys', 'create'],
      ['keys', 'list'],
      ['keys', 'revoke'],
      ['serve'],
    ]) {
      let command = program;
      for (const name of path) command = command.commands.find((c) => c.name() === name)!;
      expect(command.helpInformation(), path.join(' ')).toContain('--data-dir');
    }
    const run = await vigie(['query', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--format');
  });

  let secret = '';

  it('keys: create prints the secret once, list never shows it, bad input exits 2', async () => {
    const created = await vigie(['keys', 'create', '--id', 'ops', '--role', 'admin']);
    expect(created.code).toBe(0);
    secret = created.stdout.trim();
    expect(secret).toMatch(/^vk_[A-Za-z0-9_-]{43}$/);
    const [again, list] = await Promise.all([
      vigie(['keys', 'create', '--id', 'ops', '--role', 'analyst']),
      vigie(['keys', 'list', '--format', 'json']),
    ]);
    expect(again.code).toBe(2);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([
      { id: 'ops', role: 'admin', created_at: expect.any(String) },
    ]);
    expect(list.stdout).not.toContain(secret);
  });

  it('serve: ingests over HTTP, holds the store (other commands exit 4), stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const first = await new Promise<string>((done, fail) => {
      createInterface({ input: child.stdout! }).once('line', done);
      child.once('close', () => fail(new Error(`serve exited: ${stderr}`)));
    });
    const { url } = JSON.parse(first) as { url: string };
    const auth = { authorization: `Bearer ${secret}` };
    const ingest = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/x-ndjson' },
      body: EVENTS.map((e) => JSON.stringify(e)).join('\n'),
    });
    expect(ingest.status).toBe(200);
    expect(await ingest.json()).toMatchObject({ accepted: EVENTS.length, rejected_total: 0 });
    const flags = (await (await fetch(`${url}/v1/flags`, { headers: auth })).json()) as {
      flags: Array<{ seller_id: string }>;
    };
    expect(flags.flags.map((f) => f.seller_id)).toEqual(['s-1']);

    const locked = await vigie(['query', 'SELECT 1']);
    expect(locked.code).toBe(4);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('query: read-only SQL as csv or json; writes exit 2, bad config 3', async () => {
    const sql = 'SELECT seller_id, count() AS n FROM events GROUP BY seller_id ORDER BY seller_id';
    const [csv, json, write] = await inSeries([
      ['query', sql, '--format', 'csv'],
      ['query', sql, '--format', 'json', '--actor', 'ana'],
      ['query', 'SELECT 1; DROP TABLE events'],
    ]);
    const config = await vigie(['query', 'SELECT 1'], { VIGIE_QUERY_MAX_ROWS: 'many' });
    const perSeller = (s: string) => EVENTS.filter((e) => e.seller_id === s).length;
    expect(csv.stdout).toBe(`seller_id,n\ns-1,${perSeller('s-1')}\ns-2,${perSeller('s-2')}\n`);
    expect(JSON.parse(json.stdout)).toEqual([
      { seller_id: 's-1', n: String(perSeller('s-1')) },
      { seller_id: 's-2', n: String(perSeller('s-2')) },
    ]);
    expect(write.code).toBe(2);
    expect(write.stderr).toContain('query refused');
    expect(config.code).toBe(3);
  });

  it('report: transparency figures as JSON and CSV; bad periods exit 2', async () => {
    const period = ['--from', '2026-05-01T00:00:00Z', '--to', '2026-06-01T00:00:00Z'];
    const [json, csv, reversed] = await inSeries([
      ['report', ...period],
      ['report', ...period, '--format', 'csv'],
      ['report', '--from', '2026-06-01T00:00:00Z', '--to', '2026-05-01T00:00:00Z'],
    ]);
    // Refused by the option parser before any store is opened: these may run side by side.
    const [garbage, missing] = await Promise.all([
      vigie(['report', '--from', "2026-05-01' OR 1=1", '--to', '2026-06-01T00:00:00Z']),
      vigie(['report', '--from', '2026-05-01T00:00:00Z']),
    ]);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    const takedowns = EVENTS.filter((e) => e.type === 'listing.taken_down');
    expect(report.takedowns.total).toBe(takedowns.length);
    expect(report.takedowns.median_hours_notice_to_takedown).toBe(0.5);
    expect(report.notices.trusted_flaggers).toBe(1);
    expect(report.flags.total).toBe(1);
    expect(csv.stdout.split('\n')[0]).toBe('section,key,value');
    expect(csv.stdout).toContain(`takedowns,total,${takedowns.length}\n`);
    expect(csv.stdout).toContain('takedowns.by_source,SOURCE_TRUSTED_FLAGGER,1\n');
    for (const run of [reversed, garbage, missing]) expect(run.code).toBe(2);
  });

  it('erase: removes the seller, prints counts per table, audits the actor', async () => {
    const [missingActor, erased] = await Promise.all([
      vigie(['erase', '--seller', 's-1']),
      vigie(['erase', '--seller', 's-1', '--actor', 'dpo@example']),
    ]);
    expect(missingActor.code).toBe(2);
    expect(erased.code).toBe(0);
    const report = JSON.parse(erased.stdout) as {
      pseudonym: string;
      tables: Array<{ table: string; deleted: number; pseudonymised: number }>;
    };
    const events = report.tables.find((t) => t.table === 'events')!;
    expect(events.deleted).toBe(EVENTS.filter((e) => e.seller_id === 's-1').length);
    expect(report.tables.find((t) => t.table === 'flags')!.pseudonymised).toBe(1);
    const check = await vigie([
      'query',
      `SELECT (SELECT count() FROM events WHERE seller_id = 's-1') AS left,
              (SELECT count() FROM events WHERE seller_id = 's-2') AS kept,
              (SELECT groupArray(actor) FROM audit_log WHERE action = 'seller.erased') AS who`,
      '--format',
      'json',
    ]);
    expect(JSON.parse(check.stdout)).toEqual([
      {
        left: '0',
        kept: String(EVENTS.filter((e) => e.seller_id === 's-2').length),
        who: ['dpo@example'],
      },
    ]);
  });
});
