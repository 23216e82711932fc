import { join } from 'node:path';
import { z } from 'zod';
import { BaseEnvSchema, loadConfig } from '../shared/config.ts';

/**
 * Options of the HTTP API and of the analyst commands (`vigie query`, `vigie report`), from the
 * environment on top of the shared ones (VIGIE_DATA_DIR, CLICKHOUSE_URL, …). Every option has a
 * default; docs/api.md lists them.
 */
export const ApiEnvShape = {
  /** Address the API listens on. Default 127.0.0.1 (local only; put a TLS proxy in front). */
  VIGIE_API_HOST: z.string().min(1).default('127.0.0.1'),
  /** TCP port of the API; 0 picks a free one. Default 8080. */
  VIGIE_API_PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  /** API key file (hashed keys). Default `<data dir>/api-keys.json`. */
  VIGIE_API_KEYS_FILE: z.string().min(1).optional(),
  /** Largest JSON request body, bytes. Default 256 KiB. */
  VIGIE_API_BODY_LIMIT: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(256 * 1024),
  /** Largest NDJSON body of POST /v1/events, bytes. Default 16 MiB. */
  VIGIE_API_INGEST_LIMIT: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024)
    .default(16 * 1024 * 1024),
  /** Requests per minute per API key (per address before authentication). Default 6,000. */
  VIGIE_API_RATE_LIMIT: z.coerce.number().int().min(1).max(10_000_000).default(6_000),
  /** Rows a read-only query may return (more is an error). Default 10,000. */
  VIGIE_QUERY_MAX_ROWS: z.coerce.number().int().min(1).max(10_000_000).default(10_000),
  /** Bytes a read-only query result may hold. Default 16 MiB. */
  VIGIE_QUERY_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(16 * 1024 * 1024),
  /** Seconds a read-only query may run. Default 10. */
  VIGIE_QUERY_MAX_SECONDS: z.coerce.number().min(0.1).max(3_600).default(10),
  /** Seconds between refreshes of the taken-down listing index of /v1/listings/check. Default 10. */
  VIGIE_CHECK_REFRESH_S: z.coerce.number().min(0.1).max(86_400).default(10),
  /** Most listing versions in that index (oldest takedowns evicted first). Default 200,000. */
  VIGIE_CHECK_INDEX_MAX: z.coerce.number().int().min(1).max(10_000_000).default(200_000),
};

export const ApiEnvSchema = BaseEnvSchema.extend(ApiEnvShape);
export type ApiEnv = z.infer<typeof ApiEnvSchema>;

export function loadApiConfig(env?: Record<string, string | undefined>): ApiEnv {
  return loadConfig(ApiEnvSchema, env);
}

/** The key file: VIGIE_API_KEYS_FILE, else `api-keys.json` in the data directory in use. */
export function apiKeysFile(config: Pick<ApiEnv, 'VIGIE_API_KEYS_FILE'>, dataDir: string): string {
  return config.VIGIE_API_KEYS_FILE ?? join(dataDir, 'api-keys.json');
}

/** The HTTP layer's limits from the configuration. */
export function apiOptionsFrom(
  config: Pick<ApiEnv, 'VIGIE_API_BODY_LIMIT' | 'VIGIE_API_INGEST_LIMIT' | 'VIGIE_API_RATE_LIMIT'>,
): { jsonBodyLimit: number; ingestBodyLimit: number; rateLimitPerMinute: number } {
  return {
    jsonBodyLimit: config.VIGIE_API_BODY_LIMIT,
    ingestBodyLimit: config.VIGIE_API_INGEST_LIMIT,
    rateLimitPerMinute: config.VIGIE_API_RATE_LIMIT,
  };
}
