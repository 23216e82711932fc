import { formatDateTime64, type ClickHouseExecutor } from '../../../features/store/index.ts';
import type { WebhookDeadLetter, WebhookDeadLetterSink } from './webhook-types.ts';

/**
 * `webhook_dead_letters`: deliveries of seller.flagged that a webhook receiver never accepted,
 * with the exact body, so that they can be inspected and re-sent. Kept in the store (not the
 * Kafka dead-letter topic, whose records are rejected *input* with another shape). Created here
 * if missing until the store's migrations own it.
 */
export const WEBHOOK_DEAD_LETTERS_DDL = `CREATE TABLE IF NOT EXISTS webhook_dead_letters
(
    flag_id String COMMENT 'flags.flag_id of the undelivered flag.',
    seller_id String COMMENT 'Flagged seller, as in flags.seller_id.',
    endpoint String COMMENT 'Receiver origin and path (query string left out: it may carry tokens).',
    reason LowCardinality(String) COMMENT 'receiver_down, rejected, shutdown or queue_full.',
    attempts UInt16 COMMENT 'HTTP tries made.',
    last_status Nullable(UInt16) COMMENT 'Last HTTP status; NULL when no answer came.',
    last_error String COMMENT 'Last error: HTTP status or network error.',
    body String COMMENT 'The exact JSON body (the seller.flagged event), for re-sending.',
    first_attempt_at DateTime64(3, 'UTC') COMMENT 'First try, UTC.',
    failed_at DateTime64(3, 'UTC') COMMENT 'When the delivery was given up, UTC.'
)
ENGINE = MergeTree
ORDER BY (failed_at, flag_id)
COMMENT 'Webhook deliveries of seller.flagged that failed for good, with the body to re-send.'`;

const COLUMNS = [
  'flag_id',
  'seller_id',
  'endpoint',
  'reason',
  'attempts',
  'last_status',
  'last_error',
  'body',
  'first_attempt_at',
  'failed_at',
] as const;

/** Dead letters into `webhook_dead_letters`, one insert each: they are rare and must not wait. */
export async function createStoreWebhookDeadLetters(
  executor: ClickHouseExecutor,
): Promise<WebhookDeadLetterSink> {
  await executor.command(WEBHOOK_DEAD_LETTERS_DDL);
  return {
    async write(letter: WebhookDeadLetter) {
      await executor.insert('webhook_dead_letters', COLUMNS, [
        [
          letter.flag_id,
          letter.seller_id,
          letter.endpoint,
          letter.reason,
          letter.attempts,
          letter.last_status,
          letter.last_error,
          letter.body,
          formatDateTime64(Date.parse(letter.first_attempt_at)),
          formatDateTime64(Date.parse(letter.failed_at)),
        ],
      ]);
    },
  };
}
