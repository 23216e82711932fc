import type { ApiDeps } from '../deps.ts';
import type { ZodApp } from '../app.ts';
import { problem, sendProblem } from '../problem.ts';
import { ErasureResultSchema, SellerIdParamsSchema, SellerViewSchema } from '../schemas.ts';

export function registerSellerRoutes(app: ZodApp, deps: ApiDeps): void {
  app.get(
    '/v1/sellers/:id',
    {
      config: { permission: 'read' },
      schema: {
        summary: "A seller's current features, score, reasons, flag history and linked sellers",
        params: SellerIdParamsSchema,
        response: { 200: SellerViewSchema },
      },
    },
    async (req, reply) => {
      const view = await deps.getSeller(req.params.id);
      if (!view) return sendProblem(reply, problem(404, 'no such seller', 'NOT_FOUND'));
      return view;
    },
  );
  app.delete(
    '/v1/sellers/:id',
    {
      config: { permission: 'erase' },
      schema: {
        summary:
          "Erase a seller's personal data (GDPR art. 17); flags are kept under a pseudonym. Audited.",
        params: SellerIdParamsSchema,
        response: { 200: ErasureResultSchema },
      },
    },
    async (req) => deps.eraseSeller(req.params.id, req.principal!),
  );
}
