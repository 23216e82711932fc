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

/** The two-digit number at `i` of a string the RFC3339 regex matched. */
function twoDigits(value: string, i: number): number {
  return (value.charCodeAt(i) - 48) * 10 + value.charCodeAt(i + 1) - 48;
}

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  // Year 0000 is taken as a common year (0000-02-29 is refused), as when month lengths came from
  // Date.UTC, which reads years 0-99 as 1900-1999: changing a decision is a contract change.
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) && year !== 0;
  return leap ? 29 : 28;
}

// Runs on every timestamp of the stream, so it reads the fields in place (the regex fixes where
// they are) rather than through regex groups, Number and Date objects.
function isValidRfc3339(value: string): boolean {
  if (!RFC3339.test(value)) return false;
  const year = twoDigits(value, 0) * 100 + twoDigits(value, 2);
  const month = twoDigits(value, 5);
  const day = twoDigits(value, 8);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  // A leap second (60) is refused, although RFC 3339 allows it, as when this check ended with
  // Date.parse (which refuses it): changing a decision is a contract change.
  if (twoDigits(value, 11) > 23 || twoDigits(value, 14) > 59 || twoDigits(value, 17) > 59) {
    return false;
  }
  const end = value.length;
  const last = value.charCodeAt(end - 1);
  // Ends in Z/z, or in a numeric offset `±hh:mm`.
  if (last >= 48 && last <= 57) {
    return twoDigits(value, end - 5) <= 23 && twoDigits(value, end - 2) <= 59;
  }
  return true;
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
