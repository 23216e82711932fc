import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { DEAD_LETTER_TOPIC_CONFIG } from '../../streams/dead-letter/index.ts';
import {
  committedOffsets,
  createTestKafka,
  createTopic,
  endOffsets,
  produce,
  testNames,
  waitForGroupDrained,
} from '../helpers/kafka-utils.ts';
import { makeEvents } from './pipeline-fixtures.ts';
import { readStoredState, startServiceProcess, type ServiceProcess } from './pipeline-processes.ts';

const brokers = inject('kafkaBrokers');
const kafka = createTestKafka(brokers);
const dataDir = mkdtempSync(join(tmpdir(), 'vigie-crash-'));
const children: ServiceProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

const drained = (group: string, topic: string) => waitForGroupDrained(kafka, group, topic);

describe('kill -9 in the middle of a batch', () => {
  it('restarts into exactly the features of a clean run', async () => {
    const names = testNames('pl-crash');
    await createTopic(kafka, names.main, 2);
    await createTopic(kafka, names.priority, 1);
    await createTopic(kafka, names.deadLetter, 1, DEAD_LETTER_TOPIC_CONFIG);
    const events = makeEvents({ seed: 5, sellers: 24, perSeller: 40, fixedPrice: true });
    const resent = events.filter((_, i) => i % 25 === 0);
    await produce(
      kafka,
      names.main,
      [...events, ...resent].map((e) => ({ key: e.seller_id, value: JSON.stringify(e) })),
      { perSend: 80 },
    );
    const env = (group: string, database: string): Record<string, string> => ({
      KAFKA_BROKERS: brokers,
      VIGIE_INPUT_TOPIC: names.main,
      VIGIE_PRIORITY_TOPIC: names.priority,
      VIGIE_DEAD_LETTER_TOPIC: names.deadLetter,
      VIGIE_GROUP_ID: group,
      VIGIE_DATA_DIR: dataDir,
      CLICKHOUSE_DATABASE: database,
      // Small fetches (~50 events a batch) stored in chunks of 20: the crash below falls after
      // part of a batch is stored, before that batch is committed, and after earlier batches were.
      VIGIE_FETCH_MAX_BYTES: '16384',
      VIGIE_BATCH_SIZE: '20',
      // The killed member holds its partitions until its session times out.
      VIGIE_SESSION_TIMEOUT_MS: '6000',
    });

    // 1. A run killed (SIGKILL) right after the 7th chunk's events are stored. Two partitions of
    // ~3 chunks a batch: chunk 7 belongs to a second batch, fetched only after a first one was
    // committed.
    const crashed = startServiceProcess({
      ...env(names.group, 'crashed'),
      VIGIE_TEST_CRASH_AFTER_STORE: '7',
    });
    children.push(crashed);
    const end1 = await crashed.exited;
    expect(end1.signal, crashed.log()).toBe('SIGKILL');
    const committedAtCrash = await committedOffsets(kafka, names.group, names.main);
    const end = await endOffsets(kafka, names.main);
    const behind = [...end].filter(([p, high]) => (committedAtCrash.get(p) ?? -1n) < high);
    expect(behind.length).toBeGreaterThan(0); // the crashed batch was not committed
    expect([...committedAtCrash.values()].some((o) => o > 0n)).toBe(true); // earlier ones were

    // 2. Restart on the same store and group; then SIGTERM: finish, commit, exit 0.
    const restarted = startServiceProcess(env(names.group, 'crashed'));
    children.push(restarted);
    await drained(names.group, names.main);
    restarted.child.kill('SIGTERM');
    expect(await restarted.exited, restarted.log()).toEqual({ code: 0, signal: null });

    // 3. A clean run of the same input, in its own group and database.
    const clean = startServiceProcess(env(`${names.group}.clean`, 'clean'));
    children.push(clean);
    await drained(`${names.group}.clean`, names.main);
    clean.child.kill('SIGTERM');
    expect(await clean.exited, clean.log()).toEqual({ code: 0, signal: null });

    const afterCrash = readStoredState(dataDir, 'crashed');
    const cleanRun = readStoredState(dataDir, 'clean');
    expect(cleanRun.events).toEqual({ rows: events.length, ids: events.length });
    expect(afterCrash.events).toEqual(cleanRun.events);
    expect(Object.keys(cleanRun.features)).toHaveLength(24);
    expect(afterCrash.features).toEqual(cleanRun.features);
    // The features are real: the engine counted takedowns and re-listings.
    const totals = Object.values(cleanRun.features).map((f) => Number(f.takedowns_total));
    expect(totals.some((t) => t > 0)).toBe(true);
  });
});
