import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { hasPermission, type Permission, type Principal } from './auth/keys.ts';
import type { ApiDeps } from './deps.ts';
import { errorHandler, problem, sendProblem } from './problem.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerSellerRoutes } from './routes/sellers.ts';
import { registerFlagRoutes } from './routes/flags.ts';
import { registerListingRoutes } from './routes/listings.ts';
import { registerReportRoutes } from './routes/reports.ts';
import { registerEventRoutes } from './routes/events.ts';
import { registerQueryRoutes } from './routes/query.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission a route needs; routes without one are public (health, OpenAPI). */
    permission?: Permission;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

export interface ApiOptions {
  /** Largest request body in bytes (NDJSON ingest); other routes use `jsonBodyLimit`. */
  ingestBodyLimit: number;
  jsonBodyLimit: number;
  /** Requests per minute per API key (or per address before authentication). */
  rateLimitPerMinute: number;
}

export const DEFAULT_API_OPTIONS: ApiOptions = {
  ingestBodyLimit: 16 * 1024 * 1024,
  jsonBodyLimit: 256 * 1024,
  rateLimitPerMinute: 6000,
};

export type Api = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;
export type ZodApp = Api;

function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m?.[1];
}

/** Builds the HTTP API over `deps`. The caller listens (`app.listen`) and closes it. */
export async function createApi(
  deps: ApiDeps,
  options: ApiOptions = DEFAULT_API_OPTIONS,
): Promise<Api> {
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'services.api' }) as FastifyBaseLogger,
    bodyLimit: options.jsonBodyLimit,
    // Request lines carry seller ids in URLs: personal data stays out of the logs.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((_req, reply) => sendProblem(reply, problem(404, 'no such route')));
  app.addContentTypeParser(
    ['application/x-ndjson', 'application/ndjson', 'text/plain'],
    { parseAs: 'buffer', bodyLimit: options.ingestBodyLimit },
    (_req, body, done) => done(null, body),
  );

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Vigie API',
        version: '1',
        description:
          'Seller risk, flags and reviews, pre-publication checks, transparency figures, ingest and read-only SQL.',
      },
      components: {
        securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } },
      },
      security: [{ apiKey: [] }],
    },
    transform: jsonSchemaTransform,
  });

  await app.register(rateLimit, {
    // After the authentication hook (onRequest), so a key's requests share one budget whatever
    // address they come from; public routes are limited per address.
    hook: 'preParsing',
    max: options.rateLimitPerMinute,
    timeWindow: '1 minute',
    keyGenerator: (req) => req.principal?.keyId ?? req.ip,
    errorResponseBuilder: (_req, ctx) => ({
      ...problem(
        429,
        `rate limit of ${ctx.max} requests per ${ctx.after} exceeded`,
        'RATE_LIMITED',
      ),
      statusCode: 429,
    }),
  });

  // Authentication runs first (onRequest); the rate limiter counts after it, per key.
  app.addHook('onRequest', async (request, reply) => {
    const permission = request.routeOptions.config?.permission;
    if (!permission) return;
    const secret = bearer(request.headers.authorization) ?? request.headers['x-api-key'];
    const principal = typeof secret === 'string' ? deps.verifyKey(secret) : undefined;
    if (!principal) {
      return sendProblem(reply, problem(401, 'a valid API key is required', 'UNAUTHORIZED'));
    }
    if (!hasPermission(principal, permission)) {
      return sendProblem(
        reply,
        problem(403, `role ${principal.role} may not ${permission}`, 'FORBIDDEN'),
      );
    }
    request.principal = principal;
  });

  const zapp = app.withTypeProvider<ZodTypeProvider>();
  registerHealthRoutes(zapp, deps);
  registerSellerRoutes(zapp, deps);
  registerFlagRoutes(zapp, deps);
  registerListingRoutes(zapp, deps);
  registerReportRoutes(zapp, deps);
  registerEventRoutes(zapp, deps, options);
  registerQueryRoutes(zapp, deps);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.ready();
  return zapp;
}
