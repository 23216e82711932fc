import type { ApiDeps } from '../deps.ts';
import type { ZodApp } from '../app.ts';
import { QueryRequestSchema, QueryResultSchema } from '../schemas.ts';

export function registerQueryRoutes(app: ZodApp, deps: ApiDeps): void {
  app.post(
    '/v1/query',
    {
      config: { permission: 'query' },
      schema: {
        summary: 'Read-only SQL over the feature tables (embedded mode), with row/byte/time limits',
        body: QueryRequestSchema,
        response: { 200: QueryResultSchema },
      },
    },
    async (req) => deps.query(req.body.sql, req.principal!, req.body.params),
  );
}
