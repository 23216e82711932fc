import { describe, expect, it } from 'vitest';
import type { RecordBatch } from '../../streams/contract/index.ts';
import { createBatchCoalescer } from './coalesce.ts';

function batch(name: string, size: number, acks: string[]): RecordBatch {
  return {
    records: Array.from({ length: size }, (_, i) => ({
      bytes: Buffer.from(`${name}-${i}`),
      origin: { kind: 'kafka' as const, topic: 't', partition: 0, offset: String(i) },
      receivedAt: 0,
    })),
    ack: async () => {
      acks.push(name);
    },
  };
}

const names = (b: RecordBatch) => b.records.map((r) => r.bytes.toString());

describe('createBatchCoalescer', () => {
  it('runs the batches handed over together as one batch and acks each, in order, after it', async () => {
    const acks: string[] = [];
    const runs: string[][] = [];
    const onBatch = createBatchCoalescer({
      process: async (merged) => {
        runs.push(names(merged));
        expect(acks).toEqual([]);
        await merged.ack();
      },
    });
    await Promise.all([
      onBatch(batch('a', 2, acks)),
      onBatch(batch('b', 1, acks)),
      onBatch(batch('c', 2, acks)),
    ]);
    expect(runs).toEqual([['a-0', 'a-1', 'b-0', 'c-0', 'c-1']]);
    expect(acks).toEqual(['a', 'b', 'c']);
  });

  it('queues batches that arrive during a run into the next run', async () => {
    const acks: string[] = [];
    const runs: string[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const onBatch = createBatchCoalescer({
      process: async (merged) => {
        runs.push(names(merged));
        if (runs.length === 1) await gate;
        await merged.ack();
      },
    });
    const first = onBatch(batch('a', 1, acks));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    const later = [onBatch(batch('b', 1, acks)), onBatch(batch('c', 1, acks))];
    release();
    await Promise.all([first, ...later]);
    expect(runs).toEqual([['a-0'], ['b-0', 'c-0']]);
    expect(acks).toEqual(['a', 'b', 'c']);
  });

  it('fails every batch of a failed run, acks none, and keeps serving later batches', async () => {
    const acks: string[] = [];
    let fail = true;
    const onBatch = createBatchCoalescer({
      process: async (merged) => {
        if (fail) throw new Error('store down');
        await merged.ack();
      },
    });
    const results = await Promise.allSettled([
      onBatch(batch('a', 1, acks)),
      onBatch(batch('b', 1, acks)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(acks).toEqual([]);
    fail = false;
    await onBatch(batch('a', 1, acks));
    expect(acks).toEqual(['a']);
  });

  it('cuts groups at maxRecords but never splits or drops a batch', async () => {
    const acks: string[] = [];
    const sizes: number[] = [];
    const onBatch = createBatchCoalescer({
      maxRecords: 4,
      process: async (merged) => {
        sizes.push(merged.records.length);
        await merged.ack();
      },
    });
    await Promise.all([
      onBatch(batch('a', 3, acks)),
      onBatch(batch('b', 2, acks)),
      onBatch(batch('c', 6, acks)),
      onBatch(batch('d', 1, acks)),
    ]);
    expect(sizes).toEqual([3, 2, 6, 1]);
    expect(acks).toEqual(['a', 'b', 'c', 'd']);
  });

  it('with depth 2, starts the next run once the previous is taken, not acknowledged', async () => {
    for (const depth of [1, 2]) {
      const acks: string[] = [];
      const events: string[] = [];
      const taken: string[] = [];
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const onBatch = createBatchCoalescer({
        depth,
        process: async (merged) => {
          const name = names(merged).join(',');
          events.push(`start ${name}`);
          merged.taken?.();
          if (name === 'a-0') await gate;
          await merged.ack();
          events.push(`acked ${name}`);
        },
      });
      const a = batch('a', 1, acks);
      a.taken = () => taken.push('a');
      const first = onBatch(a);
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
      const second = onBatch(batch('b', 1, acks));
      await new Promise((r) => setTimeout(r, 20));
      release();
      await Promise.all([first, second]);
      expect(taken).toEqual(['a']);
      expect(events).toEqual(
        depth === 1
          ? ['start a-0', 'acked a-0', 'start b-0', 'acked b-0']
          : ['start a-0', 'start b-0', 'acked b-0', 'acked a-0'],
      );
    }
  });

  it("tells a run's sources it is taken only from `overlapFrom` records", async () => {
    const acks: string[] = [];
    const taken: string[] = [];
    const onBatch = createBatchCoalescer({
      depth: 2,
      overlapFrom: 2,
      process: async (merged) => {
        merged.taken?.();
        await merged.ack();
      },
    });
    const small = batch('small', 1, acks);
    small.taken = () => taken.push('small');
    await onBatch(small);
    const big = batch('big', 2, acks);
    big.taken = () => taken.push('big');
    await onBatch(big);
    expect(taken).toEqual(['big']);
    expect(acks).toEqual(['small', 'big']);
  });
});
