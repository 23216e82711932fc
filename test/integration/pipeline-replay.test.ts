import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExecutor, type ClickHouseExecutor } from '../../features/store/executor.ts';
import { runReplay, type ReplayDeps } from '../../services/cli/commands/replay.ts';
import { openStoreBackend } from '../../services/pipeline/default-backend.ts';
import { DeadLetterRecordSchema } from '../../streams/dead-letter/index.ts';
import { createCountingStage, expectedCounts, makeEvents } from './pipeline-fixtures.ts';

// chDB opens one data directory per process: one for this file, a database per test.
const dataDir = mkdtempSync(join(tmpdir(), 'vigie-replay-'));
const work = mkdtempSync(join(tmpdir(), 'vigie-replay-files-'));
let executor: ClickHouseExecutor | undefined;

beforeAll(() => {
  process.env.LOG_LEVEL = 'silent';
});

afterAll(async () => {
  await executor?.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

function vigie(args: string[], input?: string) {
  return spawnSync(process.execPath, ['services/cli/bin.cjs', 'replay', ...args], {
    encoding: 'utf8',
    input,
    env: { ...process.env, LOG_LEVEL: 'silent' },
  });
}

const deps: ReplayDeps = {
  openBackend: (o) => openStoreBackend(o, () => createCountingStage()),
  openFlagHook: null,
};

describe('vigie replay', () => {
  it('processes every good line and lists every bad one in the rejects file', async () => {
    process.env.CLICKHOUSE_DATABASE = 'replay_bad_lines';
    const events = makeEvents({ seed: 11, sellers: 5, perSeller: 40 });
    const lines = events.map((e) => JSON.stringify(e));
    // Bad lines at known places (1-based line numbers after insertion).
    lines.splice(10, 0, '{"event_id": "broken"'); // line 11: invalid JSON
    lines.splice(
      20,
      0,
      JSON.stringify({ ...events[0], event_id: 'bad-type', type: 'listing.sold' }),
    ); // 21
    lines.splice(30, 0, JSON.stringify({ ...events[1], description: 'y'.repeat(1_100_000) })); // 31: oversize
    lines.splice(40, 0, ''); // 41: blank, skipped
    lines.splice(50, 0, lines[5]!); // 51: a duplicate of line 6
    const text = lines.map((l, i) => (i % 7 === 0 ? `${l}\r\n` : `${l}\n`)).join('');
    const file = join(work, 'events.ndjson');
    writeFileSync(file, text.replace(/\r?\n$/, '')); // the last line has no newline
    const rejectsOut = join(work, 'rejects.ndjson');

    const summary = await runReplay(file, { rejectsOut, dataDir, batchSize: 37 }, deps);
    expect(summary).toMatchObject({
      accepted: 200,
      duplicates: 1,
      rejected: 3,
      flags_emitted: 0,
      sellers: 5,
    });

    const rejects = readFileSync(rejectsOut, 'utf8')
      .trim()
      .split('\n')
      .map((l) => DeadLetterRecordSchema.parse(JSON.parse(l)));
    expect(rejects.map((r) => [r.code, r.origin])).toEqual([
      ['INVALID_JSON', { kind: 'file', file, line: 11 }],
      ['SCHEMA_VIOLATION', { kind: 'file', file, line: 21 }],
      ['OVERSIZE_RECORD', { kind: 'file', file, line: 31 }],
    ]);
    expect(Buffer.from(rejects[0]!.bytes_base64, 'base64').toString()).toBe(
      '{"event_id": "broken"',
    );
    expect(rejects[1]!.reason).toMatch(/type/);
    expect(rejects[2]!.size).toBe(Buffer.byteLength(lines[30]!));

    executor = await createExecutor({ dataDir, database: 'replay_bad_lines' });
    const [row] = await executor.query<{ n: string }>(
      'SELECT uniqExact(event_id) AS n FROM events',
    );
    expect(Number(row?.n)).toBe(200);
    const features = await executor.query<{ seller_id: string; listings: number }>(
      `SELECT seller_id, argMax(listings_total, (as_of, computed_at)) AS listings
       FROM seller_features GROUP BY seller_id ORDER BY seller_id`,
    );
    const expected = expectedCounts(events);
    expect(features.map((f) => [f.seller_id, Number(f.listings)])).toEqual(
      [...expected].sort().map(([s, c]) => [s, c.listings]),
    );

    // The same file again: every good line is now a duplicate; the bad ones are listed again.
    const again = await runReplay(file, { rejectsOut, dataDir, batchSize: 500 }, deps);
    expect(again).toMatchObject({ accepted: 0, duplicates: 201, rejected: 3 });
    const [after] = await executor.query<{ n: string }>('SELECT count() AS n FROM events');
    expect(Number(after?.n)).toBe(200);
  });

  it('reads standard input with `-` (piped), with the real engine', () => {
    const events = makeEvents({ seed: 12, sellers: 2, perSeller: 3 });
    const input = [...events.map((e) => JSON.stringify(e)), '{oops'].join('\n');
    const rejectsOut = join(work, 'stdin-rejects.ndjson');
    const out = vigie(
      ['-', '--data-dir', join(work, 'd-stdin'), '--rejects-out', rejectsOut],
      input,
    );
    expect(out.status, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({
      accepted: 6,
      duplicates: 0,
      rejected: 1,
      sellers: 2,
    });
    const reject = DeadLetterRecordSchema.parse(JSON.parse(readFileSync(rejectsOut, 'utf8')));
    expect(reject.origin).toEqual({ kind: 'file', file: '-', line: 7 });
  });

  it('exits 2 on a missing file or a bad option, and 4 when the store is locked', () => {
    const missing = vigie([join(work, 'nope.ndjson'), '--data-dir', join(work, 'd1')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot read/);
    expect(vigie([join(work, 'events.ndjson'), '--batch-size', 'zero']).status).toBe(2);
    // This process holds `dataDir` open (chDB): another process cannot open it.
    const locked = vigie([join(work, 'events.ndjson'), '--data-dir', dataDir]);
    expect(locked.status).toBe(4);
  });
});
