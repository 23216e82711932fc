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
 * A run builds its snapshots a slice of sellers per hold of the lane lock, with a turn of the
 * event loop between two slices, so a priority batch that arrives meanwhile is applied between
 * two slices instead of after the whole run's snapshots, and its I/O completions do not wait for
 * all of them. Real chDB store.
 */
const logger = pino({ level: 'silent' });
const backend = chdbBackend();

afterAll(() => backend.cleanup());

describe('a large run’s snapshots, against a priority batch', () => {
  it('are built in chunk-sized slices, and a priority batch is applied between two', async () => {
    const { executor, store } = await migratedPipelineStore(backend, 'snapshot_slices', logger);

    const log: string[] = [];
    const counting = createCountingStage();
    let priorityRun: Promise<BatchResult> | undefined;
    const notice = makeEvents({ seed: 5, sellers: 1, perSeller: 1, prefix: 'p' });
    const pipeline = createPipeline({
      store,
      batchSize: 10,
      features: {
        ...counting,
        async apply(events) {
          log.push(`apply ${events[0]!.event.seller_id.startsWith('p') ? 'priority' : 'main'}`);
          return counting.apply(events);
        },
        snapshots(sellerIds, computedAt) {
          log.push(`snapshots ${sellerIds.length}`);
          // The priority batch comes while the main run builds its first slice.
          priorityRun ??= pipeline.process({
            records: fileRecords(notice, 'priority.ndjson'),
            priority: true,
            ack: async () => undefined,
          });
          return counting.snapshots(sellerIds, computedAt);
        },
      },
      deadLetters: createLogDeadLetterSink(logger),
      logger,
    });

    // 40 sellers, 240 events: 24 chunks of 10, then 40 sellers to snapshot, in 4 slices.
    const main = makeEvents({ seed: 3, sellers: 40, perSeller: 6 });
    const result = await pipeline.process({
      records: fileRecords(main, 'main.ndjson'),
      ack: async () => undefined,
    });
    const priority = await priorityRun!;

    expect(result.accepted).toBe(240);
    expect(result.changedSellers).toHaveLength(40);
    expect(priority.accepted).toBe(1);
    const main24 = Array.from({ length: 24 }, () => 'apply main');
    expect(log).toEqual([
      ...main24,
      'snapshots 10',
      'apply priority',
      // The main run's next slice was queued first for the lock; the priority batch's own
      // snapshot waits for that one slice.
      'snapshots 10',
      'snapshots 1',
      'snapshots 10',
      'snapshots 10',
    ]);
    // Every seller's snapshot is in the store once both runs are done.
    const [row] = await executor.query<{ n: string }>(
      'SELECT uniqExact(seller_id) AS n FROM seller_features',
    );
    expect(Number(row!.n)).toBe(41);
  });

  it('builds a run’s snapshots in slices, with a turn of the event loop between two', async () => {
    const { executor, store } = await migratedPipelineStore(backend, 'snapshot_turns', logger);

    const log: string[] = [];
    const counting = createCountingStage();
    const pipeline = createPipeline({
      store,
      batchSize: 10,
      snapshotSlice: 4,
      features: {
        ...counting,
        async apply(events) {
          log.push(`apply ${events.length}`);
          return counting.apply(events);
        },
        snapshots(sellerIds, computedAt) {
          log.push(`snapshots ${sellerIds.length}`);
          // Stands for an I/O completion that came while the first slice was built: it runs in
          // the next turn of the event loop, which must come before the next slice.
          if (log.length === 2) setImmediate(() => log.push('turn'));
          return counting.snapshots(sellerIds, computedAt);
        },
      },
      deadLetters: createLogDeadLetterSink(logger),
      logger,
    });

    // One chunk of 10 events from 10 sellers.
    const events = makeEvents({ seed: 7, sellers: 10, perSeller: 1 });
    const result = await pipeline.process({
      records: fileRecords(events, 'one-chunk.ndjson'),
      ack: async () => undefined,
    });

    expect(result.accepted).toBe(10);
    expect(log).toEqual(['apply 10', 'snapshots 4', 'turn', 'snapshots 4', 'snapshots 2']);
    const [row] = await executor.query<{ n: string }>(
      'SELECT uniqExact(seller_id) AS n FROM seller_features',
    );
    expect(Number(row!.n)).toBe(10);
  });
});
