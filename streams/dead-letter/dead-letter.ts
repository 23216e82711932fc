import { z } from 'zod';
import { formatOrigin, type Origin, type RejectCode } from '../contract/index.ts';

/** A record Vigie could not accept, with why and where it came from. Never dropped silently. */
export interface DeadLetter {
  /** Precise, human-readable reason (what was expected, what came). */
  reason: string;
  code: RejectCode;
  origin: Origin;
  /** The original bytes (a prefix of them when `truncated`). */
  bytes: Buffer;
  /** The original record's full size in bytes. */
  size: number;
  /** True when `bytes` holds only the first bytes of the record. */
  truncated: boolean;
  /** When it was rejected, RFC 3339. */
  at: string;
}

export const OriginSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('kafka'),
    topic: z.string(),
    partition: z.number().int(),
    offset: z.string(),
  }),
  z.object({ kind: z.literal('file'), file: z.string(), line: z.number().int() }),
  z.object({ kind: z.literal('http'), request: z.string(), line: z.number().int() }),
]);

/** The JSON form of a dead letter: the value in `vigie.dead-letter`, a line of a rejects file. */
export const DeadLetterRecordSchema = z.object({
  reason: z.string(),
  code: z.enum(['INVALID_JSON', 'SCHEMA_VIOLATION', 'OVERSIZE_RECORD']),
  origin: OriginSchema,
  bytes_base64: z.string(),
  size: z.number().int().min(0),
  truncated: z.boolean(),
  at: z.string(),
});
export type DeadLetterRecord = z.infer<typeof DeadLetterRecordSchema>;

/**
 * The JSON form, with at most `maxBytes` of the original bytes embedded (the rest is cut and
 * `truncated` set) so that a dead letter always fits a Kafka message.
 */
export function toDeadLetterRecord(letter: DeadLetter, maxBytes = Infinity): DeadLetterRecord {
  const cut = letter.bytes.length > maxBytes;
  const bytes = cut ? letter.bytes.subarray(0, maxBytes) : letter.bytes;
  return {
    reason: letter.reason,
    code: letter.code,
    origin: letter.origin,
    bytes_base64: bytes.toString('base64'),
    size: letter.size,
    truncated: letter.truncated || cut,
    at: letter.at,
  };
}

/** Source coordinates as a message key: `kafka:topic/partition@offset`, `file:name:line`. */
export function deadLetterKey(origin: Origin): string {
  return formatOrigin(origin);
}

/** Kafka headers of a dead letter, so tools can route on them without parsing the value. */
export function deadLetterHeaders(letter: DeadLetter): Record<string, string> {
  const headers: Record<string, string> = {
    'vigie-dead-letter-code': letter.code,
    'vigie-dead-letter-reason': letter.reason.slice(0, 1_000),
    'vigie-origin': formatOrigin(letter.origin),
    'vigie-original-size': String(letter.size),
  };
  if (letter.origin.kind === 'kafka') {
    headers['vigie-origin-topic'] = letter.origin.topic;
    headers['vigie-origin-partition'] = String(letter.origin.partition);
    headers['vigie-origin-offset'] = letter.origin.offset;
  }
  return headers;
}

/** Where dead letters go. `write` resolves once they are durably handed over. */
export interface DeadLetterSink {
  write(letters: readonly DeadLetter[]): Promise<void>;
  close(): Promise<void>;
}
