import { z } from 'zod';
import { MarketplaceEventSchema } from './events.ts';
import { SellerFlaggedSchema } from './flag.ts';

/** The contract as one JSON Schema document (draft 2020-12), for platforms to validate with. */
export function contractJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://vigie.example/schemas/events-v1.json',
    title: 'Vigie event contract v1',
    description:
      'Marketplace events consumed by Vigie (topic marketplace.events) and seller.flagged events it produces (topic vigie.seller-flags). Records larger than 1 MiB are rejected.',
    $defs: {
      MarketplaceEvent: z.toJSONSchema(MarketplaceEventSchema, {
        io: 'input',
        unrepresentable: 'any',
      }),
      SellerFlagged: z.toJSONSchema(SellerFlaggedSchema, { io: 'output', unrepresentable: 'any' }),
    },
    oneOf: [{ $ref: '#/$defs/MarketplaceEvent' }, { $ref: '#/$defs/SellerFlagged' }],
  };
}
