import { describe, expect, it } from 'vitest';
import { formatDateTime64 } from './sql.ts';
import {
  encodeRowBinary,
  parseDateTime64Text,
  rowBinaryColumns,
  RowBinaryUnsupported,
} from './row-binary.ts';

const plan = (...types: string[]) => {
  const columns = rowBinaryColumns(types);
  if (columns === undefined) throw new Error(`unsupported: ${types.join(', ')}`);
  return columns;
};

const hex = (buf: Buffer) => buf.toString('hex');

describe('RowBinary rows', () => {
  it('plans the store tables’ types and nothing else', () => {
    expect(
      rowBinaryColumns([
        'String',
        'LowCardinality(String)',
        "DateTime64(3, 'UTC')",
        "Nullable(DateTime64(3, 'UTC'))",
        'Nullable(Float64)',
        'Nullable(Bool)',
        'Array(LowCardinality(String))',
        'Array(UInt32)',
        'Array(UInt8)',
        'UInt16',
        'UInt64',
        'Int32',
      ]),
    ).toHaveLength(12);
    expect(rowBinaryColumns(['String', 'Decimal(10, 2)'])).toBeUndefined();
    expect(rowBinaryColumns(["DateTime64(6, 'UTC')"])).toBeUndefined();
    expect(rowBinaryColumns(['Array(Nullable(String))'])).toBeUndefined();
    expect(rowBinaryColumns(['Map(String, String)'])).toBeUndefined();
  });

  it('writes ClickHouse’s byte layout', () => {
    // String: LEB128 length + UTF-8; UInt16/UInt32/UInt64/Int32 little-endian; Bool one byte.
    expect(
      hex(
        encodeRowBinary(
          [['é', 258, 1, -2, true]],
          plan('String', 'UInt16', 'UInt64', 'Int32', 'Bool'),
        ),
      ),
    ).toBe('02c3a9' + '0201' + '0100000000000000' + 'feffffff' + '01');
    // Nullable: a flag byte, then the value when not NULL.
    expect(hex(encodeRowBinary([[null], [1.5]], plan('Nullable(Float64)')))).toBe(
      '01' + '00' + '000000000000f83f',
    );
    // Arrays: LEB128 count + elements.
    expect(hex(encodeRowBinary([[[1, 0xffffffff]]], plan('Array(UInt32)')))).toBe(
      '02' + '01000000' + 'ffffffff',
    );
    // DateTime64(3): Int64 milliseconds since the epoch.
    expect(hex(encodeRowBinary([['1970-01-01 00:00:01.002']], plan("DateTime64(3, 'UTC')")))).toBe(
      'ea03000000000000',
    );
    expect(hex(encodeRowBinary([['1969-12-31 23:59:59.999']], plan("DateTime64(3, 'UTC')")))).toBe(
      'ffffffffffffffff',
    );
  });

  it('measures long strings: a length of 128 bytes or more takes two varint bytes', () => {
    for (const text of [
      'a'.repeat(42),
      'a'.repeat(127),
      'a'.repeat(128),
      'é'.repeat(100),
      '😀'.repeat(40_000),
    ]) {
      const out = encodeRowBinary([[text]], plan('String'));
      let length = 0;
      let shift = 0;
      let at = 0;
      for (;;) {
        const byte = out[at++]!;
        length += (byte & 0x7f) * 2 ** shift;
        shift += 7;
        if (byte < 0x80) break;
      }
      expect(length).toBe(Buffer.byteLength(text));
      expect(out.subarray(at).toString('utf8')).toBe(text);
    }
  });

  it('reads back the times formatDateTime64 writes', () => {
    for (const ms of [
      0,
      1,
      1_767_225_599_999,
      951_782_400_000,
      253_402_300_799_999,
      Date.parse('2024-02-29T12:34:56.789Z'),
    ]) {
      expect(parseDateTime64Text(formatDateTime64(ms))).toBe(ms);
    }
    expect(parseDateTime64Text('2026-01-02 03:04:05')).toBe(Date.parse('2026-01-02T03:04:05Z'));
    for (const text of [
      '2026-02-31 00:00:00.000',
      '2026-01-02T03:04:05.000',
      '2026-1-02 03:04:05.000',
      '2026-01-02 24:00:00.000',
      '2026-01-02 03:04:05.0000',
      'x',
    ]) {
      expect(parseDateTime64Text(text)).toBeUndefined();
    }
  });

  it('refuses what the JSON path would store differently', () => {
    const refused: Array<[string[], unknown[]]> = [
      [['String'], ['lone \ud800 surrogate']],
      [['String'], [null]],
      [['String'], [42]],
      [['Float64'], [NaN]],
      [['UInt32'], [-1]],
      [['UInt32'], [1.5]],
      [['UInt16'], [70_000]],
      [['Array(UInt32)'], [[1, 'two']]],
      [['Array(UInt32)'], [[1, Infinity]]],
      [["DateTime64(3, 'UTC')"], ['2026-01-02T03:04:05Z']],
      [["DateTime64(3, 'UTC')"], [1_767_225_599_999]],
      [['Bool'], [1]],
      [['String', 'String'], ['one value']],
    ];
    for (const [types, row] of refused) {
      expect(() => encodeRowBinary([row], plan(...types))).toThrow(RowBinaryUnsupported);
    }
    // JSON writes -0 as 0.
    expect(hex(encodeRowBinary([[-0]], plan('Float64')))).toBe('0000000000000000');
    // A Nullable column stores a non-finite number as NULL, as JSON's null does.
    expect(hex(encodeRowBinary([[NaN], [undefined]], plan('Nullable(Float64)')))).toBe('0101');
  });
});
