import { describe, expect, it } from 'vitest';
import { fetchMaxBytes } from './kafka-source.ts';

const MiB = 1024 * 1024;

describe('fetchMaxBytes', () => {
  it("keeps kafkajs' 10 MiB while the partitions' bounds fit in it", () => {
    expect(fetchMaxBytes({})).toBe(10 * MiB);
    expect(fetchMaxBytes({ maxBytesPerPartition: MiB, partitionsConsumedConcurrently: 8 })).toBe(
      10 * MiB,
    );
  });

  it('grows with a raised per-partition bound, so a backlog fetch is not capped by the total', () => {
    expect(
      fetchMaxBytes({ maxBytesPerPartition: 4 * MiB, partitionsConsumedConcurrently: 8 }),
    ).toBe(32 * MiB);
    // kafkajs handles two partitions at once unless told otherwise.
    expect(fetchMaxBytes({ maxBytesPerPartition: 8 * MiB })).toBe(16 * MiB);
  });

  it('takes an explicit bound as given', () => {
    expect(fetchMaxBytes({ maxBytes: 64, maxBytesPerPartition: 4 * MiB })).toBe(64);
  });
});
