import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature } from './webhook-signature.ts';

const SECRET = 'whsec_test';
const BODY = '{"id":"evt_1","type":"payment_intent.succeeded"}';
const NOW = 1_800_000_000;

describe('verifyWebhookSignature', () => {
  it('accepts the HMAC-SHA256 of "<t>.<raw body>" with the webhook secret', () => {
    const v1 = createHmac('sha256', SECRET).update(`${NOW}.${BODY}`).digest('hex');
    expect(verifyWebhookSignature(SECRET, `t=${NOW},v1=${v1}`, BODY, NOW)).toEqual({ ok: true });
    expect(signWebhook(SECRET, BODY, NOW)).toBe(`t=${NOW},v1=${v1}`);
  });

  it('accepts any one matching v1 entry (the provider may sign with two secrets while rotating)', () => {
    const good = signWebhook(SECRET, BODY, NOW).split(',')[1] ?? '';
    const header = `t=${NOW},v1=${'0'.repeat(64)},${good}`;
    expect(verifyWebhookSignature(SECRET, header, BODY, NOW)).toEqual({ ok: true });
  });

  it('rejects a body changed after signing, a wrong secret and a missing or malformed header', () => {
    const header = signWebhook(SECRET, BODY, NOW);
    expect(verifyWebhookSignature(SECRET, header, `${BODY} `, NOW)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyWebhookSignature('whsec_other', header, BODY, NOW)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyWebhookSignature(SECRET, undefined, BODY, NOW)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyWebhookSignature(SECRET, 'v1=abc', BODY, NOW)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyWebhookSignature(SECRET, `t=${NOW}`, BODY, NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('rejects a timestamp more than five minutes from now, either way', () => {
    expect(verifyWebhookSignature(SECRET, signWebhook(SECRET, BODY, NOW - 301), BODY, NOW)).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(verifyWebhookSignature(SECRET, signWebhook(SECRET, BODY, NOW + 301), BODY, NOW)).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(verifyWebhookSignature(SECRET, signWebhook(SECRET, BODY, NOW - 300), BODY, NOW)).toEqual({ ok: true });
  });
});
