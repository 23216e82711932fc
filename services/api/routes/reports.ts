import type { ApiDeps } from '../deps.ts';
import type { ZodApp } from '../app.ts';
import { problem, sendProblem } from '../problem.ts';
import { TransparencyQuerySchema, TransparencyReportSchema } from '../schemas.ts';

export function registerReportRoutes(app: ZodApp, deps: ApiDeps): void {
  app.get(
    '/v1/reports/transparency',
    {
      config: { permission: 'read' },
      schema: {
        summary: 'DSA-style transparency figures for a period',
        querystring: TransparencyQuerySchema,
        response: { 200: TransparencyReportSchema },
      },
    },
    async (req, reply) => {
      const from = new Date(req.query.from);
      const to = new Date(req.query.to);
      if (!(from < to)) {
        return sendProblem(reply, problem(400, '`from` must be before `to`', 'BAD_REQUEST'));
      }
      return deps.transparency(from, to);
    },
  );
}
