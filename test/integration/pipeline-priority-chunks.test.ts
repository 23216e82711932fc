import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createPipeline, type BatchResult } from '../../services/pipeline/index.ts';
import { createLogDeadLetterSink } from '../../streams/dead-letter/index.ts';
import { chdbBackend } from '../helpers/clickhouse.ts';
import {
  createCountingStage,
  fileRecords,
  makeEvents,
  migratedPipelineStore,
} from './pipeline-fixtures.ts';

/**
 * While a priority batch is in hand, the main lane starts its chunks at `priorityChunk` events
 * instead of `batchSize`, so that the notice waits for smaller engine calls and statements; once
 * the notice is done, chunks are full size again. Real chDB store.
 */
const logger = pino({ level: 'silent' });
const backend = chdbBackend();

afterAll(() => backend.cleanup());

/** A main run of 1,200 events in chunks of 50; a notice comes while its first chunk is applied. */
async function mainRunWithNotice(database: string, priorityChunk: number) {
  const { executor, store } = await migratedPipelineStore(backend, database, logger);
  const log: string[] = [];
  const counting = createCountingStage();
  let priorityRun: Promise<BatchResult> | undefined;
  const notice = makeEvents({ seed: 5, sellers: 1, perSeller: 1, prefix: 'p' });
  const pipeline = createPipeline({
    store,
    batchSize: 50,
    priorityChunk,
    features: {
      ...counting,
      async apply(events) {
        const priority = events[0]!.event.seller_id.startsWith('p');
        log.push(priority ? 'apply priority' : `apply main ${events.length}`);
        priorityRun ??= pipeline.process({
          records: fileRecords(notice, 'priority.ndjson'),
          priority: true,
          ack: async () => void log.push('priority acked'),
        });
        return counting.apply(events);
      },
    },
    deadLetters: createLogDeadLetterSink(logger),
    logger,
  });
  const main = makeEvents({ seed: 3, sellers: 200, perSeller: 6 });
  const result = await pipeline.process({
    records: fileRecords(main, 'main.ndjson'),
    ack: async () => undefined,
  });
  const priority = await priorityRun!;
  // Every event stored, and once.
  const [row] = await executor.query<{ n: string; u: string }>(
    'SELECT count() AS n, uniqExact(event_id) AS u FROM events',
  );
  return { log, result, priority, stored: [Number(row!.n), Number(row!.u)] };
}

const mainSizes = (log: string[]) =>
  log.filter((l) => l.startsWith('apply main')).map((l) => Number(l.split(' ')[2]));

describe('main-lane chunks while a notice is in hand', () => {
  it('are `priorityChunk` events from the notice’s arrival until it is done', async () => {
    const { log, result, priority, stored } = await mainRunWithNotice('priority_chunks', 10);
    expect(result.accepted).toBe(1_200);
    expect(priority.accepted).toBe(1);
    expect(stored).toEqual([1_201, 1_201]);
    // The chunk in progress when the notice came was full size; the notice took the lock next.
    expect(log.slice(0, 2)).toEqual(['apply main 50', 'apply priority']);
    const acked = log.indexOf('priority acked');
    expect(acked).toBeGreaterThan(2);
    const whileInHand = log.slice(2, acked).filter((l) => l.startsWith('apply main'));
    expect(whileInHand.length).toBeGreaterThan(0);
    expect(whileInHand.every((l) => l === 'apply main 10')).toBe(true);
    // Full size again once the notice was done (one chunk may start as its ack returns).
    // One chunk may start between its ack and its end; the last chunk is what is left.
    const after = mainSizes(log.slice(acked + 1));
    expect(after).toContain(50);
    expect(after.slice(1, -1).every((n) => n === 50)).toBe(true);
    expect(mainSizes(log).reduce((a, b) => a + b, 0)).toBe(1_200);
  });

  it('stay full size when `priorityChunk` is the batch size', async () => {
    const { log, result } = await mainRunWithNotice('priority_chunks_off', 50);
    expect(result.accepted).toBe(1_200);
    expect(mainSizes(log)).toEqual(Array.from({ length: 24 }, () => 50));
  });
});
