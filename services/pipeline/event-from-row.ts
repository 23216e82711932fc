import { decodeRecord, type MarketplaceEvent } from '../../streams/contract/index.ts';

/** The `events` columns a rebuild reads. */
export interface StoredEventRow {
  event_id: string;
  type: string;
  seller_id: string;
  occurred_at: string;
  received_at: string;
  raw: string;
  listing_id: string;
  notice_id: string;
  listing_category: string;
  price_amount: number | null;
  price_currency: string;
  decision_ground: string;
  dsa_category: string;
  source_type: string;
  automated_detection: boolean | null;
  notifier_type: string;
  action: string;
  sanction_until: string | null;
  reason: string;
  country: string;
}

export const STORED_EVENT_COLUMNS =
  'event_id, type, seller_id, occurred_at, received_at, raw, listing_id, notice_id, ' +
  'listing_category, price_amount, price_currency, decision_ground, dsa_category, source_type, ' +
  'automated_detection, notifier_type, action, sanction_until, reason, country';

/** ClickHouse DateTime64 text (`2026-03-01 10:15:00.000`, UTC) → RFC 3339. */
function rfc3339(text: string): string {
  return `${text.replace(' ', 'T')}Z`;
}

/**
 * An event read back from the store. The raw JSON is the source of truth; once the text TTL has
 * blanked it (personal data is not kept for ever), the event is rebuilt from the typed columns, so
 * counts over all time (takedowns, notices, sanctions) survive a rebuild; only the text-derived
 * facts age out, as intended. Returns undefined for a row that can be neither.
 */
export function eventFromRow(row: StoredEventRow): MarketplaceEvent | undefined {
  if (row.raw !== '') {
    const decoded = decodeRecord(row.raw);
    if (decoded.ok) return decoded.event;
  }
  const envelope = {
    event_id: row.event_id,
    seller_id: row.seller_id,
    occurred_at: rfc3339(row.occurred_at),
  };
  const price =
    row.price_amount === null || row.price_currency === ''
      ? undefined
      : { amount: Number(row.price_amount), currency: row.price_currency };
  let candidate: Record<string, unknown>;
  switch (row.type) {
    case 'seller.registered':
      candidate = {
        ...envelope,
        type: row.type,
        identifiers: {},
        ...(row.country ? { country: row.country } : {}),
      };
      break;
    case 'listing.published':
      candidate = {
        ...envelope,
        type: row.type,
        listing_id: row.listing_id,
        title: '',
        description: '',
        category: row.listing_category,
        price: price ?? { amount: 0, currency: 'EUR' },
      };
      break;
    case 'listing.edited':
      candidate = {
        ...envelope,
        type: row.type,
        listing_id: row.listing_id,
        ...(row.listing_category ? { category: row.listing_category } : {}),
        ...(price ? { price } : {}),
      };
      if (!('category' in candidate) && !('price' in candidate)) candidate.title = '';
      break;
    case 'listing.taken_down':
      candidate = {
        ...envelope,
        type: row.type,
        listing_id: row.listing_id,
        decision_ground: row.decision_ground,
        category: row.dsa_category,
        source_type: row.source_type,
        automated_detection: row.automated_detection ?? false,
        ...(row.notice_id ? { notice_id: row.notice_id } : {}),
      };
      break;
    case 'listing.withdrawn':
      candidate = { ...envelope, type: row.type, listing_id: row.listing_id, reason: row.reason };
      break;
    case 'notice.received':
      candidate = {
        ...envelope,
        type: row.type,
        notice_id: row.notice_id,
        notifier_type: row.notifier_type,
        category: row.dsa_category,
        ...(row.listing_id ? { listing_id: row.listing_id } : {}),
      };
      break;
    case 'seller.sanctioned':
      candidate = {
        ...envelope,
        type: row.type,
        action: row.action,
        ...(row.sanction_until ? { until: rfc3339(row.sanction_until) } : {}),
      };
      break;
    default:
      return undefined;
  }
  const decoded = decodeRecord(JSON.stringify(candidate));
  return decoded.ok ? decoded.event : undefined;
}
