import type { ApiDeps } from '../deps.ts';
import type { ZodApp } from '../app.ts';
import { problem, sendProblem } from '../problem.ts';
import {
  FlagIdParamsSchema,
  FlagListSchema,
  FlagsQuerySchema,
  ReviewRequestSchema,
  ReviewResultSchema,
} from '../schemas.ts';

export function registerFlagRoutes(app: ZodApp, deps: ApiDeps): void {
  app.get(
    '/v1/flags',
    {
      config: { permission: 'read' },
      schema: {
        summary: 'Flags, newest first, filtered by status, severity, kind or seller',
        querystring: FlagsQuerySchema,
        response: { 200: FlagListSchema },
      },
    },
    async (req) => deps.listFlags(req.query),
  );
  app.post(
    '/v1/flags/:id/review',
    {
      config: { permission: 'review' },
      schema: {
        summary: 'Confirm or dismiss a flag; audited, and feeds suppression and quality figures',
        params: FlagIdParamsSchema,
        body: ReviewRequestSchema,
        response: { 200: ReviewResultSchema },
      },
    },
    async (req, reply) => {
      // The principal is set by the auth hook for every route with a permission.
      const result = await deps.reviewFlag(req.params.id, req.body, req.principal!);
      if (!result) return sendProblem(reply, problem(404, 'no such flag', 'NOT_FOUND'));
      return result;
    },
  );
}
