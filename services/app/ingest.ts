import { VigieError } from '../../streams/errors.ts';
import type { RawRecord } from '../../streams/contract/index.ts';
import { ndjsonLines } from '../../streams/file/index.ts';
import { decodeBatch } from '../pipeline/index.ts';
import type { IngestResult } from '../api/index.ts';
import type { IngestPort } from './types.ts';

/** Rejected lines listed in one answer; `rejected_total` counts them all. */
export const MAX_LISTED_REJECTS = 1_000;

async function* once(body: Buffer): AsyncGenerator<Buffer> {
  yield body;
}

/**
 * An NDJSON body through the pipeline, as one batch whose records come from `http` origins
 * (request id, line). The lines are decoded here too (the same pure decoder), to answer each
 * reject with its line; the pipeline still sends them to its dead letters and metrics.
 */
export async function ingestNdjson(
  port: IngestPort | undefined,
  body: Buffer,
  requestId: string,
  now: number,
): Promise<{ result: IngestResult; takedowns: boolean }> {
  if (port === undefined) {
    throw new VigieError('STORE_UNAVAILABLE', 'HTTP ingest is not enabled in this process', {
      context: { reason: 'no pipeline' },
    });
  }
  const records: RawRecord[] = [];
  for await (const line of ndjsonLines(once(body))) {
    records.push({
      bytes: line.bytes,
      origin: { kind: 'http', request: requestId, line: line.line },
      receivedAt: now,
      ...(line.truncated ? { size: line.size, truncated: true } : {}),
    });
  }
  if (records.length === 0) throw new VigieError('BAD_REQUEST', 'the body holds no event');
  const decoded = decodeBatch(records, new Date(now));
  const outcome = await port.process({ records, ack: async () => {} });
  const rejected = decoded.rejects.slice(0, MAX_LISTED_REJECTS).map((r) => ({
    line: r.origin.kind === 'http' ? r.origin.line : 0,
    code: r.code,
    reason: r.reason,
  }));
  return {
    result: {
      accepted: outcome.accepted,
      duplicates: outcome.duplicates,
      rejected,
      rejected_total: decoded.rejects.length,
    },
    takedowns: decoded.events.some((e) => e.event.type === 'listing.taken_down'),
  };
}
