import { describe, expect, it } from 'vitest';
import type { RawRecord } from '../../streams/contract/index.ts';
import { latestEventTime } from './event-time.ts';

const record = (text: string): RawRecord => ({
  bytes: Buffer.from(text, 'utf8'),
  origin: { kind: 'file', file: 'x', line: 1 },
  receivedAt: 0,
});

describe('latestEventTime', () => {
  it('is the latest valid occurred_at of the records', () => {
    const records = [
      record('{"event_id":"a","type":"listing.published","occurred_at":"2026-01-02T10:00:00Z"}'),
      record('{"event_id":"b","occurred_at":"2026-01-03T09:30:00.250+01:00","seller_id":"s"}'),
      record('{"event_id":"c","occurred_at":"2026-01-01T00:00:00Z"}'),
    ];
    expect(latestEventTime(records)).toBe(Date.parse('2026-01-03T08:30:00.250Z'));
  });

  it('ignores timestamps the contract refuses, and records without one', () => {
    const records = [
      record('{"event_id":"a","occurred_at":"2026-01-02T10:00:00Z"}'),
      record('{"event_id":"b-bad","occurred_at":"2026-03-01T10:15:00"}'), // no offset
      record('{"event_id":"c-bad","occurred_at":"2026-02-30T10:00:00Z"}'), // no such day
      record('{"event_id":"d-bad","occurred_at":"2026-01-0'), // cut line
      record('not json at all'),
    ];
    expect(latestEventTime(records)).toBe(Date.parse('2026-01-02T10:00:00Z'));
    expect(latestEventTime([record('{}')])).toBe(-Infinity);
  });
});
