/**
 * Hands the batches of a pull source to `process` with up to `depth` of them in flight, and
 * reports each result in the source's order. With two in flight, a batch's tail (its last
 * writes, its snapshot write, the detector pass) overlaps the next batch's decoding and engine
 * work; the pipeline keeps the batches' CPU parts in order (`cpuTail`), so the results are those
 * of one batch at a time. On a failure, no further batch is read: the ones in flight settle and
 * the first error is thrown.
 */
export async function processInOrder<B, R>(
  batches: AsyncIterable<B>,
  process: (batch: B) => Promise<R>,
  onResult: (batch: B, result: R) => void,
  depth = 2,
): Promise<void> {
  if (!Number.isInteger(depth) || depth < 1) {
    throw new RangeError(`depth must be an integer ≥ 1, got ${depth}`);
  }
  const queue: Array<{ batch: B; result: Promise<R> }> = [];
  const next = async (): Promise<void> => {
    const head = queue.shift()!;
    onResult(head.batch, await head.result);
  };
  try {
    for await (const batch of batches) {
      const result = process(batch);
      // Settled here so that a failure while an earlier batch is awaited is not unhandled.
      result.catch(() => undefined);
      queue.push({ batch, result });
      if (queue.length >= depth) await next();
    }
    while (queue.length > 0) await next();
  } catch (err) {
    await Promise.allSettled(queue.map((q) => q.result));
    throw err;
  }
}
