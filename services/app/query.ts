import { createHash } from 'node:crypto';
import {
  runReadonlyQuery,
  type ReadonlyLimits,
  type ReadonlyQueryParams,
  type Store,
} from '../../features/store/index.ts';
import type { QueryResult } from '../api/index.ts';
import type { AppConfig } from './types.ts';

export function readonlyLimits(config: AppConfig): Partial<ReadonlyLimits> {
  return {
    maxRows: config.VIGIE_QUERY_MAX_ROWS,
    maxBytes: config.VIGIE_QUERY_MAX_BYTES,
    maxSeconds: config.VIGIE_QUERY_MAX_SECONDS,
  };
}

/**
 * One read-only analyst statement (features/store `runReadonlyQuery`: parsed by ClickHouse, AST
 * guard, `readonly=1`, row/byte/time limits), audited once it ran: who, when, and the SHA-256
 * and length of the statement — not its text, whose literals may name sellers and which an
 * erasure could not reach in the audit log. Parameter values are not audited either (they are
 * such literals); their names are.
 */
export async function runAuditedQuery(
  store: Store,
  sql: string,
  actor: string,
  config: AppConfig,
  now: () => number = Date.now,
  params?: ReadonlyQueryParams,
): Promise<QueryResult> {
  const started = performance.now();
  const { rows, statement } = await runReadonlyQuery(
    store.executor,
    sql,
    readonlyLimits(config),
    params,
  );
  const elapsed = Math.round((performance.now() - started) * 1000) / 1000;
  await store.auditLog.insert([
    {
      at: now(),
      actor,
      action: 'query.run',
      target: '',
      detail: JSON.stringify({
        statement_sha256: createHash('sha256').update(statement).digest('hex'),
        statement_length: statement.length,
        params: Object.keys(params ?? {}).sort(),
        rows: rows.length,
        elapsed_ms: elapsed,
      }),
    },
  ]);
  await store.auditLog.flush();
  return { rows, elapsed_ms: elapsed };
}
