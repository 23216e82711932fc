import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../shared/logger.ts';
import { mulberry32 } from '../../../features/prng.ts';
import { retryDelay } from './backoff.ts';
import { SIGNATURE_HEADER, signWebhook } from './signature.ts';
import type {
  FlagEvent,
  WebhookDeadLetter,
  WebhookDeadLetterSink,
  WebhookEndpoint,
  WebhookFailure,
  WebhookOutcome,
} from './webhook-types.ts';

export interface WebhookRetryOptions {
  /** Tries per delivery, the first included. @default 8 */
  maxAttempts?: number;
  /** Delay before the first retry, ms; doubles each time. @default 500 */
  baseDelayMs?: number;
  /** Cap of one delay, ms. @default 60_000 */
  maxDelayMs?: number;
  /** Timeout of one HTTP request, ms. @default 10_000 */
  timeoutMs?: number;
  /** Seed of the jitter. @default 1 */
  seed?: number;
}

export interface WebhookSenderOptions {
  endpoints: readonly WebhookEndpoint[];
  deadLetters: WebhookDeadLetterSink;
  logger: Logger;
  retry?: WebhookRetryOptions;
  /** Deliveries in flight at once. @default 4 */
  concurrency?: number;
  /** Deliveries waiting at most; beyond, a delivery is dead-lettered at once. @default 10_000 */
  maxQueue?: number;
  /** Injected for tests of the clock; defaults to Date.now. */
  now?: () => number;
}

export interface WebhookSender {
  /** Queues the flag for every endpoint; returns at once (delivery runs in the background). */
  send(flag: FlagEvent): void;
  /** Delivers to one endpoint now, with retries; resolves with what happened. */
  deliver(flag: FlagEvent, endpoint: WebhookEndpoint): Promise<WebhookOutcome>;
  /** Resolves once nothing is queued or in flight. */
  drain(): Promise<void>;
  /** Stops: deliveries not done yet are dead-lettered as `shutdown`, then resolves. */
  stop(): Promise<void>;
  stats(): { delivered: number; deadLettered: number; pending: number };
}

const RETRIABLE_STATUS = new Set([408, 425, 429]);

function endpointLabel(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid url)';
  }
}

function retryAfterMs(res: Response): number | undefined {
  const value = res.headers.get('retry-after');
  if (value === null || !/^\d{1,6}$/.test(value.trim())) return undefined;
  return Number(value) * 1000;
}

/**
 * Sends `seller.flagged` to webhook receivers: JSON POST signed with `Vigie-Signature`, a fresh
 * timestamp on every try (a retry after a long back-off stays inside the receiver's replay
 * window), retries with exponential back-off and jitter on network errors, timeouts, 408/425/429
 * and 5xx, and a dead-letter record when the receiver stays down or refuses the delivery.
 */
export function createWebhookSender(options: WebhookSenderOptions): WebhookSender {
  const log = options.logger.child({ component: 'detector.webhooks' });
  const maxAttempts = options.retry?.maxAttempts ?? 8;
  const delays = {
    baseDelayMs: options.retry?.baseDelayMs ?? 500,
    maxDelayMs: options.retry?.maxDelayMs ?? 60_000,
  };
  const timeoutMs = options.retry?.timeoutMs ?? 10_000;
  // Jitter random enough across senders yet reproducible in tests.
  const random = mulberry32(options.retry?.seed ?? 1);
  const now = options.now ?? Date.now;
  const concurrency = options.concurrency ?? 4;
  const maxQueue = options.maxQueue ?? 10_000;
  const stopping = new AbortController();
  const queue: Array<{ flag: FlagEvent; endpoint: WebhookEndpoint }> = [];
  let running = 0;
  let delivered = 0;
  let deadLettered = 0;
  let idleWaiters: Array<() => void> = [];

  async function deadLetter(letter: WebhookDeadLetter): Promise<void> {
    deadLettered++;
    log.warn(
      {
        flagId: letter.flag_id,
        endpoint: letter.endpoint,
        reason: letter.reason,
        attempts: letter.attempts,
        status: letter.last_status,
      },
      'webhook delivery dead-lettered',
    );
    try {
      await options.deadLetters.write(letter);
    } catch (err) {
      // Nothing further to fall back to: say so loudly, with what is needed to re-send by hand.
      log.error(
        { err, flagId: letter.flag_id, endpoint: letter.endpoint },
        'webhook dead letter not stored',
      );
    }
  }

  async function deliver(flag: FlagEvent, endpoint: WebhookEndpoint): Promise<WebhookOutcome> {
    const body = JSON.stringify(flag);
    const label = endpointLabel(endpoint.url);
    const firstAt = new Date(now()).toISOString();
    let attempts = 0;
    let lastStatus: number | null = null;
    let lastError = '';
    let failure: WebhookFailure = 'receiver_down';
    while (attempts < maxAttempts) {
      if (stopping.signal.aborted) {
        failure = 'shutdown';
        break;
      }
      attempts++;
      let wait: number | undefined;
      try {
        const res = await fetch(endpoint.url, {
          method: 'POST',
          body,
          redirect: 'manual',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'vigie-webhooks/1',
            [SIGNATURE_HEADER]: signWebhook(body, endpoint.secrets, now() / 1000),
            'vigie-event-id': flag.flag_id,
            'vigie-delivery-attempt': String(attempts),
          },
          signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), stopping.signal]),
        });
        lastStatus = res.status;
        // Drain the body so the connection is reused; the content is not needed.
        await res.arrayBuffer().catch(() => undefined);
        if (res.status >= 200 && res.status < 300) {
          delivered++;
          return { delivered: true, attempts, status: res.status };
        }
        lastError = `HTTP ${res.status}`;
        if (!(res.status >= 500 || RETRIABLE_STATUS.has(res.status))) {
          failure = 'rejected';
          break;
        }
        wait = retryAfterMs(res);
      } catch (err) {
        lastStatus = null;
        lastError = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        if (stopping.signal.aborted) {
          failure = 'shutdown';
          break;
        }
      }
      if (attempts >= maxAttempts) break;
      const delay = Math.min(
        delays.maxDelayMs,
        Math.max(wait ?? 0, retryDelay(attempts, delays, random)),
      );
      log.debug(
        { flagId: flag.flag_id, endpoint: label, attempts, delay, error: lastError },
        'webhook retry',
      );
      try {
        await sleep(delay, undefined, { signal: stopping.signal });
      } catch {
        failure = 'shutdown';
        break;
      }
    }
    const letter: WebhookDeadLetter = {
      flag_id: flag.flag_id,
      seller_id: flag.seller_id,
      endpoint: label,
      reason: failure,
      attempts,
      last_status: lastStatus,
      last_error: lastError,
      body,
      first_attempt_at: firstAt,
      failed_at: new Date(now()).toISOString(),
    };
    await deadLetter(letter);
    return { delivered: false, attempts, letter };
  }

  function settleIfIdle(): void {
    if (running === 0 && queue.length === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  function drain(): Promise<void> {
    if (running === 0 && queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => idleWaiters.push(resolve));
  }

  function pump(): void {
    while (running < concurrency && queue.length > 0) {
      const job = queue.shift()!;
      running++;
      void deliver(job.flag, job.endpoint)
        .catch((err: unknown) =>
          log.error({ err, flagId: job.flag.flag_id }, 'webhook delivery crashed'),
        )
        .finally(() => {
          running--;
          pump();
          settleIfIdle();
        });
    }
  }

  return {
    send(flag) {
      for (const endpoint of options.endpoints) {
        if (stopping.signal.aborted || queue.length >= maxQueue) {
          const at = new Date(now()).toISOString();
          running++;
          void deadLetter({
            flag_id: flag.flag_id,
            seller_id: flag.seller_id,
            endpoint: endpointLabel(endpoint.url),
            reason: stopping.signal.aborted ? 'shutdown' : 'queue_full',
            attempts: 0,
            last_status: null,
            last_error: '',
            body: JSON.stringify(flag),
            first_attempt_at: at,
            failed_at: at,
          }).finally(() => {
            running--;
            settleIfIdle();
          });
          continue;
        }
        queue.push({ flag, endpoint });
      }
      pump();
    },
    deliver,
    drain,
    async stop() {
      stopping.abort();
      // Queued deliveries start, see the abort, and are dead-lettered as `shutdown`.
      pump();
      await drain();
    },
    stats: () => ({ delivered, deadLettered, pending: queue.length + running }),
  };
}
