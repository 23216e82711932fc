import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExecutor } from '../../features/store/index.ts';
import { runReplay } from '../../services/cli/commands/replay.ts';
import {
  defaultOpenBackend,
  defaultOpenFlagHook,
  type OpenFlagHook,
} from '../../services/pipeline/index.ts';
import { simulateMarketplace, writeNdjson } from '../../services/simulator/index.ts';
import { uniqueDatabase } from '../helpers/clickhouse.ts';

/**
 * `vigie replay` keeps two batches in flight (a batch's writes and detector pass overlap the next
 * batch's engine work), and the detector hook scores a batch while its snapshots are written. The pipeline keeps the batches' CPU parts in order, so the stored
 * snapshots and the flags must be exactly those of one batch at a time (real engine, detector and
 * chDB; small batches, so that many overlap).
 */
describe('replay with two batches in flight (chDB)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-in-flight-'));
  const file = join(dir, 'events.ndjson');
  const env = { ...process.env };

  beforeAll(async () => {
    process.env.CLICKHOUSE_URL = '';
    process.env.LOG_LEVEL = 'silent';
    process.env.VIGIE_TEXT_TTL_DAYS = '3650';
    const sim = simulateMarketplace({ sellers: 60, days: 20, seed: 7 });
    await writeNdjson(sim.events, file);
  });

  afterAll(() => {
    process.env = env;
    rmSync(dir, { recursive: true, force: true });
  });

  /** `sequential`: the detector hook runs only after the snapshots are written. */
  async function replay(inFlight: number, sequential = false) {
    const name = `${inFlight}${sequential ? '_seq' : ''}`;
    const database = uniqueDatabase(`in_flight_${name}`);
    process.env.CLICKHOUSE_DATABASE = database;
    const dataDir = join(dir, `data-${name}`);
    const flagsOut = join(dir, `flags-${name}.ndjson`);
    const openFlagHook: OpenFlagHook = sequential
      ? async (o) => ({ ...(await defaultOpenFlagHook(o)), readsStore: true })
      : defaultOpenFlagHook;
    const summary = await runReplay(
      file,
      { dataDir, batchSize: 150, flagsOut, inFlight },
      { openBackend: defaultOpenBackend, openFlagHook },
    );
    const executor = await createExecutor({ dataDir, database });
    try {
      // Every snapshot row, computed_at (the wall clock) aside.
      const snapshots = await executor.query<Record<string, unknown>>(
        `SELECT * EXCEPT computed_at FROM seller_features FINAL ORDER BY seller_id, as_of`,
      );
      const flags = readFileSync(flagsOut, 'utf8')
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      return { summary, snapshots, flags };
    } finally {
      await executor.close();
    }
  }

  it('stores the same snapshots and emits the same flags as one batch at a time', async () => {
    // The reference: one batch at a time, each batch's snapshots written before its detector
    // pass (the default hook overlaps the two, which must not change a flag either).
    const one = await replay(1, true);
    const two = await replay(2);
    expect(one.summary.accepted).toBeGreaterThan(1_000);
    expect(two.summary).toMatchObject({
      accepted: one.summary.accepted,
      duplicates: one.summary.duplicates,
      rejected: one.summary.rejected,
      flags_emitted: one.summary.flags_emitted,
    });
    expect(one.snapshots.length).toBeGreaterThan(one.summary.sellers);
    expect(two.snapshots).toEqual(one.snapshots);
    expect(two.flags.length).toBeGreaterThan(0);
    expect(two.flags).toEqual(one.flags);
  }, 180_000);
});
