import { z } from 'zod';
import {
  DECISION_GROUNDS,
  DSA_CATEGORIES,
  NOTIFIER_TYPES,
  SANCTION_ACTIONS,
  SOURCE_TYPES,
  WITHDRAWAL_REASONS,
} from './vocabularies.ts';

/**
 * zod schemas for the event contract v1 (../shared/EVENTS.md). They are the source of truth in
 * code; `vigie schema` publishes them as JSON Schema. Unknown top-level fields are accepted and
 * dropped from the typed event (the raw JSON is kept by the store); unknown identifier keys are
 * refused, because an unexpected identifier may be raw personal data.
 */

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/;

function isValidRfc3339(value: string): boolean {
  const m = RFC3339.exec(value);
  if (!m) return false;
  const [, y, mo, d, h, mi, s, , , oh, om] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return false;
  // RFC 3339 allows a leap second (60).
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return false;
  if (oh !== undefined && (Number(oh) > 23 || Number(om) > 59)) return false;
  return Number.isFinite(Date.parse(value));
}

/** RFC 3339 timestamp with an offset (`2026-03-01T10:15:00Z`). */
export const Rfc3339Schema = z
  .string()
  .regex(RFC3339, 'expected an RFC 3339 timestamp with offset, e.g. 2026-03-01T10:15:00Z')
  .refine(isValidRfc3339, 'expected a real calendar date and time')
  .meta({ format: 'date-time' });

const Id = z.string().min(1).max(128);
const HexString = z.string().regex(/^[0-9a-fA-F]+$/, 'expected a hex string');

const ISO_4217 = new Set(Intl.supportedValuesOf('currency'));
export const CurrencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code, e.g. EUR')
  .refine((c) => ISO_4217.has(c), 'unknown ISO 4217 currency code');

export const PriceSchema = z.object({
  amount: z.number().min(0).finite(),
  currency: CurrencySchema,
});

const Title = z.string().max(500);
const Description = z.string().max(20_000);
const ListingCategory = z.string().max(200);
const ImageHashes = z.array(HexString);
const DsaCategory = z.enum(DSA_CATEGORIES);

const envelope = {
  event_id: Id,
  occurred_at: Rfc3339Schema,
  seller_id: Id,
};

export const SellerRegisteredSchema = z.object({
  ...envelope,
  type: z.literal('seller.registered'),
  identifiers: z.strictObject({
    email_hash: HexString.optional(),
    phone_hash: HexString.optional(),
    device_hash: HexString.optional(),
    payout_hash: HexString.optional(),
  }),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code, e.g. FR')
    .optional(),
});

export const ListingPublishedSchema = z.object({
  ...envelope,
  type: z.literal('listing.published'),
  listing_id: Id,
  title: Title,
  description: Description,
  category: ListingCategory,
  price: PriceSchema,
  image_hashes: ImageHashes.optional(),
});

export const ListingEditedSchema = z
  .object({
    ...envelope,
    type: z.literal('listing.edited'),
    listing_id: Id,
    title: Title.optional(),
    description: Description.optional(),
    category: ListingCategory.optional(),
    price: PriceSchema.optional(),
    image_hashes: ImageHashes.optional(),
  })
  .refine(
    (e) =>
      e.title !== undefined ||
      e.description !== undefined ||
      e.category !== undefined ||
      e.price !== undefined ||
      e.image_hashes !== undefined,
    {
      message:
        'listing.edited needs at least one of title, description, category, price, image_hashes',
    },
  );

export const ListingTakenDownSchema = z.object({
  ...envelope,
  type: z.literal('listing.taken_down'),
  listing_id: Id,
  decision_ground: z.enum(DECISION_GROUNDS),
  category: DsaCategory,
  source_type: z.enum(SOURCE_TYPES),
  automated_detection: z.boolean(),
  notice_id: Id.optional(),
});

export const ListingWithdrawnSchema = z.object({
  ...envelope,
  type: z.literal('listing.withdrawn'),
  listing_id: Id,
  reason: z.enum(WITHDRAWAL_REASONS),
});

export const NoticeReceivedSchema = z.object({
  ...envelope,
  type: z.literal('notice.received'),
  notice_id: Id,
  listing_id: Id.optional(),
  notifier_type: z.enum(NOTIFIER_TYPES),
  notifier_id: Id.optional(),
  category: DsaCategory,
});

export const SellerSanctionedSchema = z.object({
  ...envelope,
  type: z.literal('seller.sanctioned'),
  action: z.enum(SANCTION_ACTIONS),
  until: Rfc3339Schema.optional(),
});

/** Any marketplace event of the contract, discriminated by `type`. */
export const MarketplaceEventSchema = z.discriminatedUnion('type', [
  SellerRegisteredSchema,
  ListingPublishedSchema,
  ListingEditedSchema,
  ListingTakenDownSchema,
  ListingWithdrawnSchema,
  NoticeReceivedSchema,
  SellerSanctionedSchema,
]);

export type SellerRegistered = z.infer<typeof SellerRegisteredSchema>;
export type ListingPublished = z.infer<typeof ListingPublishedSchema>;
export type ListingEdited = z.infer<typeof ListingEditedSchema>;
export type ListingTakenDown = z.infer<typeof ListingTakenDownSchema>;
export type ListingWithdrawn = z.infer<typeof ListingWithdrawnSchema>;
export type NoticeReceived = z.infer<typeof NoticeReceivedSchema>;
export type SellerSanctioned = z.infer<typeof SellerSanctionedSchema>;
export type MarketplaceEvent = z.infer<typeof MarketplaceEventSchema>;
