import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { DEAD_LETTER_TOPIC_CONFIG } from '../../streams/dead-letter/index.ts';
import {
  createTestKafka,
  createTopic,
  produce,
  testNames,
  waitFor,
  waitForGroupDrained,
} from '../helpers/kafka-utils.ts';
import { makeEvents } from './pipeline-fixtures.ts';
import { readStoredState, startServiceProcess, type ServiceProcess } from './pipeline-processes.ts';

const brokers = inject('kafkaBrokers');
const kafka = createTestKafka(brokers);
const root = mkdtempSync(join(tmpdir(), 'vigie-scale-'));
const children: ServiceProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

const drained = (group: string, topic: string) => waitForGroupDrained(kafka, group, topic);

async function stop(service: ServiceProcess): Promise<void> {
  service.child.kill('SIGTERM');
  expect(await service.exited, service.log()).toEqual({ code: 0, signal: null });
}

describe('two instances in one consumer group', () => {
  it('split the partitions, and the union of their results is exactly a single run', async () => {
    const names = testNames('pl-scale');
    await createTopic(kafka, names.main, 4);
    await createTopic(kafka, names.priority, 1);
    await createTopic(kafka, names.deadLetter, 1, DEAD_LETTER_TOPIC_CONFIG);
    const env = (group: string, dir: string): Record<string, string> => ({
      KAFKA_BROKERS: brokers,
      VIGIE_INPUT_TOPIC: names.main,
      VIGIE_PRIORITY_TOPIC: names.priority,
      VIGIE_DEAD_LETTER_TOPIC: names.deadLetter,
      VIGIE_GROUP_ID: group,
      // chDB is embedded: each instance has its own store here (with a ClickHouse server they
      // would share one). Sellers are independent in this input, so nothing cross-seller is lost.
      VIGIE_DATA_DIR: join(root, dir),
      CLICKHOUSE_DATABASE: 'vigie',
    });
    const a = startServiceProcess(env(names.group, 'a'));
    const b = startServiceProcess(env(names.group, 'b'));
    children.push(a, b);
    // Both members hold partitions, disjoint, covering all four, before any event is produced.
    await waitFor(
      () => {
        const pa = a.assigned() ?? [];
        const pb = b.assigned() ?? [];
        const all = [...pa, ...pb].sort();
        return pa.length > 0 && pb.length > 0 && JSON.stringify(all) === '[0,1,2,3]';
      },
      { what: 'the group to settle on two members', timeoutMs: 60_000 },
    );
    const events = makeEvents({ seed: 9, sellers: 32, perSeller: 30, fixedPrice: true });
    const resent = events.filter((_, i) => i % 20 === 0);
    const messages = [...events, ...resent].map((e) => ({
      key: e.seller_id,
      value: JSON.stringify(e),
    }));
    await produce(kafka, names.main, messages, { perSend: 100 });
    await drained(names.group, names.main);
    await Promise.all([stop(a), stop(b)]);

    const single = startServiceProcess(env(`${names.group}.single`, 'single'));
    children.push(single);
    await drained(`${names.group}.single`, names.main);
    await stop(single);

    const sa = readStoredState(join(root, 'a'), 'vigie');
    const sb = readStoredState(join(root, 'b'), 'vigie');
    const one = readStoredState(join(root, 'single'), 'vigie');
    expect(sa.events.ids).toBeGreaterThan(0);
    expect(sb.events.ids).toBeGreaterThan(0);
    // Each event stored once, by exactly one instance.
    expect(sa.events.rows + sb.events.rows).toBe(events.length);
    expect(sa.events.ids + sb.events.ids).toBe(events.length);
    expect(one.events).toEqual({ rows: events.length, ids: events.length });
    // Each seller handled by one instance, with the features of a single-instance run.
    const sellersA = Object.keys(sa.features);
    const sellersB = Object.keys(sb.features);
    expect(sellersA.filter((s) => sellersB.includes(s))).toEqual([]);
    expect({ ...sa.features, ...sb.features }).toEqual(one.features);
    expect(Object.keys(one.features)).toHaveLength(32);
  });
});
