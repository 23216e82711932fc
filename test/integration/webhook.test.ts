import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SellerFlagged } from '../../streams/contract/index.ts';
import {
  createWebhookSender,
  signWebhook,
  verifyWebhookSignature,
  type WebhookDeadLetter,
  type WebhookDeadLetterSink,
} from '../../services/detector/index.ts';

/** A real HTTP receiver on 127.0.0.1 whose answers the test scripts, one status per request. */
interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

function startReceiver(): Promise<{
  server: Server;
  url: string;
  received: Received[];
  answers: number[];
}> {
  const received: Received[] = [];
  const answers: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = answers.shift() ?? 200;
      res.end('ok');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}/hooks/vigie?token=abc`, received, answers });
    });
  });
}

/** A URL on which nothing listens: a port we held, then released. */
async function deadUrl(): Promise<string> {
  const { server, url } = await startReceiver();
  await new Promise<void>((r) => server.close(() => r()));
  return url;
}

function collectingDeadLetters(): WebhookDeadLetterSink & { letters: WebhookDeadLetter[] } {
  const letters: WebhookDeadLetter[] = [];
  return {
    letters,
    async write(letter) {
      letters.push(letter);
    },
  };
}

const logger = pino({ level: 'silent' });
const SECRET = 'whsec_test_1';
const fast = { baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 5_000, seed: 42 };

const flag: SellerFlagged = {
  flag_id: 'flg_0123456789abcdef0123456789abcdef',
  type: 'seller.flagged',
  seller_id: 'seller-42',
  flagged_at: '2026-03-01T10:15:00.000Z',
  kinds: ['recidivist', 'anomalous'],
  severity: 'high',
  score: 0.71,
  model_version: 'if-202603011000-7-0badc0de',
  reasons: [
    { rule: 'illegal-takedowns-90d', detail: '4 takedowns on illegal grounds in 90 days' },
    { feature: 'takedowns_90d', value: 4, percentile: 99.5, contribution: 0.42 },
  ],
  evidence: { listing_ids: ['l-1', 'l-2'], linked_seller_ids: [] },
};

describe('webhook delivery against a real local HTTP server', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterEach(() => {
    receiver.received.length = 0;
    receiver.answers.length = 0;
  });
  afterAll(async () => {
    await new Promise<void>((r) => receiver.server.close(() => r()));
  });

  it('delivers the flag as signed JSON that the receiver verifies', async () => {
    const deadLetters = collectingDeadLetters();
    const endpoint = { url: receiver.url, secrets: [SECRET] };
    const sender = createWebhookSender({ endpoints: [endpoint], deadLetters, logger, retry: fast });
    const outcome = await sender.deliver(flag, endpoint);
    expect(outcome).toEqual({ delivered: true, attempts: 1, status: 200 });
    expect(receiver.received).toHaveLength(1);
    const [req] = receiver.received;
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.headers['vigie-event-id']).toBe(flag.flag_id);
    expect(JSON.parse(req!.body)).toEqual(flag);
    const header = req!.headers['vigie-signature'] as string;
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(req!.body, header, SECRET, 300)).toMatchObject({ ok: true });
    expect(deadLetters.letters).toEqual([]);
  });

  it('refuses replayed, tampered, wrongly keyed and malformed deliveries', async () => {
    const deadLetters = collectingDeadLetters();
    const endpoint = { url: receiver.url, secrets: [SECRET] };
    await createWebhookSender({ endpoints: [endpoint], deadLetters, logger, retry: fast }).deliver(
      flag,
      endpoint,
    );
    const { body, headers } = receiver.received[0]!;
    const header = headers['vigie-signature'] as string;
    const t = Number(/t=(\d+)/.exec(header)![1]);
    // The same request replayed later than the tolerance is refused; inside it, accepted.
    expect(verifyWebhookSignature(body, header, SECRET, 300, t + 301)).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
    expect(verifyWebhookSignature(body, header, SECRET, 300, t + 299).ok).toBe(true);
    // A timestamp from the future is refused as well.
    expect(verifyWebhookSignature(body, header, SECRET, 300, t - 301).ok).toBe(false);
    // A forged timestamp breaks the signature.
    const forged = header.replace(/t=\d+/, `t=${t + 1000}`);
    expect(verifyWebhookSignature(body, forged, SECRET, 300, t + 1000)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifyWebhookSignature(body.replace('high', 'low'), header, SECRET, 300, t).ok).toBe(
      false,
    );
    expect(verifyWebhookSignature(body, header, 'whsec_other', 300, t).ok).toBe(false);
    const malformed = { ok: false, reason: 'malformed' };
    expect(verifyWebhookSignature(body, undefined, SECRET, 300, t)).toEqual(malformed);
    expect(verifyWebhookSignature(body, 'v1=abc', SECRET, 300, t)).toEqual(malformed);
    expect(verifyWebhookSignature(body, `t=${t}`, SECRET, 300, t)).toEqual(malformed);
  });

  it('signs with every secret during a rotation; either verifies', () => {
    const header = signWebhook('{"a":1}', ['old-secret', 'new-secret'], 1_700_000_000);
    expect(header.split(',')).toHaveLength(3);
    for (const s of ['old-secret', 'new-secret']) {
      expect(verifyWebhookSignature('{"a":1}', header, s, 300, 1_700_000_010).ok).toBe(true);
    }
    expect(verifyWebhookSignature('{"a":1}', header, 'third', 300, 1_700_000_010).ok).toBe(false);
  });

  it('retries on 503 and 429, then succeeds, each try freshly signed', async () => {
    receiver.answers.push(503, 429, 200);
    const deadLetters = collectingDeadLetters();
    const endpoint = { url: receiver.url, secrets: [SECRET] };
    const sender = createWebhookSender({ endpoints: [endpoint], deadLetters, logger, retry: fast });
    const outcome = await sender.deliver(flag, endpoint);
    expect(outcome).toEqual({ delivered: true, attempts: 3, status: 200 });
    expect(receiver.received.map((r) => r.headers['vigie-delivery-attempt'])).toEqual([
      '1',
      '2',
      '3',
    ]);
    for (const r of receiver.received) {
      const check = verifyWebhookSignature(r.body, r.headers['vigie-signature'] as string, SECRET);
      expect(check.ok).toBe(true);
    }
    expect(deadLetters.letters).toEqual([]);
  });

  it('dead-letters at once a delivery the receiver refuses (400)', async () => {
    receiver.answers.push(400);
    const deadLetters = collectingDeadLetters();
    const endpoint = { url: receiver.url, secrets: [SECRET] };
    const sender = createWebhookSender({ endpoints: [endpoint], deadLetters, logger, retry: fast });
    const outcome = await sender.deliver(flag, endpoint);
    expect(outcome.delivered).toBe(false);
    expect(receiver.received).toHaveLength(1);
    expect(deadLetters.letters).toMatchObject([
      { flag_id: flag.flag_id, reason: 'rejected', attempts: 1, last_status: 400 },
    ]);
  });

  it('dead-letters after the last try when the receiver keeps failing (500)', async () => {
    receiver.answers.push(500, 500, 500, 500);
    const deadLetters = collectingDeadLetters();
    const endpoint = { url: receiver.url, secrets: [SECRET] };
    const sender = createWebhookSender({
      endpoints: [endpoint],
      deadLetters,
      logger,
      retry: { ...fast, maxAttempts: 4 },
    });
    await sender.deliver(flag, endpoint);
    expect(receiver.received).toHaveLength(4);
    expect(deadLetters.letters).toMatchObject([
      { reason: 'receiver_down', attempts: 4, last_status: 500, last_error: 'HTTP 500' },
    ]);
  });

  it('dead-letters, with the body to re-send, when the receiver is down', async () => {
    const url = await deadUrl();
    const deadLetters = collectingDeadLetters();
    const sender = createWebhookSender({
      endpoints: [{ url, secrets: [SECRET] }],
      deadLetters,
      logger,
      retry: { ...fast, maxAttempts: 3 },
    });
    sender.send(flag);
    await sender.drain();
    expect(deadLetters.letters).toHaveLength(1);
    const letter = deadLetters.letters[0]!;
    expect(letter).toMatchObject({
      flag_id: flag.flag_id,
      seller_id: flag.seller_id,
      reason: 'receiver_down',
      attempts: 3,
      last_status: null,
    });
    // The endpoint is recorded without its query string (it may carry a token).
    expect(letter.endpoint).toBe(url.replace('?token=abc', ''));
    expect(JSON.parse(letter.body)).toEqual(flag);
    expect(sender.stats()).toEqual({ delivered: 0, deadLettered: 1, pending: 0 });
  });

  it('fans out to every endpoint from the queue, and dead-letters what is left at stop', async () => {
    const deadLetters = collectingDeadLetters();
    const down = await deadUrl();
    const sender = createWebhookSender({
      endpoints: [
        { url: receiver.url, secrets: [SECRET] },
        { url: down, secrets: [SECRET] },
      ],
      deadLetters,
      logger,
      // Long back-off: the down endpoint is still waiting to retry when the sender stops.
      retry: { maxAttempts: 10, baseDelayMs: 60_000, maxDelayMs: 60_000, seed: 3 },
    });
    sender.send(flag);
    await expect.poll(() => sender.stats().delivered).toBe(1);
    await sender.stop();
    expect(receiver.received).toHaveLength(1);
    expect(deadLetters.letters).toMatchObject([{ reason: 'shutdown', attempts: 1 }]);
    sender.send(flag);
    await sender.drain();
    expect(deadLetters.letters.map((l) => l.reason)).toEqual(['shutdown', 'shutdown', 'shutdown']);
  });
});
