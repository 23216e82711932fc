import { describe, expect, it } from 'vitest';
import {
  assertIdentifier,
  formatDateTime64,
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
