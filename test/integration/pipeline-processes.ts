// Runs the ingestion service (services/pipeline/main.ts) as real child processes, and reads a
// chDB store from a child process too (chDB opens one data directory per process).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { FEATURE_NAMES } from '../../features/engine/index.ts';

export interface ServiceProcess {
  child: ChildProcess;
  /** Partitions of the main topic assigned at the latest rebalance (from the service's log). */
  assigned(): number[] | undefined;
  /** Resolves with the exit code and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The service's log (JSON lines), for failure messages. */
  log(): string;
}

export function startServiceProcess(env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/pipeline/main.ts'], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let text = '';
  let assigned: number[] | undefined;
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    text += chunk;
    for (const line of chunk.split('\n')) {
      if (!line.includes('partitions assigned')) continue;
      try {
        const entry = JSON.parse(line) as { partitions?: number[]; groupId?: string };
        if (entry.groupId === env.VIGIE_GROUP_ID) assigned = entry.partitions;
      } catch {
        // a partial line: the next chunk completes it, and the next rebalance logs again
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, assigned: () => assigned, exited, log: () => text };
}

export interface StoredState {
  events: { rows: number; ids: number };
  /** Latest snapshot per seller: every feature value and the evidence. */
  features: Record<string, Record<string, unknown>>;
}

const READ_SCRIPT = `
const { createExecutor } = await import('./features/store/executor.ts');
const [dataDir, database, names] = process.argv.slice(1);
const ex = await createExecutor({ dataDir, database });
const cols = JSON.parse(names).map((n) => 'argMax(' + n + ', (as_of, computed_at)) AS ' + n).join(', ');
const [events] = await ex.query('SELECT count() AS rows, uniqExact(event_id) AS ids FROM events');
const rows = await ex.query('SELECT seller_id, ' + cols + ', argMax(evidence, (as_of, computed_at)) AS evidence, max(as_of) AS latest_as_of FROM seller_features GROUP BY seller_id ORDER BY seller_id');
const features = Object.fromEntries(rows.map(({ seller_id, ...rest }) => [seller_id, rest]));
process.stdout.write(JSON.stringify({ events: { rows: Number(events.rows), ids: Number(events.ids) }, features }));
await ex.close();
`;

/** Events and latest feature snapshots of a store, read by a separate process. */
export function readStoredState(dataDir: string, database: string): StoredState {
  const out = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      READ_SCRIPT,
      dataDir,
      database,
      JSON.stringify(FEATURE_NAMES),
    ],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  if (out.status !== 0) throw new Error(`reading ${database} failed: ${out.stderr}`);
  return JSON.parse(out.stdout) as StoredState;
}
