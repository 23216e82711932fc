import { randomUUID } from 'node:crypto';
import type { ApiDeps } from '../deps.ts';
import type { ApiOptions, ZodApp } from '../app.ts';
import { problem, sendProblem } from '../problem.ts';
import { IngestResultSchema } from '../schemas.ts';

export function registerEventRoutes(app: ZodApp, deps: ApiDeps, options: ApiOptions): void {
  app.post(
    '/v1/events',
    {
      config: { permission: 'ingest' },
      bodyLimit: options.ingestBodyLimit,
      schema: {
        summary: 'Ingest contract events as NDJSON (one event per line)',
        consumes: ['application/x-ndjson'],
        response: { 200: IngestResultSchema, 202: IngestResultSchema },
      },
    },
    async (req, reply) => {
      if (!Buffer.isBuffer(req.body)) {
        return sendProblem(
          reply,
          problem(415, 'send NDJSON with Content-Type: application/x-ndjson', 'BAD_REQUEST'),
        );
      }
      const result = await deps.ingest(req.body, randomUUID());
      return reply.status(200).send(result);
    },
  );
}
