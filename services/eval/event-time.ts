import { Rfc3339Schema, type RawRecord } from '../../streams/contract/index.ts';

const KEY = Buffer.from('"occurred_at":"');
const QUOTE = 0x22;

/**
 * The latest `occurred_at` (epoch ms) among raw records, read straight from the bytes: the
 * evaluation plays the detector's training schedule in event time and needs the stream's clock
 * without decoding every line twice. Timestamps that fail the contract (a malformed line the
 * pipeline sends to the dead letters) are skipped, so they cannot move the clock; -Infinity when
 * no record has a valid one.
 */
export function latestEventTime(records: readonly RawRecord[]): number {
  let latest = -Infinity;
  for (const { bytes } of records) {
    const at = bytes.indexOf(KEY);
    if (at < 0) continue;
    const from = at + KEY.length;
    const to = bytes.indexOf(QUOTE, from);
    if (to < 0 || to - from > 40) continue;
    const text = bytes.toString('latin1', from, to);
    if (!Rfc3339Schema.safeParse(text).success) continue;
    const ms = Date.parse(text);
    if (ms > latest) latest = ms;
  }
  return latest;
}
