/**
 * Positional rows → ClickHouse `RowBinary` bytes, the embedded engine's cheapest insert payload:
 * it reads lengths and fixed-width values instead of parsing text. Per row, chDB spent ~9 µs
 * less CPU on `listing_texts` and ~5–13 µs less on `events` and `seller_features` than with the
 * CSV and JSON payloads (docs/store.md, "Insert payloads"). chDB's raw insert takes text formats
 * only, so the executor hands these bytes over through a staging file (chdb-executor.ts).
 *
 * The bytes decode to what the JSON path stores for the same row: a value the JSON path would
 * store differently, or that this encoder does not write (a lone surrogate, a non-finite number in
 * a non-Nullable column, a time that is not `YYYY-MM-DD HH:MM:SS[.mmm]`), throws
 * RowBinaryUnsupported and that batch goes as text.
 */

import { grownBuffer, isWellFormedString } from './byte-buffer.ts';

/** Thrown for a value this encoder does not write exactly as the JSON path stores it. */
export class RowBinaryUnsupported extends Error {}

type Scalar = 'string' | 'datetime64' | 'bool' | 'u8' | 'u16' | 'u32' | 'u64' | 'i32' | 'f64';

/** How one column is written. */
export interface RowBinaryColumn {
  readonly scalar: Scalar;
  readonly nullable: boolean;
  readonly array: boolean;
}

const SCALARS: Readonly<Record<string, Scalar>> = {
  String: 'string',
  "DateTime64(3, 'UTC')": 'datetime64',
  Bool: 'bool',
  UInt8: 'u8',
  UInt16: 'u16',
  UInt32: 'u32',
  UInt64: 'u64',
  Int32: 'i32',
  Float64: 'f64',
};

function scalarOf(type: string): Scalar | undefined {
  const low = /^LowCardinality\((.*)\)$/.exec(type);
  return SCALARS[low ? low[1]! : type];
}

function columnOf(type: string): RowBinaryColumn | undefined {
  const array = /^Array\((.*)\)$/.exec(type);
  if (array) {
    const scalar = scalarOf(array[1]!);
    return scalar && { scalar, nullable: false, array: true };
  }
  const nullable = /^Nullable\((.*)\)$/.exec(type);
  const scalar = scalarOf(nullable ? nullable[1]! : type);
  return scalar && { scalar, nullable: nullable !== null, array: false };
}

/** The columns' plan, or undefined when some type is one this encoder does not write. */
export function rowBinaryColumns(types: readonly string[]): RowBinaryColumn[] | undefined {
  const columns: RowBinaryColumn[] = [];
  for (const type of types) {
    const column = columnOf(type);
    if (column === undefined) return undefined;
    columns.push(column);
  }
  return columns;
}

function unsupported(what: string): never {
  throw new RowBinaryUnsupported(`unexpected value in ${what}`);
}

const INTEGER_LIMITS: Readonly<Record<'u8' | 'u16' | 'u32' | 'u64' | 'i32', [number, number]>> = {
  u8: [0, 0xff],
  u16: [0, 0xffff],
  u32: [0, 0xffffffff],
  u64: [0, Number.MAX_SAFE_INTEGER],
  i32: [-0x80000000, 0x7fffffff],
};

const ZERO = 0x30;

/** Two ASCII digits at `at`, or -1. */
function digits2(text: string, at: number): number {
  const a = text.charCodeAt(at) - ZERO;
  const b = text.charCodeAt(at + 1) - ZERO;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * `YYYY-MM-DD HH:MM:SS[.mmm]` (what formatDateTime64 writes) → epoch ms, or undefined for any
 * other text, whose reading is left to the engine's text parser.
 */
export function parseDateTime64Text(text: string): number | undefined {
  if (text.length !== 19 && text.length !== 23) return undefined;
  if (
    text.charCodeAt(4) !== 0x2d ||
    text.charCodeAt(7) !== 0x2d ||
    text.charCodeAt(10) !== 0x20 ||
    text.charCodeAt(13) !== 0x3a ||
    text.charCodeAt(16) !== 0x3a
  ) {
    return undefined;
  }
  const century = digits2(text, 0);
  const year = digits2(text, 2);
  const month = digits2(text, 5);
  const day = digits2(text, 8);
  const hour = digits2(text, 11);
  const minute = digits2(text, 14);
  const second = digits2(text, 17);
  let ms = 0;
  if (text.length === 23) {
    const high = digits2(text, 20);
    const low = text.charCodeAt(22) - ZERO;
    if (text.charCodeAt(19) !== 0x2e || high < 0 || low < 0 || low > 9) return undefined;
    ms = high * 10 + low;
  }
  if (century < 0 || year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23)
    return undefined;
  if (minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  const full = century * 100 + year;
  const at = Date.UTC(full, month - 1, day, hour, minute, second, ms);
  // Date.UTC rolls 31 February over into March; the engine would not read such a date.
  if (new Date(at).getUTCDate() !== day || full < 100) return undefined;
  return at;
}

/** Encodes rows (values in `columns` order); throws RowBinaryUnsupported (see it). */
export function encodeRowBinary(
  rows: readonly (readonly unknown[])[],
  columns: readonly RowBinaryColumn[],
): Buffer {
  let buf = Buffer.allocUnsafe(Math.max(4096, rows.length * 512));
  let off = 0;

  function ensure(bytes: number): void {
    if (off + bytes > buf.length) buf = grownBuffer(buf, off, off + bytes);
  }

  function writeVarUint(n: number): void {
    ensure(10);
    while (n >= 0x80) {
      buf[off++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 0x80);
    }
    buf[off++] = n;
  }

  function writeString(v: unknown, what: string): void {
    if (typeof v !== 'string') unsupported(what);
    // UTF-8 has no encoding for a lone surrogate; JSON escapes it, so that batch goes as JSON.
    if (!isWellFormedString(v)) unsupported(`${what} (lone surrogate)`);
    // At most 3 bytes per UTF-16 unit: a short string's length fits one varint byte unmeasured.
    if (v.length * 3 < 0x80) {
      ensure(1 + v.length * 3);
      const at = off;
      off += 1;
      const n = buf.write(v, off, 'utf8');
      buf[at] = n;
      off += n;
      return;
    }
    const n = Buffer.byteLength(v, 'utf8');
    writeVarUint(n);
    ensure(n);
    off += buf.write(v, off, 'utf8');
  }

  function writeScalar(scalar: Scalar, v: unknown, what: string): void {
    switch (scalar) {
      case 'string':
        writeString(v, what);
        return;
      case 'datetime64': {
        const at = typeof v === 'string' ? parseDateTime64Text(v) : undefined;
        if (at === undefined) unsupported(what);
        ensure(8);
        if (at >= 0) {
          off = buf.writeUInt32LE(at % 0x100000000, off);
          off = buf.writeUInt32LE(Math.floor(at / 0x100000000), off);
        } else off = buf.writeBigInt64LE(BigInt(at), off);
        return;
      }
      case 'bool':
        if (typeof v !== 'boolean') unsupported(what);
        ensure(1);
        buf[off++] = v ? 1 : 0;
        return;
      case 'f64':
        if (typeof v !== 'number' || !Number.isFinite(v)) unsupported(what);
        ensure(8);
        // JSON writes -0 as 0.
        off = buf.writeDoubleLE(v === 0 ? 0 : v, off);
        return;
      default: {
        const [min, max] = INTEGER_LIMITS[scalar];
        if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) unsupported(what);
        ensure(8);
        if (scalar === 'u8') buf[off++] = v;
        else if (scalar === 'u16') off = buf.writeUInt16LE(v, off);
        else if (scalar === 'u32') off = buf.writeUInt32LE(v, off);
        else if (scalar === 'i32') off = buf.writeInt32LE(v, off);
        else {
          off = buf.writeUInt32LE(v % 0x100000000, off);
          off = buf.writeUInt32LE(Math.floor(v / 0x100000000), off);
        }
      }
    }
  }

  /** A MinHash signature's 128 slots: one bounds check, then a tight loop. */
  function writeUint32s(values: readonly unknown[]): void {
    ensure(values.length * 4);
    const b = buf;
    let at = off;
    for (let k = 0; k < values.length; k++) {
      const e = values[k];
      if (typeof e !== 'number' || !(e >= 0 && e <= 0xffffffff) || Math.floor(e) !== e)
        unsupported('a UInt32 array element');
      b[at] = e & 0xff;
      b[at + 1] = (e >>> 8) & 0xff;
      b[at + 2] = (e >>> 16) & 0xff;
      b[at + 3] = e >>> 24;
      at += 4;
    }
    off = at;
  }

  const width = columns.length;
  for (const row of rows) {
    if (row.length !== width) unsupported(`a row of ${row.length} values for ${width} columns`);
    for (let i = 0; i < width; i++) {
      const column = columns[i]!;
      const v = row[i];
      if (column.array) {
        if (!Array.isArray(v)) unsupported('an array column');
        writeVarUint(v.length);
        if (column.scalar === 'u32') writeUint32s(v);
        else for (const element of v) writeScalar(column.scalar, element, 'an array element');
      } else if (column.nullable) {
        // JSON writes a non-finite number as null, which a Nullable column stores as NULL.
        const isNull =
          v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v));
        ensure(1);
        buf[off++] = isNull ? 1 : 0;
        if (!isNull) writeScalar(column.scalar, v, 'a Nullable column');
      } else {
        // The JSON path stores the column's default for null: left to it.
        if (v === null || v === undefined) unsupported('a null in a non-Nullable column');
        writeScalar(column.scalar, v, 'a column');
      }
    }
  }
  return buf.subarray(0, off);
}
