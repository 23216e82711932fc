import type { RawRecord, RecordBatch } from '../contract/index.ts';
import { ndjsonLines, type NdjsonLinesOptions } from './ndjson-lines.ts';

/**
 * Lines per batch of `vigie replay` (and of its benchmark). A batch is applied in chunks
 * (VIGIE_BATCH_SIZE) but snapshotted, written and scored once per changed seller: on a backlog,
 * larger batches pay that per-seller work less often (1M simulated events: 5,245 and 4,078 lines/s
 * with 20,000-line batches, 6,004 and 5,594 with 100,000, alternated; docs/performance.md).
 */
export const REPLAY_BATCH_LINES = 100_000;

export interface NdjsonSourceOptions extends NdjsonLinesOptions {
  /** The byte stream (a file read stream or `process.stdin`). */
  input: AsyncIterable<Buffer | string>;
  /** Name recorded in each record's origin (`-` for standard input). */
  file: string;
  /** Lines per batch. Default 20,000 (`vigie replay` passes REPLAY_BATCH_LINES). */
  batchSize?: number;
  /** A batch is also cut once it holds this many bytes, so memory stays bounded. Default 64 MiB. */
  maxBatchBytes?: number;
  /** Clock for `receivedAt`; injectable for tests. */
  now?: () => number;
  /** Called with the last line number of each acknowledged batch (the file cursor). */
  onAck?: (lastLine: number) => void;
}

/**
 * An NDJSON file or standard input as a source of record batches. It is pull-based: the next
 * batch is read only when the consumer asks for it, so a slow pipeline slows the reading instead
 * of buffering the file.
 */
export async function* createNdjsonSource(
  options: NdjsonSourceOptions,
): AsyncGenerator<RecordBatch> {
  const batchSize = options.batchSize ?? 20_000;
  const maxBatchBytes = options.maxBatchBytes ?? 64 * 1024 * 1024;
  const now = options.now ?? Date.now;
  let records: RawRecord[] = [];
  let bytes = 0;

  const cut = (): RecordBatch => {
    const batch = records;
    const last = batch[batch.length - 1];
    const lastLine = last?.origin.kind === 'file' ? last.origin.line : 0;
    records = [];
    bytes = 0;
    return {
      records: batch,
      ack: async () => {
        options.onAck?.(lastLine);
      },
    };
  };

  for await (const line of ndjsonLines(options.input, options)) {
    const record: RawRecord = {
      bytes: line.bytes,
      origin: { kind: 'file', file: options.file, line: line.line },
      receivedAt: now(),
    };
    if (line.truncated) {
      record.size = line.size;
      record.truncated = true;
    }
    records.push(record);
    bytes += line.bytes.length;
    if (records.length >= batchSize || bytes >= maxBatchBytes) yield cut();
  }
  if (records.length > 0) yield cut();
}
