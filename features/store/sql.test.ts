import { describe, expect, it } from 'vitest';
import {
  assertIdentifier,
  formatDateTime64,
  inlineParams,
  parseDateTime64,
  quoteString,
  settingsClause,
  withSettings,
} from './sql.ts';

describe('sql helpers', () => {
  it('quotes strings so that quotes and backslashes cannot end the literal', () => {
    expect(quoteString("o'brien")).toBe("'o\\'brien'");
    expect(quoteString('a\\')).toBe("'a\\\\'");
    expect(quoteString("\\'; DROP TABLE x; --")).toBe("'\\\\\\'; DROP TABLE x; --'");
  });

  it('accepts plain identifiers only', () => {
    expect(assertIdentifier('vigie_test_1', 'database')).toBe('vigie_test_1');
    for (const bad of ['1db', 'a-b', 'a.b', 'a b', '', 'x`y']) {
      expect(() => assertIdentifier(bad, 'database')).toThrow(/not a plain ClickHouse identifier/);
    }
  });

  it('renders SETTINGS clauses and appends them after trailing semicolons', () => {
    expect(settingsClause(undefined)).toBe('');
    expect(settingsClause({})).toBe('');
    expect(settingsClause({ readonly: 1, result_overflow_mode: 'throw' })).toBe(
      " SETTINGS readonly = 1, result_overflow_mode = 'throw'",
    );
    expect(withSettings('SELECT 1 ;\n', { max_threads: 2 })).toBe(
      'SELECT 1 SETTINGS max_threads = 2',
    );
    expect(withSettings('SELECT 1;', undefined)).toBe('SELECT 1;');
    expect(() => settingsClause({ 'a b': 1 })).toThrow();
    expect(() => settingsClause({ a: Number.POSITIVE_INFINITY })).toThrow();
  });

  it('round-trips epoch milliseconds through the DateTime64 text form', () => {
    const ms = Date.parse('2026-03-01T10:15:00.123Z');
    expect(formatDateTime64(ms)).toBe('2026-03-01 10:15:00.123');
    expect(parseDateTime64('2026-03-01 10:15:00.123')).toBe(ms);
    expect(formatDateTime64(0)).toBe('1970-01-01 00:00:00.000');
    expect(() => parseDateTime64('yesterday')).toThrow();
  });
});

describe('inlineParams', () => {
  it('writes each placeholder as its value cast to its type', () => {
    const sql =
      "SELECT x FROM t WHERE s IN {sellers:Array(String)} AND at < {until:DateTime64(3, 'UTC')} " +
      'AND id = {id:String} LIMIT {n:UInt32} BY s';
    expect(
      inlineParams(sql, {
        sellers: ['a', "o'hara", 'back\\slash'],
        until: '2026-01-02 03:04:05.678',
        id: 'x',
        n: 8,
      }),
    ).toBe(
      "SELECT x FROM t WHERE s IN CAST(['a','o\\'hara','back\\\\slash'] AS Array(String)) AND " +
        "at < CAST('2026-01-02 03:04:05.678' AS DateTime64(3, 'UTC')) AND id = CAST('x' AS String) " +
        'LIMIT CAST(8 AS UInt32) BY s',
    );
  });

  it('writes integers given as numbers, bigints or digit strings, and arrays of times', () => {
    expect(
      inlineParams('{a:Int64} {b:UInt64} {c:Int64}', { a: -5, b: '18446744073709551615', c: 7n }),
    ).toBe('CAST(-5 AS Int64) CAST(18446744073709551615 AS UInt64) CAST(7 AS Int64)');
    expect(
      inlineParams("{at:Array(DateTime64(3, 'UTC'))}", { at: ['2026-01-01 00:00:00.000'] }),
    ).toBe("CAST(['2026-01-01 00:00:00.000'] AS Array(DateTime64(3, 'UTC')))");
    expect(inlineParams('{a:Array(String)}', { a: [] })).toBe('CAST([] AS Array(String))');
  });

  it('gives up (the engine binds instead) on a missing value, another type or a bad value', () => {
    expect(inlineParams('{a:String}', {})).toBeUndefined();
    expect(inlineParams('{a:Float64}', { a: 1.5 })).toBeUndefined();
    expect(inlineParams('{a:String}', { a: 5 })).toBeUndefined();
    expect(inlineParams('{a:UInt32}', { a: -1 })).toBeUndefined();
    expect(inlineParams('{a:UInt32}', { a: 1.5 })).toBeUndefined();
    expect(inlineParams('{a:UInt32}', { a: '1; DROP TABLE t' })).toBeUndefined();
    expect(inlineParams("{a:DateTime64(3, 'UTC')}", { a: "2026-01-01') OR (1" })).toBeUndefined();
    expect(inlineParams('{a:Array(String)}', { a: ['x', 1] })).toBeUndefined();
    expect(inlineParams('{a:Array(String)}', { a: 'x' })).toBeUndefined();
  });
});
