import type { SellerFlagged } from '../../../streams/contract/index.ts';

/** One receiver of `seller.flagged` webhooks. */
export interface WebhookEndpoint {
  url: string;
  /** Shared secrets; every one signs (a `v1` each), so a secret can be rotated without a gap. */
  secrets: readonly string[];
}

/** Why a delivery ended in the dead letters. */
export type WebhookFailure =
  /** Retries exhausted on network errors, timeouts, 408/425/429 or 5xx answers. */
  | 'receiver_down'
  /** The receiver answered with a status retrying cannot fix (other 3xx/4xx). */
  | 'rejected'
  /** The sender stopped (shutdown) before the delivery succeeded. */
  | 'shutdown'
  /** The delivery queue was full. */
  | 'queue_full';

/** A delivery that did not succeed, kept so that it can be inspected and re-sent. */
export interface WebhookDeadLetter {
  flag_id: string;
  seller_id: string;
  /** The endpoint's origin and path (query strings may carry tokens: left out). */
  endpoint: string;
  reason: WebhookFailure;
  attempts: number;
  /** The last HTTP status, or null when no answer came. */
  last_status: number | null;
  last_error: string;
  /** The exact JSON body that was (or would have been) sent. */
  body: string;
  first_attempt_at: string;
  failed_at: string;
}

/** Where failed deliveries go (the store's `webhook_dead_letters` table in the service). */
export interface WebhookDeadLetterSink {
  write(letter: WebhookDeadLetter): Promise<void>;
}

export type WebhookOutcome =
  | { delivered: true; attempts: number; status: number }
  | { delivered: false; attempts: number; letter: WebhookDeadLetter };

export type FlagEvent = SellerFlagged;
