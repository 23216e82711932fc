/**
 * One error tree for Vigie. Retry decisions read `retriable` only: a retriable error pauses the
 * pipeline and tries again; a non-retriable one about input sends that input to the dead letters.
 */
export const ERROR_CODES = [
  'INVALID_JSON',
  'SCHEMA_VIOLATION',
  'OVERSIZE_RECORD',
  'INVALID_CONFIG',
  'STORE_UNAVAILABLE',
  'STORE_QUERY_FAILED',
  'READONLY_VIOLATION',
  'BROKER_UNAVAILABLE',
  'MODEL_INVALID',
  'POLICY_INVALID',
  'NOT_FOUND',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'BAD_REQUEST',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface VigieErrorOptions {
  retriable?: boolean;
  context?: Record<string, unknown>;
  cause?: unknown;
}

export class VigieError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly context: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: VigieErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VigieError';
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.context = options.context ?? {};
  }
}

export function isRetriable(err: unknown): boolean {
  return err instanceof VigieError && err.retriable;
}
