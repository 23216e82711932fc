import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header that carries a webhook's signature. */
export const SIGNATURE_HEADER = 'Vigie-Signature';

/** Default replay window a receiver should allow, seconds. */
export const DEFAULT_TOLERANCE_S = 300;

function hmacHex(secret: string, timestampS: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestampS}.`).update(body).digest('hex');
}

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, one `v1` per secret so that a secret
 * can be rotated without a gap (receivers accept any `v1` that matches theirs), as Stripe does.
 */
export function signWebhook(
  body: string | Buffer,
  secrets: string | readonly string[],
  timestampS: number,
): string {
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  const t = Math.floor(timestampS);
  return [`t=${t}`, ...list.map((s) => `v1=${hmacHex(s, t, body)}`)].join(',');
}

export type SignatureCheck =
  | { ok: true; timestamp: number }
  | { ok: false; reason: 'malformed' | 'stale_timestamp' | 'bad_signature' };

/**
 * For receivers: checks a `Vigie-Signature` header against the raw request body (the exact bytes
 * received, before any JSON parsing) and the shared secret. Refuses timestamps more than
 * `toleranceS` seconds away from `nowS` (replay protection), compares in constant time.
 */
export function verifyWebhookSignature(
  body: string | Buffer,
  header: string | null | undefined,
  secret: string,
  toleranceS: number = DEFAULT_TOLERANCE_S,
  nowS: number = Date.now() / 1000,
): SignatureCheck {
  if (typeof header !== 'string' || header.length > 4096) return { ok: false, reason: 'malformed' };
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestamp === undefined || signatures.length === 0) return { ok: false, reason: 'malformed' };
  if (Math.abs(nowS - timestamp) > toleranceS) return { ok: false, reason: 'stale_timestamp' };
  const expected = Buffer.from(hmacHex(secret, timestamp, body), 'hex');
  const match = signatures.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected));
  return match ? { ok: true, timestamp } : { ok: false, reason: 'bad_signature' };
}
