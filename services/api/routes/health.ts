import { z } from 'zod';
import type { ApiDeps } from '../deps.ts';
import type { ZodApp } from '../app.ts';

export function registerHealthRoutes(app: ZodApp, deps: ApiDeps): void {
  app.get(
    '/health',
    { schema: { security: [], response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/ready',
    {
      schema: {
        security: [],
        response: {
          200: z.object({ ready: z.boolean(), store: z.boolean(), broker: z.boolean().nullable() }),
          503: z.object({ ready: z.boolean(), store: z.boolean(), broker: z.boolean().nullable() }),
        },
      },
    },
    async (_req, reply) => {
      const { store, broker } = await deps.ready();
      const ready = store && broker !== false;
      return reply.status(ready ? 200 : 503).send({ ready, store, broker });
    },
  );
  app.get('/metrics', { schema: { security: [], hide: true } }, async (_req, reply) => {
    reply.type(deps.metrics.contentType);
    return deps.metrics.metrics();
  });
}
