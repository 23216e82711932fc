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
        description:
          '200 when at least one line was accepted or was a duplicate, with every rejected line ' +
          'listed (`rejected`, the first 1,000; `rejected_total`); 400 (problem+json, rejects in ' +
          '`errors`) when no line was; 413 when the body is larger than the ingest limit.',
        consumes: ['application/x-ndjson'],
        response: { 200: IngestResultSchema },
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
      if (result.accepted === 0 && result.duplicates === 0) {
        const p = problem(
          400,
          `no line was accepted (${result.rejected_total} rejected)`,
          'BAD_REQUEST',
        );
        p.errors = result.rejected;
        return sendProblem(reply, p);
      }
      return reply.status(200).send(result);
    },
  );
}
