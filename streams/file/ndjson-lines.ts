import { MAX_RECORD_BYTES } from '../contract/index.ts';

/** One NDJSON line, without its line ending. */
export interface NdjsonLine {
  /** The line's bytes, or only its first `maxLineBytes` bytes when `truncated`. */
  bytes: Buffer;
  /** 1-based line number in the input (blank lines count). */
  line: number;
  /** The line's full size in bytes, line ending excluded. */
  size: number;
  truncated: boolean;
}

export interface NdjsonLinesOptions {
  /**
   * Bytes kept of one line. A longer line is not buffered whole (one bad line must not exhaust
   * memory): its first bytes are kept for the dead letter, the rest is only counted.
   * Default: the contract's record cap (1 MiB).
   */
  maxLineBytes?: number;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into lines: LF or CRLF endings, a last line without an ending, blank
 * lines skipped (but counted in line numbers). Lines within a chunk are zero-copy views of it.
 */
export async function* ndjsonLines(
  input: AsyncIterable<Buffer | string>,
  options: NdjsonLinesOptions = {},
): AsyncGenerator<NdjsonLine> {
  const cap = options.maxLineBytes ?? MAX_RECORD_BYTES;
  let parts: Buffer[] = [];
  let kept = 0;
  let size = 0;
  let lastByte = -1;
  let lineNo = 0;

  const take = (piece: Buffer): void => {
    if (piece.length === 0) return;
    size += piece.length;
    lastByte = piece[piece.length - 1]!;
    if (kept < cap) {
      const room = cap - kept;
      const slice = piece.length <= room ? piece : piece.subarray(0, room);
      parts.push(slice);
      kept += slice.length;
    }
  };

  const finish = (): NdjsonLine | undefined => {
    lineNo += 1;
    let full = size;
    const truncated = size > kept;
    let bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, kept);
    if (lastByte === CR) {
      full -= 1;
      if (!truncated) bytes = bytes.subarray(0, bytes.length - 1);
    }
    // A UTF-8 byte-order mark (some Windows tools write one) is not part of the first record.
    if (lineNo === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
      bytes = bytes.subarray(3);
      full -= 3;
    }
    parts = [];
    kept = 0;
    size = 0;
    lastByte = -1;
    if (full === 0) return undefined;
    return { bytes, line: lineNo, size: full, truncated };
  };

  for await (const raw of input) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(LF, start);
      if (nl === -1) {
        take(chunk.subarray(start));
        break;
      }
      take(chunk.subarray(start, nl));
      const line = finish();
      if (line) yield line;
      start = nl + 1;
    }
  }
  if (size > 0) {
    const line = finish();
    if (line) yield line;
  }
}
