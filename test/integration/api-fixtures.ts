// Shared by the API integration tests: the real store (chDB, a fresh database), the real
// pipeline with the feature engine, the detector loop, and the API over createApiDeps.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import {
  createExecutor,
  createStore,
  type ClickHouseExecutor,
  type Store,
} from '../../features/store/index.ts';
import type { MarketplaceEvent } from '../../streams/contract/index.ts';
import { createCollectingDeadLetterSink } from '../../streams/dead-letter/index.ts';
import {
  createApi,
  createKey,
  loadApiConfig,
  ROLES,
  type Api,
  type ApiOptions,
  type Role,
} from '../../services/api/index.ts';
import { createApiDeps, type AppDeps } from '../../services/app/index.ts';
import {
  createDetectorService,
  loadDetectorConfig,
  type DetectorService,
} from '../../services/detector/index.ts';
import {
  createPipeline,
  defaultOpenBackend,
  type IngestionBackend,
  type Pipeline,
} from '../../services/pipeline/index.ts';
import { uniqueDatabase } from '../helpers/clickhouse.ts';

export const logger = pino({ level: 'silent' });

/** Text kept for ten years, so fixed 2026 event times are not blanked by the text TTL. */
const TEXT_TTL_DAYS = 3650;

export interface ApiHarness {
  readonly dataDir: string;
  readonly executor: ClickHouseExecutor;
  readonly store: Store;
  readonly detector: DetectorService;
  readonly pipeline: Pipeline;
  readonly deps: AppDeps;
  readonly app: Api;
  readonly keysFile: string;
  /** One secret per role, key id = the role's name. */
  readonly secrets: Record<Role, string>;
  headers(role: Role | undefined, extra?: Record<string, string>): Record<string, string>;
  /** POST /v1/events with these events as NDJSON (as the platform key). */
  ingest(events: readonly unknown[]): Promise<{ status: number; body: Record<string, unknown> }>;
  count(table: string): Promise<number>;
  close(): Promise<void>;
}

export async function openApiHarness(
  label: string,
  apiOptions?: Partial<ApiOptions>,
): Promise<ApiHarness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vigie-api-'));
  const database = uniqueDatabase(label);
  const executor = await createExecutor({ dataDir, database });
  const store = createStore({ executor, logger, textTtlDays: TEXT_TTL_DAYS });
  await store.migrate();
  const backend: IngestionBackend = await defaultOpenBackend({
    dataDir,
    database,
    textTtlDays: TEXT_TTL_DAYS,
    logger,
  });
  const detector = createDetectorService({
    config: loadDetectorConfig({}),
    store,
    logger,
    kafka: null,
    schedule: false,
  });
  await detector.start();
  const pipeline = createPipeline({
    store: backend.store,
    features: backend.features,
    deadLetters: createCollectingDeadLetterSink(),
    logger,
    onChanged: (ids) => detector.onChanged(ids),
  });
  const keysFile = join(dataDir, 'api-keys.json');
  const secrets = {} as Record<Role, string>;
  for (const role of ROLES) secrets[role] = (await createKey(keysFile, role, role)).secret;
  // Refreshes only on demand (ingest, erase): the tests do not depend on a timer.
  const config = loadApiConfig({ VIGIE_CHECK_REFRESH_S: '86400' });
  const deps = await createApiDeps({
    executor,
    store,
    detector: detector.loop,
    ingest: pipeline,
    logger,
    config,
    keysFile,
    registries: [pipeline.metrics.registry],
  });
  const app = await createApi(deps, {
    jsonBodyLimit: 256 * 1024,
    ingestBodyLimit: 16 * 1024 * 1024,
    rateLimitPerMinute: 100_000,
    ...apiOptions,
  });

  const headers = (role: Role | undefined, extra: Record<string, string> = {}) => ({
    ...(role ? { authorization: `Bearer ${secrets[role]}` } : {}),
    ...extra,
  });

  return {
    dataDir,
    executor,
    store,
    detector,
    pipeline,
    deps,
    app,
    keysFile,
    secrets,
    headers,
    async ingest(events) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: headers('platform', { 'content-type': 'application/x-ndjson' }),
        payload: events.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join('\n'),
      });
      return { status: res.statusCode, body: res.json() as Record<string, unknown> };
    },
    async count(table) {
      const rows = await executor.query<{ n: string }>(`SELECT count() AS n FROM ${table}`);
      return Number(rows[0]?.n ?? 0);
    },
    async close() {
      await app.close();
      await deps.close();
      await pipeline.stop();
      await detector.close();
      await backend.close();
      await store.close();
      await executor.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Builds contract events with fixed ids and times (hours after `t0`). */
export function eventMaker(t0: number) {
  let n = 0;
  const at = (hours: number) => new Date(t0 + hours * 3_600_000).toISOString();
  const base = (seller: string, hours: number) => ({
    event_id: `ev-${++n}`,
    seller_id: seller,
    occurred_at: at(hours),
  });
  return {
    at,
    registered: (
      seller: string,
      hours: number,
      identifiers: Record<string, string>,
    ): MarketplaceEvent => ({ ...base(seller, hours), type: 'seller.registered', identifiers }),
    published: (
      seller: string,
      hours: number,
      listing: string,
      title: string,
      description: string,
      imageHashes?: string[],
    ): MarketplaceEvent => ({
      ...base(seller, hours),
      type: 'listing.published',
      listing_id: listing,
      title,
      description,
      category: 'misc/test',
      price: { amount: 20, currency: 'EUR' },
      ...(imageHashes ? { image_hashes: imageHashes } : {}),
    }),
    takenDown: (
      seller: string,
      hours: number,
      listing: string,
      opts: {
        category?: string;
        ground?: string;
        source?: string;
        automated?: boolean;
        notice?: string;
      } = {},
    ): MarketplaceEvent =>
      ({
        ...base(seller, hours),
        type: 'listing.taken_down',
        listing_id: listing,
        decision_ground: opts.ground ?? 'DECISION_GROUND_ILLEGAL_CONTENT',
        category: opts.category ?? 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
        source_type: opts.source ?? 'SOURCE_ARTICLE_16',
        automated_detection: opts.automated ?? false,
        ...(opts.notice ? { notice_id: opts.notice } : {}),
      }) as MarketplaceEvent,
    notice: (
      seller: string,
      hours: number,
      notice: string,
      listing: string,
      notifier: 'trusted_flagger' | 'user' | 'authority',
      category = 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
    ): MarketplaceEvent =>
      ({
        ...base(seller, hours),
        type: 'notice.received',
        notice_id: notice,
        listing_id: listing,
        notifier_type: notifier,
        category,
      }) as MarketplaceEvent,
    sanctioned: (
      seller: string,
      hours: number,
      action: 'warning' | 'suspension' | 'termination',
    ): MarketplaceEvent => ({ ...base(seller, hours), type: 'seller.sanctioned', action }),
  };
}

/** Error bodies must never carry a stack trace or source locations. */
export function leaksInternals(text: string): boolean {
  return /\bat .+\(.+:\d+:\d+\)|node_modules|\.ts:\d+|"stack"|Error: /.test(text);
}
