import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { VigieError, type ErrorCode } from '../../streams/errors.ts';

/** RFC 9457 problem details; never a stack trace, never raw store text for server errors. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code?: string;
  errors?: unknown[];
}

const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  BAD_REQUEST: 400,
  INVALID_JSON: 400,
  SCHEMA_VIOLATION: 400,
  OVERSIZE_RECORD: 413,
  READONLY_VIOLATION: 403,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  STORE_UNAVAILABLE: 503,
  BROKER_UNAVAILABLE: 503,
  // A store failure is ours, not the client's: 500, engine text kept out of the answer (it can
  // echo SQL and literals). Analysts' own SQL errors come back as BAD_REQUEST (runReadonlyQuery).
  STORE_QUERY_FAILED: 500,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problem(status: number, detail?: string, code?: string): Problem {
  return {
    type: code ? `https://vigie.example/problems/${code.toLowerCase()}` : 'about:blank',
    title: TITLES[status] ?? 'Error',
    status,
    ...(detail === undefined ? {} : { detail }),
    ...(code === undefined ? {} : { code }),
  };
}

export function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  return reply.status(p.status).type('application/problem+json').send(p);
}

export function errorHandler(
  err: FastifyError | VigieError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const p = problem(400, 'the request does not match the API schema', 'BAD_REQUEST');
    p.errors = err.validation.map((v) => ({ path: v.instancePath, message: v.message }));
    return sendProblem(reply, p);
  }
  if (err instanceof VigieError) {
    const status = STATUS_BY_CODE[err.code] ?? 500;
    const detail = status >= 500 ? 'the service could not complete the request' : err.message;
    if (status >= 500) request.log.error({ err, code: err.code }, 'request failed');
    return sendProblem(reply, problem(status, detail, err.code));
  }
  const statusCode = (err as FastifyError).statusCode;
  if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
    return sendProblem(reply, problem(statusCode, err.message, (err as FastifyError).code));
  }
  request.log.error({ err }, 'unexpected error');
  return sendProblem(reply, problem(500, 'the service could not complete the request', 'INTERNAL'));
}
