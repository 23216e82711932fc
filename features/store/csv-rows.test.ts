import { describe, expect, it } from 'vitest';
import { encodeInsert } from './chdb-executor.ts';
import { csvKinds, CsvUnsupportedValue, encodeCsvRows } from './csv-rows.ts';
import { EVENTS_SPEC } from './tables/events.ts';
import { LISTING_FINGERPRINTS_SPEC } from './tables/listing-fingerprints.ts';
import { LISTING_TEXTS_SPEC } from './tables/listing-texts.ts';

const typesOf = (spec: { columns: readonly { type: string }[] }) => spec.columns.map((c) => c.type);
const text = (rows: unknown[][], kinds: Parameters<typeof encodeCsvRows>[1]) =>
  encodeCsvRows(rows, kinds).toString('utf8');

describe('csvKinds', () => {
  it('picks CSV only for tables with a numeric array column, all of whose types it writes', () => {
    expect(csvKinds(typesOf(LISTING_TEXTS_SPEC))).toEqual([
      'string',
      'string',
      'string',
      'string',
      'string',
      'string',
      'string',
      'string',
      'numbers',
      'strings',
      'number',
    ]);
    expect(csvKinds(typesOf(LISTING_FINGERPRINTS_SPEC))).toContain('numbers');
    // No numeric array: JSON.stringify is the cheaper encoder.
    expect(csvKinds(typesOf(EVENTS_SPEC))).toBeUndefined();
    // A type it does not write: JSON.
    expect(csvKinds(['Array(UInt32)', 'Map(String, UInt8)'])).toBeUndefined();
    expect(csvKinds(['Array(UInt32)', 'Decimal(9, 2)'])).toBeUndefined();
  });
});

describe('encodeCsvRows', () => {
  it('quotes strings, doubles their quotes, writes NULL as \\N and numbers bare', () => {
    expect(
      text(
        [
          ['a"b', 'x,y\nz', null, 0, 4294967295, 4294967296, -1, 0.1, 1e21, NaN, true, false],
          ['', '\\N', undefined, 9, 10, 99_999, 100_000, -0, 2.5e-7, Infinity, null, true],
        ],
        [
          'string',
          'string',
          'number',
          'number',
          'number',
          'number',
          'number',
          'number',
          'number',
          'number',
          'bool',
          'bool',
        ],
      ),
    ).toBe(
      '"a""b","x,y\nz",\\N,0,4294967295,4294967296,-1,0.1,1e+21,\\N,true,false\n' +
        '"","\\N",\\N,9,10,99999,100000,0,2.5e-7,\\N,\\N,true\n',
    );
  });

  it('writes arrays in their text form inside a quoted field', () => {
    expect(
      text(
        [[[0, 7, 4294967295, 12.5, -3], ['plain', "it's", 'back\\slash', 'say "hi"'], [], []]],
        ['numbers', 'strings', 'numbers', 'strings'],
      ),
    ).toBe(
      `"[0,7,4294967295,12.5,-3]","['plain','it\\'s','back\\\\slash','say ""hi""']","[]","[]"\n`,
    );
  });

  it('grows its buffer for large rows', () => {
    const long = 'é'.repeat(50_000);
    const out = encodeCsvRows(
      [[long, Array.from({ length: 5_000 }, (_, i) => i * 1_000_003)]],
      ['string', 'numbers'],
    ).toString('utf8');
    expect(out.startsWith(`"${long}","[0,1000003,`)).toBe(true);
    expect(out.endsWith(`${4_999 * 1_000_003}]"\n`)).toBe(true);
  });

  it('refuses what it would not store as the JSON path does, and the executor falls back', () => {
    const bad: unknown[][][] = [
      [['lone \ud800 surrogate', [1]]],
      [['ok', [1, 'two']]],
      [['ok', [1, NaN]]],
      [[42, [1]]],
    ];
    for (const rows of bad) {
      expect(() => encodeCsvRows(rows, ['string', 'numbers'])).toThrow(CsvUnsupportedValue);
      expect(encodeInsert(rows, ['String', 'Array(UInt32)']).format).toBe('JSONCompactEachRow');
    }
    expect(encodeInsert([['ok', [1]]], ['String', 'Array(UInt32)']).format).toBe('RowBinary');
    // RowBinary leaves a null in a non-Nullable column to the text paths (stored as the default).
    expect(encodeInsert([[null, [1]]], ['String', 'Array(UInt32)']).format).toBe('CSV');
    expect(encodeInsert([['ok', [1]]]).format).toBe('JSONCompactEachRow');
  });
});
