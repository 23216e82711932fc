import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ClickHouseExecutor } from '../../features/store/index.ts';
import type { Logger } from '../shared/logger.ts';

export interface AppMetrics {
  readonly registry: Registry;
  check(action: string, seconds: number): void;
}

/**
 * The API's own metrics, plus flags by kind and status read from the store at each scrape (the
 * store is the truth when several processes raise and review flags).
 */
export function createAppMetrics(
  executor: ClickHouseExecutor,
  logger: Logger,
  indexSize: () => number,
): AppMetrics {
  const registry = new Registry();
  const registers = [registry];
  const checks = new Counter({
    name: 'vigie_listing_checks_total',
    help: 'Pre-publication checks answered, by recommended action.',
    labelNames: ['action'],
    registers,
  });
  const checkSeconds = new Histogram({
    name: 'vigie_listing_check_seconds',
    help: 'Time to answer a pre-publication check.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers,
  });
  new Gauge({
    name: 'vigie_takedown_index_versions',
    help: 'Taken-down listing versions held in memory for pre-publication checks.',
    registers,
    collect() {
      this.set(indexSize());
    },
  });
  new Gauge({
    name: 'vigie_flags',
    help: 'Flags in the store, by kind and current status.',
    labelNames: ['kind', 'status'],
    registers,
    async collect() {
      try {
        const rows = await executor.query<{ kind: string; status: string; n: string }>(
          `SELECT kind, status, toString(count()) AS n FROM flags_current
           ARRAY JOIN kinds AS kind GROUP BY kind, status`,
        );
        this.reset();
        for (const r of rows) this.set({ kind: r.kind, status: r.status }, Number(r.n));
      } catch (err) {
        logger.warn({ code: (err as { code?: string }).code }, 'flag metrics unavailable');
      }
    },
  });
  return {
    registry,
    check(action, seconds) {
      checks.inc({ action });
      checkSeconds.observe(seconds);
    },
  };
}
