/**
 * Raw records: what a source hands the pipeline before any decoding. A record keeps its original
 * bytes and where it came from, so a reject can be traced back to its topic/partition/offset or
 * file/line and replayed once fixed.
 */

/** Where a record came from: its source coordinates. */
export type Origin =
  | { kind: 'kafka'; topic: string; partition: number; offset: string }
  | { kind: 'file'; file: string; line: number }
  | { kind: 'http'; request: string; line: number };

export interface RawRecord {
  /** The record's bytes, or their first bytes when `truncated` (see `size`). */
  bytes: Buffer;
  origin: Origin;
  /** Arrival time, ms since the epoch (the event's own time is `occurred_at`). */
  receivedAt: number;
  /**
   * The record's full size in bytes when the source kept only a prefix of it (an over-long
   * NDJSON line is never buffered whole); absent when `bytes` is the whole record.
   */
  size?: number;
  /** True when `bytes` is only a prefix of the record (then it is oversize by construction). */
  truncated?: boolean;
}

export interface RecordBatch {
  records: RawRecord[];
  /** Called once the batch is durably stored; commits offsets / advances the file cursor. */
  ack(): Promise<void>;
  /** True for the priority lane (trusted-flagger / authority notices). */
  priority?: boolean;
  /**
   * Called by the pipeline once the batch is taken: decoded and applied, in order, with only its
   * writes, snapshots and detector pass left before `ack`. A source that passes it may hand over
   * the next batch then, before this one is acknowledged (see streams/kafka/kafka-source.ts).
   */
  taken?(): void;
}

/** A short, log-safe rendering of an origin (`kafka:topic/2@1234`, `file:in.ndjson:17`). */
export function formatOrigin(origin: Origin): string {
  switch (origin.kind) {
    case 'kafka':
      return `kafka:${origin.topic}/${origin.partition}@${origin.offset}`;
    case 'file':
      return `file:${origin.file}:${origin.line}`;
    case 'http':
      return `http:${origin.request}:${origin.line}`;
  }
}
