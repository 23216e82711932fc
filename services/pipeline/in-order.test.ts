import { describe, expect, it } from 'vitest';
import { processInOrder } from './in-order.ts';

async function* numbers(n: number, read: number[]): AsyncGenerator<number> {
  for (let i = 0; i < n; i += 1) {
    read.push(i);
    yield i;
  }
}

const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('processInOrder', () => {
  it('keeps at most `depth` batches in flight and reports results in source order', async () => {
    let inFlight = 0;
    let most = 0;
    const results: Array<[number, string]> = [];
    await processInOrder(
      numbers(6, []),
      async (i) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        // Later batches finish first: the order of results must not follow.
        await later(30 - i * 5);
        inFlight -= 1;
        return `r${i}`;
      },
      (i, r) => results.push([i, r]),
      2,
    );
    expect(most).toBe(2);
    expect(results).toEqual([0, 1, 2, 3, 4, 5].map((i) => [i, `r${i}`]));
  });

  it('stops reading at a failure, lets the batches in flight settle, throws the error', async () => {
    const read: number[] = [];
    const settled: number[] = [];
    const results: number[] = [];
    await expect(
      processInOrder(
        numbers(10, read),
        async (i) => {
          await later(i === 1 ? 5 : 20);
          settled.push(i);
          if (i === 1) throw new Error('batch 1 failed');
          return i;
        },
        (i) => results.push(i),
        2,
      ),
    ).rejects.toThrow('batch 1 failed');
    expect(results).toEqual([0]);
    // Batch 2 was in flight when batch 1's failure was seen; nothing after it was read.
    expect(read).toEqual([0, 1, 2]);
    expect(settled.sort()).toEqual([0, 1, 2]);
  });

  it('with depth 1, processes one batch at a time', async () => {
    let inFlight = 0;
    let most = 0;
    await processInOrder(
      numbers(4, []),
      async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await later(2);
        inFlight -= 1;
      },
      () => undefined,
      1,
    );
    expect(most).toBe(1);
    await expect(
      processInOrder(
        numbers(1, []),
        async () => 0,
        () => undefined,
        0,
      ),
    ).rejects.toThrow('depth must be an integer ≥ 1');
  });
});
