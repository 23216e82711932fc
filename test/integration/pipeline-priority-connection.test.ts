import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createExecutor, type ClickHouseExecutor } from '../../features/store/executor.ts';
import { createStore } from '../../features/store/writer.ts';
import { createPipeline } from '../../services/pipeline/index.ts';
import { createPipelineStore } from '../../services/pipeline/store-adapter.ts';
import { createLogDeadLetterSink } from '../../streams/dead-letter/index.ts';
import { uniqueDatabase } from '../helpers/clickhouse.ts';
import { createCountingStage, fileRecords, makeEvents } from './pipeline-fixtures.ts';

/**
 * The priority lane on a chDB connection of its own (`priorityStore`): a trusted-flagger
 * notice's lookups and writes do not queue behind the main lane's inserts on the shared
 * connection. Both connections are real chDB sessions over one data directory.
 */
const logger = pino({ level: 'silent' });
const dataDir = mkdtempSync(join(tmpdir(), 'vigie-priority-connection-'));
const executors: ClickHouseExecutor[] = [];

afterAll(async () => {
  for (const e of executors.splice(0)) await e.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The executor, with each statement's kind and table (inserts) or first table read logged. */
function logged(executor: ClickHouseExecutor, name: string, log: string[]): ClickHouseExecutor {
  const table = (sql: string) => /\bFROM\s+(\w+)/i.exec(sql)?.[1] ?? '?';
  return {
    ...executor,
    query: (sql, opts) => {
      log.push(`${name} read ${table(sql)}`);
      return executor.query(sql, opts);
    },
    insert: (into, columns, rows, opts) => {
      log.push(`${name} insert ${into}`);
      return executor.insert(into, columns, rows, opts);
    },
  } as ClickHouseExecutor;
}

describe('the priority lane on a connection of its own', () => {
  it('sends each lane’s statements on its own connection; both see every row', async () => {
    const database = uniqueDatabase('priority_connection');
    const shared = await createExecutor({ dataDir, database, logger });
    const own = await createExecutor({ dataDir, database, logger, ownConnection: true });
    executors.push(own, shared);
    const log: string[] = [];
    const main = createStore({ executor: logged(shared, 'shared', log), logger });
    await main.migrate();
    const priority = createStore({ executor: logged(own, 'own', log), logger });
    const store = createPipelineStore({ store: main, priorityStore: priority, logger });
    const pipeline = createPipeline({
      store,
      features: createCountingStage(),
      deadLetters: createLogDeadLetterSink(logger),
      logger,
    });

    const ordinary = makeEvents({ seed: 7, sellers: 5, perSeller: 4 });
    log.length = 0;
    const first = await pipeline.process({
      records: fileRecords(ordinary, 'main.ndjson'),
      ack: async () => undefined,
    });
    const mainStatements = log.splice(0);
    // The priority lane re-reads its sellers from the store (another instance may own them).
    const notice = makeEvents({ seed: 7, sellers: 1, perSeller: 1, prefix: 'p' });
    const second = await pipeline.process({
      records: fileRecords(notice, 'priority.ndjson'),
      priority: true,
      ack: async () => undefined,
    });
    const priorityStatements = log.splice(0);

    expect(first.accepted).toBe(20);
    expect(second.accepted).toBe(1);
    expect(mainStatements.length).toBeGreaterThan(0);
    expect(mainStatements.every((s) => s.startsWith('shared '))).toBe(true);
    expect(priorityStatements).toEqual(
      expect.arrayContaining([
        'own read events',
        'own insert events',
        'own insert seller_features',
      ]),
    );
    expect(priorityStatements.every((s) => s.startsWith('own '))).toBe(true);
    // What either connection wrote is visible to the other.
    const count = async (ex: ClickHouseExecutor, sql: string) =>
      Number((await ex.query<{ n: string }>(sql))[0]!.n);
    for (const ex of [shared, own]) {
      expect(await count(ex, 'SELECT count() AS n FROM events FINAL')).toBe(21);
      expect(await count(ex, 'SELECT uniqExact(seller_id) AS n FROM seller_features')).toBe(6);
    }
  });
});
