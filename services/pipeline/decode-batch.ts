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
  const decoder = batchDecoder(at);
  for (const record of records) decoder.add(record);
  return decoder.result();
}

/**
 * `decodeBatch`, giving the event loop back after every `slice` records: a large run (a
 * backlog's, up to VIGIE_RUN_MAX_RECORDS) is not decoded in one synchronous step that a
 * priority batch, or a heartbeat, would wait behind. Same result as `decodeBatch`.
 */
export async function decodeBatchInSlices(
  records: readonly RawRecord[],
  at: Date,
  slice: number,
): Promise<DecodedBatch> {
  const decoder = batchDecoder(at);
  for (let i = 0; i < records.length; i += 1) {
    if (i > 0 && i % slice === 0) await yieldToEventLoop();
    decoder.add(records[i] as RawRecord);
  }
  return decoder.result();
}

/** Resolves after the I/O callbacks already due have run (setImmediate comes after them). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function batchDecoder(at: Date): { add(record: RawRecord): void; result(): DecodedBatch } {
  const events: AcceptedEvent[] = [];
  const rejects: DeadLetter[] = [];
  const seen = new Set<string>();
  let batchDuplicates = 0;
  const stamp = at.toISOString();
  return {
    add(record) {
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
        return;
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
        return;
      }
      if (seen.has(decoded.event.event_id)) {
        batchDuplicates += 1;
        return;
      }
      seen.add(decoded.event.event_id);
      events.push({
        event: decoded.event,
        raw: decoded.text,
        receivedAt: record.receivedAt,
        origin: record.origin,
      });
    },
    result: () => ({ events, batchDuplicates, rejects }),
  };
}
