import { VigieError } from '../../streams/errors.ts';

/**
 * Maps chDB and @clickhouse/client failures onto the one error tree. The raw engine text stays in
 * the message (the caller may need it: a syntax error points at the column) but callers log
 * `code` and `context`, never the message: engine text can echo literals such as seller ids.
 */

/**
 * ClickHouse codes that mean "try again later", not "this statement is wrong": network and
 * overload conditions. Everything else is a property of the statement and will fail again.
 */
const RETRIABLE_CLICKHOUSE_CODES = new Set([
  3, // UNEXPECTED_END_OF_FILE (connection cut mid-answer)
  202, // TOO_MANY_SIMULTANEOUS_QUERIES
  203, // NO_FREE_CONNECTION
  209, // SOCKET_TIMEOUT
  210, // NETWORK_ERROR
  242, // TABLE_IS_READ_ONLY (replica lost its keeper session)
  252, // TOO_MANY_PARTS (merges behind; back off)
  319, // UNKNOWN_STATUS_OF_INSERT
  425, // SYSTEM_ERROR
  999, // KEEPER_EXCEPTION
]);

const READONLY_CODE = 164;

/** Node socket errors and client timeouts: the server is not reachable right now. */
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function clickhouseCodeOf(err: Record<string, unknown>): number | undefined {
  if (typeof err.clickhouseCode === 'number') return err.clickhouseCode;
  // @clickhouse/client's ClickHouseError carries the numeric code as a string.
  if (typeof err.code === 'string' && /^\d+$/.test(err.code)) return Number(err.code);
  const match = typeof err.message === 'string' ? /^Code: (\d+)\./.exec(err.message) : null;
  return match ? Number(match[1]) : undefined;
}

function isNetworkError(err: Record<string, unknown>): boolean {
  if (typeof err.code === 'string' && NETWORK_ERROR_CODES.has(err.code)) return true;
  const cause = err.cause;
  if (cause && typeof cause === 'object' && cause !== err) {
    return isNetworkError(cause as Record<string, unknown>);
  }
  const message = typeof err.message === 'string' ? err.message : '';
  return /^Timeout error\b|socket hang up|connect ECONNREFUSED/i.test(message);
}

/** Wraps any executor failure in a VigieError (a VigieError passes through unchanged). */
export function toStoreError(
  err: unknown,
  operation: string,
  backend: 'chdb' | 'server',
): VigieError {
  if (err instanceof VigieError) return err;
  const record: Record<string, unknown> =
    err && typeof err === 'object' ? (err as Record<string, unknown>) : { message: String(err) };
  const raw = typeof record.message === 'string' ? record.message.trim() : String(err);
  const clickhouseCode = clickhouseCodeOf(record);
  const context: Record<string, unknown> = { operation, backend };
  if (clickhouseCode !== undefined) context.clickhouseCode = clickhouseCode;

  if (clickhouseCode === READONLY_CODE) {
    return new VigieError('READONLY_VIOLATION', `${operation} refused in read-only mode: ${raw}`, {
      context,
      cause: err,
    });
  }
  const chdbCode =
    typeof record.code === 'string' && record.code.startsWith('CHDB_') ? record.code : undefined;
  if (chdbCode === 'CHDB_CLOSED') {
    return new VigieError('STORE_UNAVAILABLE', `${operation} failed: the chDB session is closed`, {
      context,
      cause: err,
    });
  }
  if (chdbCode === 'CHDB_CONNECTION' || chdbCode === 'CHDB_TIMEOUT') {
    // A locked data directory (another process owns it) will not unlock by retrying soon.
    const locked = /Cannot lock file|only one active data directory/.test(raw);
    return new VigieError('STORE_UNAVAILABLE', `${operation} failed: ${raw}`, {
      retriable: !locked,
      context,
      cause: err,
    });
  }
  if (
    (clickhouseCode !== undefined && RETRIABLE_CLICKHOUSE_CODES.has(clickhouseCode)) ||
    (clickhouseCode === undefined && isNetworkError(record))
  ) {
    return new VigieError('STORE_UNAVAILABLE', `${operation} failed: ${raw}`, {
      retriable: true,
      context,
      cause: err,
    });
  }
  return new VigieError('STORE_QUERY_FAILED', `${operation} failed: ${raw}`, {
    context,
    cause: err,
  });
}
