import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditLogTable,
  migrate,
  runReadonlyQuery,
  type ClickHouseExecutor,
} from '../../features/store/index.ts';
import { clickHouseBackends } from '../helpers/clickhouse.ts';

const T0 = Date.parse('2026-03-01T10:00:00Z');

/** Each must be refused with READONLY_VIOLATION and change nothing. */
const REFUSED: Array<[string, string]> = [
  [
    'insert',
    "INSERT INTO audit_log (at, actor, action, target, detail) VALUES (now64(3), 'x', 'y', 'z', '{}')",
  ],
  ['insert select', 'INSERT INTO audit_log SELECT * FROM audit_log'],
  [
    'insert into a table function',
    "INSERT INTO FUNCTION file('/tmp/vigie-ro-x.csv', 'CSV') SELECT 1",
  ],
  ['alter delete', 'ALTER TABLE audit_log DELETE WHERE 1'],
  ['alter update', "ALTER TABLE audit_log UPDATE actor = 'x' WHERE 1"],
  ['lightweight delete', 'DELETE FROM audit_log WHERE 1'],
  ['drop table', 'DROP TABLE audit_log'],
  ['drop database', 'DROP DATABASE IF EXISTS default'],
  ['truncate', 'TRUNCATE TABLE audit_log'],
  ['create table', 'CREATE TABLE x (a UInt8) ENGINE = Memory'],
  ['create view', 'CREATE VIEW v AS SELECT 1'],
  ['optimize', 'OPTIMIZE TABLE audit_log FINAL'],
  ['system', 'SYSTEM STOP MERGES'],
  ['kill', 'KILL QUERY WHERE 1'],
  ['set', 'SET readonly = 0'],
  ['use', 'USE system'],
  ['settings clause', 'SELECT count() FROM audit_log SETTINGS readonly = 0'],
  ['settings in a subquery', 'SELECT * FROM (SELECT 1 SETTINGS max_result_rows = 100000000)'],
  ['multi-statement', 'SELECT 1; DROP TABLE audit_log'],
  ['statement after a line comment', 'SELECT 1 --\n; DROP TABLE audit_log'],
  ['statement behind a block comment', '/* SELECT */ DROP TABLE audit_log'],
  ['trailing statement after a string with a semicolon', "SELECT ';'; TRUNCATE TABLE audit_log"],
  ['into outfile', `SELECT 1 INTO OUTFILE '${join(tmpdir(), `vigie-ro-${process.pid}.txt`)}'`],
  [
    'show into outfile',
    `SHOW TABLES INTO OUTFILE '${join(tmpdir(), `vigie-ro-${process.pid}-2.txt`)}'`,
  ],
  ['format clause', 'SELECT 1 FORMAT CSV'],
  ['file() function', "SELECT file('/etc/hostname')"],
  ['file() table function', "SELECT * FROM file('/etc/hostname', 'LineAsString')"],
  ['url() table function', "SELECT * FROM url('http://127.0.0.1:9/x', 'CSV', 'a String')"],
  ['explain of an insert', 'EXPLAIN INSERT INTO audit_log SELECT * FROM audit_log'],
  ['show processlist', 'SHOW PROCESSLIST'],
];

for (const backend of await clickHouseBackends()) {
  const title = backend.skipReason
    ? `read-only analyst queries on ${backend.name} (skipped: ${backend.skipReason})`
    : `read-only analyst queries on ${backend.name}`;

  describe.skipIf(backend.skipReason !== undefined)(title, () => {
    let executor: ClickHouseExecutor;
    const auditRows = 5;

    beforeAll(async () => {
      executor = await backend.executor('readonly');
      await migrate(executor);
      await auditLogTable.insert(
        executor,
        Array.from({ length: auditRows }, (_, i) => ({
          at: T0 + i,
          actor: 'reviewer-1',
          action: 'flag.reviewed',
          target: `f-${i}`,
          detail: '{}',
        })),
      );
    });
    afterAll(() => backend.cleanup());

    it('runs reads: SELECT, WITH, SHOW, DESCRIBE, EXISTS, EXPLAIN, with comments stripped', async () => {
      const count = await runReadonlyQuery(
        executor,
        '-- how many reviews?\nSELECT count() AS n FROM audit_log /* all of them */;',
      );
      expect(count.rows).toEqual([{ n: String(auditRows) }]);
      expect(count.statement).toBe('SELECT count() AS n\nFROM audit_log');

      const withCte = await runReadonlyQuery(
        executor,
        "WITH r AS (SELECT target FROM audit_log WHERE action = 'flag.reviewed') SELECT count() AS n FROM r",
      );
      expect(withCte.rows).toEqual([{ n: String(auditRows) }]);

      const tables = await runReadonlyQuery(executor, 'SHOW TABLES');
      expect(tables.rows.map((r) => r.name)).toContain('events');
      const columns = await runReadonlyQuery(executor, 'DESCRIBE TABLE audit_log');
      expect(columns.rows.map((r) => r.name)).toEqual([
        'at',
        'actor',
        'action',
        'target',
        'detail',
      ]);
      expect((await runReadonlyQuery(executor, 'EXISTS TABLE flags')).rows).toEqual([
        { result: 1 },
      ]);
      expect((await runReadonlyQuery(executor, 'EXPLAIN SELECT 1')).rows.length).toBeGreaterThan(0);
      const union = await runReadonlyQuery(
        executor,
        // ORDER BY inside a UNION ALL orders its last SELECT only: the branches may come in
        // either order, so the union is ordered from outside.
        'SELECT x FROM (SELECT 1 AS x UNION ALL SELECT 2 AS x) ORDER BY x',
      );
      expect(union.rows).toEqual([{ x: 1 }, { x: 2 }]);
    });

    for (const [name, sql] of REFUSED) {
      it(`refuses ${name}`, async () => {
        const err = await runReadonlyQuery(executor, sql).catch((e: unknown) => e);
        expect(err).toMatchObject({ code: 'READONLY_VIOLATION' });
      });
    }

    it('left everything as it was after the refusals', async () => {
      const [row] = await executor.query<{ n: string }>('SELECT count() AS n FROM audit_log');
      expect(Number(row?.n)).toBe(auditRows);
      expect(existsSync(join(tmpdir(), `vigie-ro-${process.pid}.txt`))).toBe(false);
      expect(existsSync(join(tmpdir(), `vigie-ro-${process.pid}-2.txt`))).toBe(false);
      expect(existsSync('/tmp/vigie-ro-x.csv')).toBe(false);
      const [ro] = await executor.query<{ r: number | string }>(
        "SELECT getSetting('readonly') AS r",
      );
      expect(Number(ro?.r)).toBe(0);
    });

    it('enforces readonly in the engine itself, not only in the guard', async () => {
      const err = await executor
        .command('CREATE TABLE engine_check (a UInt8) ENGINE = Memory', {
          settings: { readonly: 1 },
        })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'READONLY_VIOLATION', context: { clickhouseCode: 164 } });
      const exists = await executor.query('EXISTS TABLE engine_check');
      expect(exists).toEqual([{ result: 0 }]);
    });

    it('throws, rather than truncates, past the row, byte and time limits', async () => {
      const rows = await runReadonlyQuery(executor, 'SELECT number FROM numbers(100)', {
        maxRows: 10,
      }).catch((e: unknown) => e);
      expect(rows).toMatchObject({ code: 'BAD_REQUEST', context: { clickhouseCode: 396 } });
      const bytes = await runReadonlyQuery(
        executor,
        "SELECT concat(toString(number), repeat('x', 1000)) AS s FROM numbers(100)",
        { maxBytes: 10_000 },
      ).catch((e: unknown) => e);
      expect(bytes).toMatchObject({ code: 'BAD_REQUEST', context: { clickhouseCode: 396 } });
      // A constant column escapes max_result_bytes; the memory limit still stops it.
      const memory = await runReadonlyQuery(
        executor,
        "SELECT repeat('x', 1000000) FROM numbers(2000)",
        {
          maxMemoryBytes: 200_000_000,
        },
      ).catch((e: unknown) => e);
      expect(memory).toMatchObject({ code: 'BAD_REQUEST', context: { clickhouseCode: 241 } });
      const time = await runReadonlyQuery(executor, 'SELECT count() FROM numbers(100000000000)', {
        maxSeconds: 1,
      }).catch((e: unknown) => e);
      expect(time).toMatchObject({ code: 'BAD_REQUEST', context: { clickhouseCode: 159 } });
      const within = await runReadonlyQuery(executor, 'SELECT number FROM numbers(10)', {
        maxRows: 10,
      });
      expect(within.rows).toHaveLength(10);
    });

    it('reports bad SQL as BAD_REQUEST with the engine message', async () => {
      const err = await runReadonlyQuery(executor, 'SELEC 1').catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'BAD_REQUEST' });
      expect((err as Error).message).toMatch(/Syntax error/);
      const empty = await runReadonlyQuery(executor, '  -- nothing\n').catch((e: unknown) => e);
      expect(empty).toMatchObject({ code: 'BAD_REQUEST' });
    });
  });
}
