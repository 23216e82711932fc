import { describe, expect, it } from 'vitest';
import type { RawRecord } from '../../streams/contract/index.ts';
import { decodeBatch, decodeBatchInSlices } from './decode-batch.ts';

const at = new Date('2026-03-01T10:00:00Z');
const event = (id: string) => ({
  event_id: id,
  type: 'notice.received',
  occurred_at: '2026-03-01T09:00:00Z',
  seller_id: 's1',
  notice_id: 'n1',
  notifier_type: 'trusted_flagger',
  category: 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
});
const rec = (text: string, line: number, extra: Partial<RawRecord> = {}): RawRecord => ({
  bytes: Buffer.from(text, 'utf8'),
  origin: { kind: 'file', file: 'in.ndjson', line },
  receivedAt: 1,
  ...extra,
});

describe('decodeBatch', () => {
  it('routes every record to an event, an in-batch duplicate or a dead letter', () => {
    const out = decodeBatch(
      [
        rec(JSON.stringify(event('e1')), 1),
        rec('{not json', 2),
        rec(JSON.stringify({ ...event('e2'), notifier_type: 'robot' }), 3),
        rec(JSON.stringify(event('e1')), 4),
        rec('x'.repeat(10), 5, { truncated: true, size: 2_000_000 }),
        rec(JSON.stringify(event('e3')), 6),
      ],
      at,
    );
    expect(out.events.map((e) => e.event.event_id)).toEqual(['e1', 'e3']);
    expect(out.batchDuplicates).toBe(1);
    expect(out.rejects.map((r) => [r.code, r.origin])).toEqual([
      ['INVALID_JSON', { kind: 'file', file: 'in.ndjson', line: 2 }],
      ['SCHEMA_VIOLATION', { kind: 'file', file: 'in.ndjson', line: 3 }],
      ['OVERSIZE_RECORD', { kind: 'file', file: 'in.ndjson', line: 5 }],
    ]);
    expect(out.rejects[1]?.reason).toMatch(/notifier_type/);
    expect(out.rejects[2]).toMatchObject({ size: 2_000_000, truncated: true });
    expect(out.rejects[0]?.bytes.toString()).toBe('{not json');
    expect(out.events[0]?.raw).toBe(JSON.stringify(event('e1')));
  });

  it('stores the record text as it came, a leading BOM included', () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(JSON.stringify(event('e1'))),
    ]);
    const out = decodeBatch([rec('', 1, { bytes })], at);
    expect(out.events[0]?.raw).toBe(bytes.toString('utf8'));
  });

  it('rejects invalid UTF-8 as invalid JSON rather than repairing it', () => {
    const bad = Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]);
    const out = decodeBatch([rec('', 1, { bytes: bad })], at);
    expect(out.rejects[0]?.code).toBe('INVALID_JSON');
    expect(out.rejects[0]?.bytes.equals(bad)).toBe(true);
  });
});

describe('decodeBatchInSlices', () => {
  it('gives the same result as decodeBatch, duplicates across slices included', async () => {
    const records = [
      rec(JSON.stringify(event('e1')), 1),
      rec('{not json', 2),
      rec(JSON.stringify(event('e2')), 3),
      rec(JSON.stringify(event('e1')), 4),
      rec(JSON.stringify(event('e3')), 5),
      rec(JSON.stringify(event('e2')), 6),
      rec('x'.repeat(10), 7, { truncated: true, size: 2_000_000 }),
    ];
    const sliced = await decodeBatchInSlices(records, at, 2);
    expect(sliced).toEqual(decodeBatch(records, at));
    expect(sliced.events.map((e) => e.event.event_id)).toEqual(['e1', 'e2', 'e3']);
    expect(sliced.batchDuplicates).toBe(2);
  });

  it('lets callbacks already due run before it ends, unless the batch fits one slice', async () => {
    const records = Array.from({ length: 6 }, (_, i) => rec(JSON.stringify(event(`e${i}`)), i + 1));
    const order = async (slice: number): Promise<string[]> => {
      const seen: string[] = [];
      setImmediate(() => seen.push('callback'));
      await decodeBatchInSlices(records, at, slice).then(() => seen.push('decoded'));
      return seen;
    };
    expect(await order(2)).toEqual(['callback', 'decoded']);
    expect(await order(6)).toEqual(['decoded']);
  });
});
