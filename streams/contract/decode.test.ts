import { describe, expect, it } from 'vitest';
import { decodeRecord } from './decode.ts';

const event = {
  event_id: 'e1',
  type: 'seller.sanctioned',
  occurred_at: '2026-03-01T10:15:00Z',
  seller_id: 's1',
  action: 'warning',
};
const at = (occurred_at: string) => decodeRecord(JSON.stringify({ ...event, occurred_at }));

describe('decodeRecord', () => {
  it('returns the event with unknown fields dropped, and the record text', () => {
    const text = JSON.stringify({ ...event, extra: 1 });
    expect(decodeRecord(Buffer.from(text))).toEqual({ ok: true, event, text });
    expect(decodeRecord(text)).toEqual({ ok: true, event, text });
  });

  it('reads bytes past a leading BOM and keeps it in the text, as the bytes are', () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(JSON.stringify(event)),
    ]);
    const decoded = decodeRecord(bytes);
    expect(decoded).toMatchObject({ ok: true, event, text: bytes.toString('utf8') });
    expect(decodeRecord(bytes.toString('utf8'))).toMatchObject({ ok: false, code: 'INVALID_JSON' });
  });

  it('gives every schema violation with its path, on one line', () => {
    expect(decodeRecord(JSON.stringify({ ...event, action: 'ban', occurred_at: 'now' }))).toEqual({
      ok: false,
      code: 'SCHEMA_VIOLATION',
      reason:
        '✖ expected an RFC 3339 timestamp with offset, e.g. 2026-03-01T10:15:00Z;   → at occurred_at; ' +
        '✖ expected a real calendar date and time;   → at occurred_at; ' +
        '✖ Invalid option: expected one of "warning"|"suspension"|"termination";   → at action',
    });
  });

  it('checks timestamps against the calendar and the clock', () => {
    for (const ok of [
      '2024-02-29T00:00:00Z',
      '2000-02-29T23:59:59.999999+23:59',
      '2026-01-31t10:00:00z',
      '9999-12-31T23:59:59-00:00',
    ]) {
      expect(at(ok).ok, ok).toBe(true);
    }
    for (const bad of [
      '2026-02-29T00:00:00Z',
      '2100-02-29T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-01-00T00:00:00Z',
      '2026-01-01T24:00:00Z',
      '2026-01-01T10:60:00Z',
      '2026-01-01T10:00:00+24:00',
      '2026-01-01T10:00:00+01:60',
      // Refused although RFC 3339 allows them (kept as first decided; see isValidRfc3339).
      '2026-12-31T23:59:60Z',
      '0000-02-29T00:00:00Z',
    ]) {
      expect(at(bad), bad).toEqual({
        ok: false,
        code: 'SCHEMA_VIOLATION',
        reason: '✖ expected a real calendar date and time;   → at occurred_at',
      });
    }
  });
});
