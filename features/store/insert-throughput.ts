/**
 * Insert throughput on embedded chDB, 100k `events` rows per insert, JSONCompactEachRow (what the
 * executor sends) vs JSONEachRow. Run: `npx tsx features/store/insert-throughput.ts [rows] [runs]`.
 * Each run inserts into an empty table; the median of the runs is printed. "engine" times only
 * the insert of a ready Buffer; "end to end" adds row validation and serialisation in JS.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Session } from 'chdb';
import { decodeRecord } from '../../streams/contract/index.ts';
import { createExecutor } from './executor.ts';
import { migrate } from './migrations/index.ts';
import { eventsTable, toEventRow, type EventRow } from './tables/events.ts';

const rows = Number(process.argv[2] ?? 100_000);
const runs = Number(process.argv[3] ?? 5);
const DAY = 86_400_000;

function makeRows(n: number): EventRow[] {
  const start = Date.now() - 30 * DAY;
  return Array.from({ length: n }, (_, i) => {
    const value = {
      event_id: `evt-${i.toString(36).padStart(8, '0')}`,
      type: 'listing.published',
      occurred_at: new Date(start + i * 1_000).toISOString(),
      seller_id: `seller-${i % 5_000}`,
      listing_id: `listing-${i}`,
      title: `Poupée reborn réaliste ${i % 97} – très bon état, livraison offerte`,
      description: 'Poupée vintage en vinyle, yeux bleus, cheveux blonds, vendue avec deux robes.',
      category: 'toys/dolls',
      price: { amount: 10 + (i % 50), currency: 'EUR' },
      image_hashes: ['9f2c6a1be0d4c3a2b1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8'],
    };
    const decoded = decodeRecord(JSON.stringify(value));
    if (!decoded.ok) throw new Error(decoded.reason);
    return toEventRow(decoded.event, {
      raw: JSON.stringify(value),
      origin: { kind: 'kafka', topic: 'marketplace.events', partition: i % 6, offset: String(i) },
      receivedAt: Date.now(),
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-insert-bench-'));
  const executor = await createExecutor({ dataDir: dir, database: 'bench' });
  const session = new Session(dir); // the same engine connection (chDB shares one per directory)
  try {
    await migrate(executor);
    const data = makeRows(rows);
    const compactValues = eventsTable.toValues(data);
    const compact = Buffer.from(compactValues.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const objects = Buffer.from(
      compactValues
        .map((r) =>
          JSON.stringify(Object.fromEntries(eventsTable.columns.map((c, i) => [c, r[i]]))),
        )
        .join('\n') + '\n',
    );
    const timings: Record<string, number[]> = {
      'engine JSONCompactEachRow': [],
      'engine JSONEachRow': [],
      'end to end (executor, JSONCompactEachRow)': [],
    };
    for (let run = 0; run < runs; run += 1) {
      for (const [label, format, payload] of [
        ['engine JSONCompactEachRow', 'JSONCompactEachRow', compact],
        ['engine JSONEachRow', 'JSONEachRow', objects],
      ] as const) {
        await executor.command('TRUNCATE TABLE events');
        const t = performance.now();
        await session.insert({
          table: 'bench.events',
          columns: eventsTable.columns,
          format,
          values: payload,
        });
        timings[label]!.push(performance.now() - t);
      }
      await executor.command('TRUNCATE TABLE events');
      const t = performance.now();
      await eventsTable.insert(executor, data, { batchSize: rows });
      timings['end to end (executor, JSONCompactEachRow)']!.push(performance.now() - t);
    }
    console.log(
      `${rows} events rows, ${runs} runs, median; payload ${(compact.length / 1e6).toFixed(1)} MB compact, ${(objects.length / 1e6).toFixed(1)} MB objects`,
    );
    for (const [label, ms] of Object.entries(timings)) {
      const m = median(ms);
      console.log(
        `${label.padEnd(44)} ${m.toFixed(0).padStart(6)} ms  ${Math.round(rows / (m / 1000)).toLocaleString('en')} rows/s`,
      );
    }
  } finally {
    session.close();
    await executor.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
