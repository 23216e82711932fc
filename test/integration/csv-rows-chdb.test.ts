import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeInsert } from '../../features/store/chdb-executor.ts';
import { createExecutor, type ClickHouseExecutor } from '../../features/store/executor.ts';

/**
 * The engine's side: RowBinary and CSV rows read back exactly as the same rows sent as
 * JSONCompactEachRow (the executor's fallback path), for the awkward strings, numbers and NULLs;
 * and RowBinary's staging files do not outlive their insert.
 */
describe('RowBinary, CSV and JSON inserts on chDB', () => {
  let dir: string | undefined;
  let executor: ClickHouseExecutor | undefined;
  afterAll(async () => {
    await executor?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('store the same values', async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigie-csv-'));
    executor = await createExecutor({ dataDir: dir, database: 'csv_rows' });
    const types = [
      'UInt32',
      'String',
      'LowCardinality(String)',
      "DateTime64(3, 'UTC')",
      "Nullable(DateTime64(3, 'UTC'))",
      'Array(UInt32)',
      'Array(String)',
      'Float64',
      'Nullable(Float64)',
      'Int32',
      'UInt64',
      'Nullable(Bool)',
      'Array(LowCardinality(String))',
      'Array(UInt8)',
    ];
    const columns = types.map((_, i) => `c${i}`);
    const ddl = columns.map((c, i) => `${c} ${types[i]}`).join(', ');
    for (const table of ['via_json', 'via_row_binary', 'via_csv', 'via_json_csv_rows']) {
      await executor.command(`CREATE TABLE ${table} (${ddl}) ENGINE = MergeTree ORDER BY c0`);
    }
    const awkward = [
      '',
      'plain',
      'q"uote',
      '"',
      "s'ingle",
      'back\\slash',
      '\\N',
      'NULL',
      'new\nline',
      'cr\r\nlf',
      'tab\there',
      ' padded ',
      ',comma,',
      'é ü 中文 😀',
      "['a']",
      '\\',
      "\\'",
      '\u0000nul',
    ];
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0);
    const rows: unknown[][] = [];
    for (let k = 0; k < 200; k++) {
      const s = (j: number) => awkward[(k + j) % awkward.length]!;
      rows.push([
        k,
        s(0),
        s(1),
        '2026-01-02 03:04:05.678',
        k % 3 === 0 ? null : '2025-12-31 23:59:59.999',
        Array.from({ length: k % 5 === 0 ? 0 : 128 }, (_, i) => (i === 0 ? 4294967295 : next())),
        [s(2), s(3), s(4)].slice(0, k % 4),
        k % 7 === 0 ? 1e21 : k % 13 === 0 ? -0 : 0.1 * k + 1e-9,
        k % 2 === 0 ? null : -1.25e-6 * k,
        k % 2 === 0 ? -1 : 2_147_483_647,
        k * 1_000_003,
        k % 3 === 0 ? null : k % 3 === 1,
        k % 2 === 0 ? ['title', 'price'] : [],
        [0, 1, 255],
      ]);
    }
    expect(encodeInsert(rows, types).format).toBe('RowBinary');
    await executor.insert('via_json', columns, rows);
    await executor.insert('via_row_binary', columns, rows, { types });
    const viaJson = await executor.query('SELECT * FROM via_json ORDER BY c0');
    const viaRowBinary = await executor.query('SELECT * FROM via_row_binary ORDER BY c0');
    expect(viaJson).toHaveLength(rows.length);
    expect(viaRowBinary).toEqual(viaJson);
    expect(viaRowBinary.map((r) => [r.c1, r.c2])).toEqual(rows.map((r) => [r[1], r[2]]));

    // A null in a non-Nullable column is left to the text paths, which store its default.
    const csvRows = rows.map((r, k) => (k % 11 === 0 ? [r[0], null, ...r.slice(2)] : r));
    expect(encodeInsert(csvRows, types).format).toBe('CSV');
    await executor.insert('via_json_csv_rows', columns, csvRows);
    await executor.insert('via_csv', columns, csvRows, { types });
    const viaCsv = await executor.query('SELECT * FROM via_csv ORDER BY c0');
    expect(viaCsv).toEqual(await executor.query('SELECT * FROM via_json_csv_rows ORDER BY c0'));
    expect(viaCsv[0]!.c1).toBe('');

    // Every staging file was removed after its insert; the process's folder stays until close.
    const staging = join(dir, 'vigie-insert-staging');
    expect(await readdir(staging)).toEqual([String(process.pid)]);
    expect(await readdir(join(staging, String(process.pid)))).toEqual([]);
  });

  it('names staging files apart across executors inserting at once', async () => {
    const own = await createExecutor({ dataDir: dir!, database: 'csv_rows', ownConnection: true });
    try {
      await executor!.command(
        'CREATE TABLE apart (w String, k UInt32) ENGINE = MergeTree ORDER BY k',
      );
      const types = ['String', 'UInt32'];
      const writes = [executor!, own].flatMap((ex, w) =>
        Array.from({ length: 20 }, (_, k) =>
          ex.insert('apart', ['w', 'k'], [[`w${w}`, k]], { types }),
        ),
      );
      await Promise.all(writes);
      const rows = await executor!.query<{ w: string; n: string }>(
        'SELECT w, count() AS n FROM apart GROUP BY w ORDER BY w',
      );
      expect(rows).toEqual([
        { w: 'w0', n: '20' },
        { w: 'w1', n: '20' },
      ]);
    } finally {
      await own.close();
    }
  });

  it('removes the staging folders of processes that are gone when it opens a directory', async () => {
    // A directory whose path file() would read as a glob: its inserts go as text instead.
    const other = await mkdtemp(join(tmpdir(), 'vigie-staging-{x}-'));
    try {
      // 999999999 is above Linux's largest pid; 1 is init, alive while this test runs.
      for (const pid of ['999999999', '1']) {
        await mkdir(join(other, 'vigie-insert-staging', pid), { recursive: true });
      }
      await executor?.close();
      executor = undefined;
      const reopened = await createExecutor({ dataDir: other, database: 'staging' });
      try {
        expect((await readdir(join(other, 'vigie-insert-staging'))).sort()).toEqual(
          ['1', String(process.pid)].sort(),
        );
        await reopened.command('CREATE TABLE t (s String, n Array(UInt32)) ENGINE = Memory');
        const rows = [
          ['a', [1, 2]],
          ['b', []],
        ];
        await reopened.insert('t', ['s', 'n'], rows, { types: ['String', 'Array(UInt32)'] });
        expect(await reopened.query('SELECT s, n FROM t ORDER BY s')).toEqual([
          { s: 'a', n: [1, 2] },
          { s: 'b', n: [] },
        ]);
      } finally {
        await reopened.close();
      }
      expect(await readdir(join(other, 'vigie-insert-staging'))).toEqual(['1']);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});
