import type { ApiDeps } from '../deps.ts';
import type { ZodApp } from '../app.ts';
import { CheckRequestSchema, CheckResponseSchema } from '../schemas.ts';

export function registerListingRoutes(app: ZodApp, deps: ApiDeps): void {
  app.post(
    '/v1/listings/check',
    {
      config: { permission: 'check' },
      schema: {
        summary:
          "Before publication: the seller's risk, the nearest taken-down listings and an action",
        body: CheckRequestSchema,
        response: { 200: CheckResponseSchema },
      },
    },
    async (req) => deps.checkListing(req.body),
  );
}
