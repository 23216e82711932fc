import { z } from 'zod';
import { MarketplaceEventSchema, type MarketplaceEvent } from './events.ts';
import { MAX_RECORD_BYTES } from './vocabularies.ts';

export type RejectCode = 'INVALID_JSON' | 'SCHEMA_VIOLATION' | 'OVERSIZE_RECORD';

export type DecodeResult =
  | {
      ok: true;
      event: MarketplaceEvent;
      /** The record as text (for bytes, their UTF-8 decoding, a leading BOM kept): the raw to store. */
      text: string;
    }
  | { ok: false; code: RejectCode; reason: string };

// ignoreBOM keeps a leading BOM in the text, so `text` is exactly `bytes.toString('utf8')`;
// decodeRecord skips it before JSON.parse, as the default decoder would.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// Every record of the stream goes through this schema on the pipeline's main thread, so it is
// compiled once (zod's generated fast path: about a third of the interpreter's cost per event).
// A record the fast path refuses is parsed again by the interpreter, which gives the reasons.
const CompiledEventSchema = z.compile(MarketplaceEventSchema);

/**
 * Decodes one record (bytes or text) into a contract event, or says precisely why not.
 * Never throws: bad input is data to route to the dead letters, not an exception.
 */
export function decodeRecord(raw: Uint8Array | string): DecodeResult {
  const size = typeof raw === 'string' ? Buffer.byteLength(raw, 'utf8') : raw.byteLength;
  if (size > MAX_RECORD_BYTES) {
    return {
      ok: false,
      code: 'OVERSIZE_RECORD',
      reason: `record is ${size} bytes; the contract allows at most ${MAX_RECORD_BYTES}`,
    };
  }
  let text: string;
  let json: string;
  if (typeof raw === 'string') {
    text = raw;
    json = raw;
  } else {
    try {
      text = decoder.decode(raw);
    } catch {
      return { ok: false, code: 'INVALID_JSON', reason: 'record is not valid UTF-8' };
    }
    json = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    return {
      ok: false,
      code: 'INVALID_JSON',
      reason: `record is not valid JSON: ${(err as Error).message}`,
    };
  }
  const parsed = CompiledEventSchema.safeParse(value);
  if (!parsed.success) {
    return {
      ok: false,
      code: 'SCHEMA_VIOLATION',
      reason: z.prettifyError(parsed.error).replace(/\n/g, '; '),
    };
  }
  return { ok: true, event: parsed.data, text };
}
