import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header the provider signs its webhooks with: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = 'emporium-pay-signature';
/** How far a webhook's timestamp may be from now; older (or future) deliveries may be replays. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export type SignatureCheck = { ok: true } | { ok: false; reason: 'malformed' | 'stale' | 'mismatch' };

const hmac = (secret: string, timestamp: string, rawBody: Buffer | string): Buffer =>
  createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();

/** The header value the provider would send for `rawBody` at `timestamp`; tests sign with it. */
export function signWebhook(secret: string, rawBody: Buffer | string, timestamp: number): string {
  return `t=${timestamp},v1=${hmac(secret, String(timestamp), rawBody).toString('hex')}`;
}

/**
 * Checks a webhook's signature over the raw bytes received (never a re-serialised body):
 * HMAC-SHA256(secret, "<t>.<raw body>") compared in constant time with each v1 entry, and
 * the timestamp within the tolerance of `nowSeconds`, so a captured delivery cannot be
 * replayed later.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  rawBody: Buffer | string,
  nowSeconds: number,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): SignatureCheck {
  if (!header) return { ok: false, reason: 'malformed' };
  let timestamp: string | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value !== undefined && /^\d{1,12}$/.test(value)) timestamp = value;
    else if (key === 'v1' && value !== undefined && /^[0-9a-f]{64}$/i.test(value)) {
      signatures.push(Buffer.from(value, 'hex'));
    }
  }
  if (timestamp === undefined || signatures.length === 0) return { ok: false, reason: 'malformed' };
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return { ok: false, reason: 'stale' };
  const expected = hmac(secret, timestamp, rawBody);
  return signatures.some((signature) => timingSafeEqual(signature, expected))
    ? { ok: true }
    : { ok: false, reason: 'mismatch' };
}
