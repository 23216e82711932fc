import { decodeRecord, MAX_RECORD_BYTES, type RawRecord } from '../../streams/contract/index.ts';
import type { DeadLetter } from '../../streams/dead-letter/index.ts';
import type { AcceptedEvent } from './types.ts';

export interface DecodedBatch {
  /** Valid events, first occurrence of each `event_id` in the batch, in arrival order. */
  events: AcceptedEvent[];
  /** Later copies of an `event_id` already in this batch. */
  batchDuplicates: number;
  rejects: DeadLetter[];
}

/**
 * Decodes and validates a batch of raw records. Every record ends up either as an event, a
 * counted in-batch duplicate, or a dead letter: none is dropped.
 */
export function decodeBatch(records: readonly RawRecord[], at: Date): DecodedBatch {
  const events: AcceptedEvent[] = [];
  const rejects: DeadLetter[] = [];
  const seen = new Set<string>();
  let batchDuplicates = 0;
  const stamp = at.toISOString();
  for (const record of records) {
    const size = record.size ?? record.bytes.length;
    if (record.truncated) {
      rejects.push({
        code: 'OVERSIZE_RECORD',
        reason: `record is ${size} bytes; the contract allows at most ${MAX_RECORD_BYTES}`,
        origin: record.origin,
        bytes: record.bytes,
        size,
        truncated: true,
        at: stamp,
      });
      continue;
    }
    const decoded = decodeRecord(record.bytes);
    if (!decoded.ok) {
      rejects.push({
        code: decoded.code,
        reason: decoded.reason,
        origin: record.origin,
        bytes: record.bytes,
        size,
        truncated: false,
        at: stamp,
      });
      continue;
    }
    if (seen.has(decoded.event.event_id)) {
      batchDuplicates += 1;
      continue;
    }
    seen.add(decoded.event.event_id);
    events.push({
      event: decoded.event,
      raw: decoded.text,
      receivedAt: record.receivedAt,
      origin: record.origin,
    });
  }
  return { events, batchDuplicates, rejects };
}
