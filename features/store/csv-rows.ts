/**
 * Positional rows → CSV bytes, the payload of chDB's raw insert for tables with numeric array
 * columns (`listing_texts.minhash`, `listing_fingerprints.bands`). ClickHouse's JSON and TSV
 * readers take ~160 ns per array element (a 128-slot MinHash signature: ~20 µs per row, three
 * quarters of the row's parse), its CSV reader ~60 ns; and writing the digits here, byte by
 * byte, costs a third of `JSON.stringify`. Other tables stay on JSONCompactEachRow, which
 * `JSON.stringify` writes faster than any JS encoder for rows of plain strings.
 *
 * The text is what ClickHouse's CSV reader parses back to the same values as the JSON path:
 * every string double-quoted with `"` doubled; numbers bare (non-finite ones as NULL, as JSON
 * writes them); NULL as `\N`; arrays as their text form (`[1,2]`, `['a','b']` with `\` and `'`
 * escaped) inside a quoted field. The settings below pin the reader's behaviour.
 */

import { grownBuffer, isWellFormedString } from './byte-buffer.ts';

/** How a column's values are written. */
export type CsvColumnKind = 'string' | 'number' | 'bool' | 'numbers' | 'strings';

/** The CSV reader settings the payload relies on (sent with every CSV insert). */
export const CSV_INSERT_SETTINGS: Readonly<Record<string, string | number>> = {
  format_csv_delimiter: ',',
  format_csv_allow_double_quotes: 1,
  format_csv_allow_single_quotes: 0,
  format_csv_null_representation: '\\N',
  input_format_csv_detect_header: 0,
  input_format_csv_arrays_as_nested_csv: 0,
};

const NUMBER_TYPE = /^(U?Int(8|16|32|64)|Float(32|64))$/;

function unwrap(type: string): string {
  const m = /^(?:Nullable|LowCardinality)\((.*)\)$/.exec(type);
  return m ? unwrap(m[1]!) : type;
}

function kindOf(type: string): CsvColumnKind | undefined {
  const t = unwrap(type);
  if (t === 'String' || t.startsWith('DateTime64(')) return 'string';
  if (NUMBER_TYPE.test(t)) return 'number';
  if (t === 'Bool') return 'bool';
  const array = /^Array\((.*)\)$/.exec(t);
  if (array) {
    const inner = unwrap(array[1]!);
    if (NUMBER_TYPE.test(inner)) return 'numbers';
    if (inner === 'String') return 'strings';
  }
  return undefined;
}

/**
 * The kinds of these column types when CSV is the cheaper payload: some column is a numeric
 * array and every type is one this encoder writes. Otherwise undefined (send JSON).
 */
export function csvKinds(types: readonly string[]): CsvColumnKind[] | undefined {
  const kinds: CsvColumnKind[] = [];
  for (const type of types) {
    const kind = kindOf(type);
    if (kind === undefined) return undefined;
    kinds.push(kind);
  }
  return kinds.includes('numbers') ? kinds : undefined;
}

/**
 * Thrown for a value this encoder does not write exactly as the JSON path stores it (a type the
 * column does not expect, a non-finite array element, a lone surrogate): send that batch as JSON.
 */
export class CsvUnsupportedValue extends Error {}

/**
 * Writes a non-negative integer ≤ 2^32 - 1 at `at`, digit by digit (the common case: counts,
 * MinHash slots; ~3× faster than `String(n)`); returns the offset after it.
 */
function writeUint(buf: Buffer, at: number, n: number): number {
  const len =
    n < 1e5
      ? n < 10
        ? 1
        : n < 100
          ? 2
          : n < 1e3
            ? 3
            : n < 1e4
              ? 4
              : 5
      : n < 1e6
        ? 6
        : n < 1e7
          ? 7
          : n < 1e8
            ? 8
            : n < 1e9
              ? 9
              : 10;
  const end = at + len;
  let i = end;
  while (n >= 10) {
    const q = Math.floor(n / 10);
    buf[--i] = ZERO + (n - q * 10);
    n = q;
  }
  buf[--i] = ZERO + n;
  return end;
}

function unsupported(what: string): never {
  throw new CsvUnsupportedValue(`unexpected value in ${what}`);
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const NEWLINE = 0x0a;
const ZERO = 0x30;
const DQ = /"/g;
const SQL_ESCAPE = /[\\']/g;
const UINT32_MAX = 0xffffffff;

/** Encodes rows (values in `kinds` order) as CSV lines; throws CsvUnsupportedValue (see it). */
export function encodeCsvRows(
  rows: readonly (readonly unknown[])[],
  kinds: readonly CsvColumnKind[],
): Buffer {
  let buf = Buffer.allocUnsafe(Math.max(4096, rows.length * 1024));
  let off = 0;

  function ensure(bytes: number): void {
    if (off + bytes > buf.length) buf = grownBuffer(buf, off, off + bytes);
  }

  function writeAscii(text: string): void {
    ensure(text.length);
    off += buf.write(text, off, 'latin1');
  }

  function writeNumber(n: number): void {
    if (Number.isInteger(n) && n >= 0 && n <= UINT32_MAX) {
      ensure(10);
      off = writeUint(buf, off, n);
    } else if (Number.isFinite(n)) writeAscii(String(n));
    else writeAscii('\\N');
  }

  /** `text` as a double-quoted CSV field. */
  function writeQuoted(text: string): void {
    // UTF-8 has no encoding for a lone surrogate; JSON escapes it, so that batch goes as JSON.
    if (!isWellFormedString(text)) unsupported('a string (lone surrogate)');
    const body = text.indexOf('"') === -1 ? text : text.replace(DQ, '""');
    ensure(body.length * 3 + 2);
    buf[off++] = QUOTE;
    off += buf.write(body, off, 'utf8');
    buf[off++] = QUOTE;
  }

  function writeNumbers(values: readonly unknown[]): void {
    ensure(values.length * 25 + 4);
    // Locals, not the closure's `buf` / `off`, in this loop: ~2× faster in V8.
    const b = buf;
    let at = off;
    b[at++] = QUOTE;
    b[at++] = 0x5b; // [
    for (let i = 0; i < values.length; i++) {
      if (i > 0) b[at++] = COMMA;
      const v = values[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) unsupported('a numeric array element');
      if (v >= 0 && v <= UINT32_MAX && Math.floor(v) === v) at = writeUint(b, at, v);
      else at += b.write(String(v), at, 'latin1'); // ≤ 24 characters
    }
    b[at++] = 0x5d; // ]
    b[at++] = QUOTE;
    off = at;
  }

  function writeStrings(values: readonly unknown[]): void {
    let text = '[';
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'string') unsupported('a string array element');
      text += `${i > 0 ? ',' : ''}'${v.replace(SQL_ESCAPE, '\\$&')}'`;
    }
    writeQuoted(`${text}]`);
  }

  const width = kinds.length;
  for (const row of rows) {
    for (let i = 0; i < width; i++) {
      if (i > 0) {
        ensure(1);
        buf[off++] = COMMA;
      }
      const v = row[i];
      if (v === null || v === undefined) {
        writeAscii('\\N');
        continue;
      }
      switch (kinds[i]) {
        case 'number':
          if (typeof v !== 'number') unsupported('a number column');
          writeNumber(v);
          break;
        case 'bool':
          if (typeof v !== 'boolean') unsupported('a Bool column');
          writeAscii(v ? 'true' : 'false');
          break;
        case 'numbers':
          if (!Array.isArray(v)) unsupported('an array column');
          writeNumbers(v);
          break;
        case 'strings':
          if (!Array.isArray(v)) unsupported('an array column');
          writeStrings(v);
          break;
        default:
          if (typeof v !== 'string') unsupported('a string column');
          writeQuoted(v);
      }
    }
    ensure(1);
    buf[off++] = NEWLINE;
  }
  return buf.subarray(0, off);
}
