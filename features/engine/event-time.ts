import type { MarketplaceEvent } from '../../streams/contract/index.ts';
import { VigieError } from '../../streams/errors.ts';
import type { AcceptedEvent } from './types.ts';

/** Event time (ms) of a batch item, or a clear error if it is not a contract event. */
export function parseTime(item: AcceptedEvent, index: number): number {
  const e = item?.event as Partial<MarketplaceEvent> | undefined;
  const at = typeof e?.occurred_at === 'string' ? Date.parse(e.occurred_at) : Number.NaN;
  if (
    e === undefined ||
    typeof e.seller_id !== 'string' ||
    e.seller_id === '' ||
    typeof e.type !== 'string' ||
    !Number.isFinite(at)
  ) {
    throw new VigieError(
      'SCHEMA_VIOLATION',
      `feature engine expects contract events (seller_id, type, RFC 3339 occurred_at); item ${index} is not one`,
      { context: { index, type: typeof e?.type === 'string' ? e.type : typeof e?.type } },
    );
  }
  return at;
}
