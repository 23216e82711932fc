import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as ClickHouseContainers from '@testcontainers/clickhouse';
import {
  createExecutor,
  FEATURE_COLUMNS,
  type ClickHouseExecutor,
  type FeatureColumn,
  type SellerFeaturesRow,
} from '../../features/store/index.ts';

/**
 * ClickHouse for integration tests. chDB always (one temporary data directory per test file,
 * since a process opens one directory; one database per test). A server when CLICKHOUSE_URL is
 * set or a Docker engine answers (testcontainers); otherwise the server backend carries the
 * reason it is skipped, for the test name.
 */
export interface ClickHouseBackend {
  readonly name: 'chdb' | 'server';
  /** Why this backend cannot run here; undefined when it can. */
  readonly skipReason?: string;
  /** A new executor on a new, empty database. */
  executor(label?: string): Promise<ClickHouseExecutor>;
  /** Closes every executor handed out and removes their data. */
  cleanup(): Promise<void>;
}

let databaseCounter = 0;

/** Distinct per process and per call, deterministic within a run. */
export function uniqueDatabase(label = 'db'): string {
  databaseCounter += 1;
  const safe = label.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 32);
  return `vt_${process.pid}_${databaseCounter}_${safe}`;
}

/** Embedded chDB under a fresh temporary directory. */
export function chdbBackend(): ClickHouseBackend {
  let dataDir: Promise<string> | undefined;
  const opened: ClickHouseExecutor[] = [];
  return {
    name: 'chdb',
    async executor(label) {
      dataDir ??= mkdtemp(join(tmpdir(), 'vigie-store-'));
      const executor = await createExecutor({
        dataDir: await dataDir,
        database: uniqueDatabase(label),
      });
      opened.push(executor);
      return executor;
    },
    async cleanup() {
      for (const executor of opened.splice(0)) await executor.close();
      if (dataDir) await rm(await dataDir, { recursive: true, force: true });
      dataDir = undefined;
    },
  };
}

function serverAt(url: string, stop?: () => Promise<void>): ClickHouseBackend {
  const opened: ClickHouseExecutor[] = [];
  return {
    name: 'server',
    async executor(label) {
      const executor = await createExecutor({ url, dataDir: '', database: uniqueDatabase(label) });
      opened.push(executor);
      return executor;
    },
    async cleanup() {
      for (const executor of opened.splice(0)) {
        await executor
          .command(`DROP DATABASE IF EXISTS ${executor.database} SYNC`)
          .catch(() => undefined);
        await executor.close();
      }
      await stop?.();
    },
  };
}

function skipped(reason: string): ClickHouseBackend {
  return {
    name: 'server',
    skipReason: reason,
    executor: () => Promise.reject(new Error(`server backend skipped: ${reason}`)),
    cleanup: async () => undefined,
  };
}

function dockerEndpoints(): Array<{ socketPath: string } | { host: string; port: number }> {
  const dockerHost = process.env.DOCKER_HOST;
  if (dockerHost) {
    if (dockerHost.startsWith('unix://')) return [{ socketPath: dockerHost.slice(7) }];
    const tcp = /^tcp:\/\/([^:/]+):(\d+)/.exec(dockerHost);
    return tcp?.[1] && tcp[2] ? [{ host: tcp[1], port: Number(tcp[2]) }] : [];
  }
  const runtimeDir = process.env.XDG_RUNTIME_DIR;
  return [
    '/var/run/docker.sock',
    ...(runtimeDir ? [join(runtimeDir, 'docker.sock')] : []),
    join(homedir(), '.docker', 'run', 'docker.sock'),
  ]
    .filter((path) => existsSync(path))
    .map((socketPath) => ({ socketPath }));
}

function dockerPing(
  endpoint: { socketPath: string } | { host: string; port: number },
): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ ...endpoint, path: '/_ping', method: 'GET', timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Image for the testcontainers path; override with VIGIE_TEST_CLICKHOUSE_IMAGE. */
const DEFAULT_SERVER_IMAGE = 'clickhouse/clickhouse-server:25.8';

/**
 * A ClickHouse server: CLICKHOUSE_URL when set, else a container when a Docker engine answers
 * (probed by hand, so machines without Docker neither load testcontainers nor wait on it), else
 * a skipped backend that says why.
 */
export async function serverBackend(): Promise<ClickHouseBackend> {
  const url = process.env.CLICKHOUSE_URL;
  if (url) return serverAt(url);
  let docker = false;
  for (const endpoint of dockerEndpoints()) {
    if (await dockerPing(endpoint)) {
      docker = true;
      break;
    }
  }
  if (!docker)
    return skipped('no ClickHouse server: CLICKHOUSE_URL unset and no Docker engine answers');
  let mod: typeof ClickHouseContainers;
  try {
    // Loaded only here: testcontainers 12 pulls undici 8, which needs Node 22 to load at all.
    mod = await import('@testcontainers/clickhouse');
  } catch (err) {
    return skipped(
      `@testcontainers/clickhouse cannot load on Node ${process.versions.node}: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  const image = process.env.VIGIE_TEST_CLICKHOUSE_IMAGE ?? DEFAULT_SERVER_IMAGE;
  const container = await new mod.ClickHouseContainer(image).start();
  const base = new URL(container.getHttpUrl());
  base.username = encodeURIComponent(container.getUsername());
  base.password = encodeURIComponent(container.getPassword());
  return serverAt(base.toString(), async () => {
    await container.stop();
  });
}

/** chDB, then the server backend (possibly skipped). */
export async function clickHouseBackends(): Promise<ClickHouseBackend[]> {
  return [chdbBackend(), await serverBackend()];
}

/** A `seller_features` row: every feature 0 unless given. */
export function featureRow(
  sellerId: string,
  asOf: number,
  computedAt: number,
  values: Partial<Record<FeatureColumn, number>> = {},
  evidence = '{}',
): SellerFeaturesRow {
  const features = Object.fromEntries(FEATURE_COLUMNS.map((f) => [f, values[f] ?? 0])) as Record<
    FeatureColumn,
    number
  >;
  return { seller_id: sellerId, as_of: asOf, computed_at: computedAt, ...features, evidence };
}

/** Wraps an executor and counts `insert` calls; everything still runs on the real engine. */
export function countingExecutor(inner: ClickHouseExecutor): ClickHouseExecutor & {
  inserts: Array<{ table: string; rows: number }>;
} {
  const inserts: Array<{ table: string; rows: number }> = [];
  return {
    kind: inner.kind,
    database: inner.database,
    inserts,
    command: (sql, options) => inner.command(sql, options),
    query: (sql, options) => inner.query(sql, options),
    async insert(table, columns, rows) {
      inserts.push({ table, rows: rows.length });
      await inner.insert(table, columns, rows);
    },
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
}
