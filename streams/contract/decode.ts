import { z } from 'zod';
import { MarketplaceEventSchema, type MarketplaceEvent } from './events.ts';
import { MAX_RECORD_BYTES } from './vocabularies.ts';

export type RejectCode = 'INVALID_JSON' | 'SCHEMA_VIOLATION' | 'OVERSIZE_RECORD';

export type DecodeResult =
  { ok: true; event: MarketplaceEvent } | { ok: false; code: RejectCode; reason: string };

const decoder = new TextDecoder('utf-8', { fatal: true });

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
  try {
    text = typeof raw === 'string' ? raw : decoder.decode(raw);
  } catch {
    return { ok: false, code: 'INVALID_JSON', reason: 'record is not valid UTF-8' };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return {
      ok: false,
      code: 'INVALID_JSON',
      reason: `record is not valid JSON: ${(err as Error).message}`,
    };
  }
  const parsed = MarketplaceEventSchema.safeParse(value);
  if (!parsed.success) {
    return {
      ok: false,
      code: 'SCHEMA_VIOLATION',
      reason: z.prettifyError(parsed.error).replace(/\n/g, '; '),
    };
  }
  return { ok: true, event: parsed.data };
}
