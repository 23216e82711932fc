/**
 * What the embedded ClickHouse (chDB) costs per ingested event, statement kind by statement kind.
 *
 *   npx tsx services/bench/chdb-cost.ts [events] [--seed N] [--chunk N] [--run N] [--idle S]
 *     [--ttl-days N]
 *
 * Simulates ~`events` events (services/simulator, 30 days, as services/bench/dataset.ts does),
 * decodes them as the pipeline does, and feeds them to a fresh chDB store opened and migrated as
 * the pipeline opens it, through the pipeline's own store adapter (services/pipeline/
 * store-adapter.ts) and the real feature engine stage: per chunk of `--chunk` events (default
 * 5,000) the `storedEventIds` lookup, then `writeEvents` (`previousVersions` lookup, inserts into
 * identifier_links, listing_texts, events); per run of `--run` events (default 20,000, the file
 * source's batch) one `writeSnapshots` of the sellers the run changed.
 *
 * Every statement goes through an instrumented executor that runs them one at a time and times
 * each with process.cpuUsage (user + system of the whole process: chDB's threads included) and,
 * per thread name, the threads' run time from /proc/self/task/<tid>/schedstat. chDB's background
 * merges run on its `MergeMutate` threads while the statements run; they are reported apart, and
 * again over `--idle` seconds (default 20) of idleness after the last insert. The JS side of an
 * insert (the rows' serialisation into the payload) is timed apart by encoding the same rows once
 * more, outside the statement's window. The engine's and row building's CPU is not counted as a
 * statement's, except where it runs during a statement's window (below).
 *
 * Prints JSON: per kind calls, rows (inserted, or returned by a query), CPU seconds, µs per
 * ingested event, wall seconds, CPU per thread name, and the CPU of every thread but the main
 * one (`off_main_*`); totals; parts per table; and digests of every table's content (FINAL), equal
 * before and after a change that must not change what is stored. The simulated events are
 * older than the default 180-day text TTL, so merges blank their text within moments of each
 * insert, and an edit builds on a blanked or an intact earlier version depending on timing: the
 * digests then vary between runs. `--ttl-days 3650` keeps the text (as in production, where
 * events are recent; 36500 days overflows DateTime and expires everything). Compare CPU figures
 * as minima of several runs.
 *
 * A statement's window is not the statement's alone: statements run one at a time, but the JS
 * does not wait for them, so the main thread's work during a window (the engine applying the next
 * chunk while the early previous-versions read is in flight, V8's garbage collection) is counted
 * in it. The `main` entry of `threads_s` shows how much; `off_main_cpu_s` (chDB's threads,
 * libuv's, named `libuv`, and V8's helpers, `node`: V8's concurrent GC stays in it) leaves the
 * main thread out. The fourteenth session took the previous-versions read's `cpu_s` (118 s at 1M
 * events, 77 of them on the main thread) for its cost, cached the versions instead, and measured
 * end to end that the read had cost far less than that (docs/performance.md).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { encodeInsert } from '../../features/store/chdb-executor.ts';
import { createExecutor, type ClickHouseExecutor } from '../../features/store/executor.ts';
import { createStore } from '../../features/store/writer.ts';
import type { RawRecord } from '../../streams/contract/index.ts';
import { decodeBatch } from '../pipeline/decode-batch.ts';
import { createEngineStage } from '../pipeline/engine-stage.ts';
import { createPipelineStore } from '../pipeline/store-adapter.ts';
import type { AcceptedEvent } from '../pipeline/types.ts';
import { simulatedLines } from './dataset.ts';
import { loadBenchConfig } from './config.ts';
import { nameLibuvPool, threadDelta, threadTimes } from './thread-cpu.ts';

interface ChdbCostOptions {
  events: number;
  seed: number;
  chunk: number;
  run: number;
  idleS: number;
  ttlDays: number;
}

function parseArgs(argv: readonly string[]): ChdbCostOptions {
  const options: ChdbCostOptions = {
    events: 300_000,
    seed: 42,
    chunk: 5_000,
    run: 20_000,
    idleS: 20,
    ttlDays: 180,
  };
  const flags: Record<string, keyof ChdbCostOptions> = {
    '--seed': 'seed',
    '--chunk': 'chunk',
    '--run': 'run',
    '--idle': 'idleS',
    '--ttl-days': 'ttlDays',
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    const flag = flags[arg];
    if (flag !== undefined) options[flag] = Number(argv[(i += 1)]);
    else if (/^\d+$/.test(arg)) options.events = Number(arg);
    else {
      throw new Error(
        `unknown argument ${arg}; usage: chdb-cost [events] [--seed N] [--chunk N] [--run N] [--idle S] [--ttl-days N]`,
      );
    }
  }
  for (const [name, value] of Object.entries(options)) {
    if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be an integer ≥ 0`);
  }
  return options;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

interface Cost {
  calls: number;
  rows: number;
  cpuMs: number;
  wallMs: number;
  threads: Record<string, number>;
}

const newCost = (): Cost => ({ calls: 0, rows: 0, cpuMs: 0, wallMs: 0, threads: {} });

function kindOf(sql: string): string {
  if (/DISTINCT event_id FROM events/.test(sql)) return 'query storedEventIds (events)';
  if (/FROM listing_texts FINAL/.test(sql)) return 'query previousVersions (listing_texts FINAL)';
  return 'query other';
}

/**
 * The executor as the store sees it, statements one at a time (concurrent calls wait), each
 * timed into `costs` by kind. `serialise` collects the JS encoding of insert payloads.
 */
function instrument(
  inner: ClickHouseExecutor,
  costs: Map<string, Cost>,
  serialise: Cost,
): ClickHouseExecutor {
  let chain: Promise<unknown> = Promise.resolve();
  /** `rows`: rows inserted, or for a query the rows it returned (counted from its answer). */
  async function timed<T>(
    kind: string,
    rows: number | ((answer: T) => number),
    fn: () => Promise<T>,
  ): Promise<T> {
    const run = chain.then(async () => {
      const threads0 = threadTimes();
      const c0 = cpuMs();
      const w0 = performance.now();
      let counted = typeof rows === 'number' ? rows : 0;
      try {
        const answer = await fn();
        if (typeof rows === 'function') counted = rows(answer);
        return answer;
      } finally {
        const w1 = performance.now();
        const c1 = cpuMs();
        const cost = costs.get(kind) ?? newCost();
        costs.set(kind, cost);
        cost.calls += 1;
        cost.rows += counted;
        cost.cpuMs += c1 - c0;
        cost.wallMs += w1 - w0;
        threadDelta(threads0, threadTimes(), cost.threads);
      }
    });
    chain = run.catch(() => undefined);
    return run;
  }
  return {
    kind: inner.kind,
    database: inner.database,
    command: (sql, opts) => timed('command', 0, () => inner.command(sql, opts)),
    query: <T>(
      sql: string,
      opts?: { params?: Record<string, unknown>; settings?: Record<string, string | number> },
    ) =>
      timed(
        kindOf(sql),
        (answer: T[]) => answer.length,
        () => inner.query<T>(sql, opts),
      ),
    async insert(table, columns, rows, opts) {
      // The payload encoding once more, outside the statement's window: the JS share of it.
      const c0 = cpuMs();
      encodeInsert(rows, opts?.types);
      serialise.cpuMs += cpuMs() - c0;
      serialise.calls += 1;
      serialise.rows += rows.length;
      return timed(`insert ${table}`, rows.length, () => inner.insert(table, columns, rows, opts));
    },
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
}

const round = (x: number, digits = 2) => +x.toFixed(digits);

/** Rows per digest page: a page's JSON must stay under V8's longest string (~512 MB). */
const DIGEST_PAGE_ROWS = 100_000;

/**
 * `rows:sha256` of a table's content (FINAL) in ORDER BY ALL order, each row hashed as its JSON
 * and a newline. Read in pages split on values of the first column (ORDER BY ALL sorts by it
 * first), so the pages come out in the same global order: the digest is the one a single query
 * would give, without a result too long for one string at 1M events.
 */
async function digestOf(executor: ClickHouseExecutor, table: string): Promise<string> {
  const [first] = await executor.query<{ name: string }>(
    `SELECT name FROM system.columns WHERE database = currentDatabase() AND table = {t:String}
     ORDER BY position LIMIT 1`,
    { params: { t: table } },
  );
  const column = first!.name;
  const marks = await executor.query<{ b: string }>(
    `SELECT b FROM (SELECT toString(${column}) AS b FROM ${table} FINAL ORDER BY b)
     WHERE rowNumberInAllBlocks() % ${DIGEST_PAGE_ROWS} = 0`,
  );
  const bounds = [...new Set(marks.map((m) => m.b))].sort((x, y) =>
    Buffer.compare(Buffer.from(x), Buffer.from(y)),
  );
  const hash = createHash('sha256');
  let rows = 0;
  for (let i = 0; i <= bounds.length; i++) {
    const conditions = [
      ...(i > 0 ? [`toString(${column}) >= {lo:String}`] : []),
      ...(i < bounds.length ? [`toString(${column}) < {hi:String}`] : []),
    ];
    const page = await executor.query<Record<string, unknown>>(
      `SELECT * FROM ${table} FINAL
       ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY ALL`,
      { params: { lo: bounds[i - 1] ?? '', hi: bounds[i] ?? '' } },
    );
    for (const row of page) hash.update(JSON.stringify(row)).update('\n');
    rows += page.length;
  }
  return `${rows}:${hash.digest('hex').slice(0, 16)}`;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  // libuv's pool (each statement's own work) apart from V8's helpers in `threads_s`.
  await nameLibuvPool(loadBenchConfig().UV_THREADPOOL_SIZE);
  const lines = simulatedLines(options.events, options.seed);
  const receivedAt = Date.UTC(2025, 0, 1);
  const computedAt = new Date(receivedAt);
  const logger = pino({ level: 'silent' });

  const dir = await mkdtemp(join(tmpdir(), 'vigie-chdb-cost-'));
  const raw = await createExecutor({ dataDir: dir, database: 'vigie' });
  const costs = new Map<string, Cost>();
  const serialise = newCost();
  const executor = instrument(raw, costs, serialise);
  try {
    const store = createStore({ executor, textTtlDays: options.ttlDays });
    await store.migrate();
    costs.clear();
    // Wired as services/pipeline/default-backend.ts does (the engine in memory mode).
    const features = createEngineStage({ store, logger });
    const adapter = createPipelineStore({ store, logger, minhash: features.minhash });

    const ingest0 = { cpu: cpuMs(), wall: performance.now(), threads: threadTimes() };
    let events = 0;
    let runChanged = new Set<string>();
    let outside = 0;
    for (let start = 0; start < lines.length; start += options.chunk) {
      const records: RawRecord[] = lines.slice(start, start + options.chunk).map((bytes, i) => ({
        bytes,
        origin: { kind: 'file', file: 'sim.ndjson', line: start + i + 1 },
        receivedAt,
      }));
      const o0 = cpuMs();
      const batch: AcceptedEvent[] = decodeBatch(records, computedAt).events;
      outside += cpuMs() - o0;
      const stored = await adapter.storedEventIds(batch.map((e) => e.event));
      const fresh = batch.filter((e) => !stored.has(e.event.event_id));
      const o1 = cpuMs();
      for (const id of await features.apply(fresh)) runChanged.add(id);
      outside += cpuMs() - o1;
      await adapter.writeEvents(fresh);
      events += fresh.length;
      const end = start + options.chunk >= lines.length;
      if (end || (start + options.chunk) % options.run === 0) {
        const o2 = cpuMs();
        const snapshots = features.snapshots([...runChanged].sort(), computedAt);
        outside += cpuMs() - o2;
        await adapter.writeSnapshots(snapshots);
        runChanged = new Set();
      }
    }
    const ingest1 = { cpu: cpuMs(), wall: performance.now(), threads: threadTimes() };
    const ingestThreads: Record<string, number> = {};
    threadDelta(ingest0.threads, ingest1.threads, ingestThreads);

    await new Promise((r) => setTimeout(r, options.idleS * 1000));
    const idle1 = { cpu: cpuMs(), threads: threadTimes() };
    const idleThreads: Record<string, number> = {};
    threadDelta(ingest1.threads, idle1.threads, idleThreads);

    const mergesNow = await raw.query<{ n: string }>('SELECT count() AS n FROM system.merges');
    const mergeEvents = await raw.query<{ event: string; value: string }>(
      `SELECT event, value FROM system.events
       WHERE event IN ('Merge', 'MergedRows', 'MergeTotalMilliseconds', 'MergedIntoCompactParts',
                       'MergedIntoWideParts', 'InsertedRows', 'InsertQuery', 'SelectQuery',
                       'InsertedCompactParts', 'InsertedWideParts')`,
    );
    const parts = await raw.query<{ table: string; parts: string; rows: string; bytes: string }>(
      `SELECT table, count() AS parts, sum(rows) AS rows, sum(bytes_on_disk) AS bytes
       FROM system.parts WHERE database = 'vigie' AND active GROUP BY table ORDER BY table`,
    );
    const digests: Record<string, string> = {};
    for (const table of ['events', 'listing_texts', 'identifier_links', 'seller_features']) {
      digests[table] = await digestOf(raw, table);
    }

    // Rows whose text a merge has already blanked (text TTL): their number, and so the digests,
    // depend on when merges ran, for events older than --ttl-days.
    const blanked = await raw.query<{ events: string; listing_texts: string }>(
      `SELECT (SELECT count() FROM events FINAL WHERE raw = '') AS events,
              (SELECT count() FROM listing_texts FINAL WHERE title = '' AND description = '')
                AS listing_texts`,
    );

    const perEvent = (ms: number) => round((ms * 1000) / events, 1);
    const threadsS = (t: Record<string, number>) =>
      Object.fromEntries(
        Object.entries(t)
          .filter(([, ms]) => ms >= 5)
          .sort((a, b) => b[1] - a[1])
          .map(([name, ms]) => [name, round(ms / 1000)]),
      );
    const kinds = [...costs.entries()].sort((a, b) => b[1].cpuMs - a[1].cpuMs);
    const statementsCpu = kinds.reduce((s, [, c]) => s + c.cpuMs, 0);
    const offMain = (t: Record<string, number>) =>
      Object.entries(t).reduce((sum, [name, ms]) => (name === 'main' ? sum : sum + ms), 0);
    const statementsOffMain = kinds.reduce((s, [, c]) => s + offMain(c.threads), 0);
    const report = {
      events,
      chunk: options.chunk,
      run: options.run,
      seed: options.seed,
      node: process.version,
      statements: Object.fromEntries(
        kinds.map(([kind, c]) => [
          kind,
          {
            calls: c.calls,
            rows: c.rows,
            cpu_s: round(c.cpuMs / 1000),
            us_per_event: perEvent(c.cpuMs),
            wall_s: round(c.wallMs / 1000),
            threads_s: threadsS(c.threads),
            off_main_cpu_s: round(offMain(c.threads) / 1000),
            off_main_us_per_event: perEvent(offMain(c.threads)),
          },
        ]),
      ),
      statements_cpu_s: round(statementsCpu / 1000),
      statements_us_per_event: perEvent(statementsCpu),
      statements_off_main_cpu_s: round(statementsOffMain / 1000),
      statements_off_main_us_per_event: perEvent(statementsOffMain),
      insert_js_serialisation: {
        cpu_s: round(serialise.cpuMs / 1000),
        us_per_event: perEvent(serialise.cpuMs),
      },
      ingest: {
        wall_s: round((ingest1.wall - ingest0.wall) / 1000),
        cpu_s: round((ingest1.cpu - ingest0.cpu) / 1000),
        engine_decode_snapshots_cpu_s: round(outside / 1000),
        threads_s: threadsS(ingestThreads),
      },
      idle: {
        seconds: options.idleS,
        cpu_s: round((idle1.cpu - ingest1.cpu) / 1000),
        threads_s: threadsS(idleThreads),
        merges_running_after: Number(mergesNow[0]?.n ?? 0),
      },
      engine_events: Object.fromEntries(mergeEvents.map((e) => [e.event, Number(e.value)])),
      parts: Object.fromEntries(
        parts.map((p) => [
          p.table,
          { parts: Number(p.parts), rows: Number(p.rows), mb: round(Number(p.bytes) / 1e6, 1) },
        ]),
      ),
      digests,
      text_blanked_rows: {
        events: Number(blanked[0]?.events ?? 0),
        listing_texts: Number(blanked[0]?.listing_texts ?? 0),
      },
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await raw.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
