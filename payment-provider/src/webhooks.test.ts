import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@emporium/logging';
import { signWebhook, verifyWebhookSignature, WebhookDispatcher } from './webhooks.ts';

const secret = 'whsec_test';
const body = '{"id":"evt_1","type":"payment_intent.succeeded"}';
const now = 1_790_000_000;

describe('webhook signatures', () => {
  it('signs HMAC-SHA256 over "<t>.<body>"', () => {
    const expected = createHmac('sha256', secret).update(`${now}.${body}`).digest('hex');
    expect(signWebhook(secret, now, body)).toBe(`t=${now},v1=${expected}`);
  });

  it('verifies its own signature within the tolerance', () => {
    expect(verifyWebhookSignature(secret, signWebhook(secret, now - 60, body), body, 300, now)).toBe(true);
  });

  it('accepts a header with several v1 signatures when one matches (secret rotation)', () => {
    const header = `t=${now},v1=${'0'.repeat(64)},${signWebhook(secret, now, body).split(',')[1] ?? ''}`;
    expect(verifyWebhookSignature(secret, header, body, 300, now)).toBe(true);
  });

  it.each([
    ['a tampered body', signWebhook(secret, now, body), `${body} `],
    ['another secret', signWebhook('whsec_other', now, body), body],
    ['a stale timestamp', signWebhook(secret, now - 301, body), body],
    ['a timestamp from the future', signWebhook(secret, now + 301, body), body],
    ['no timestamp', signWebhook(secret, now, body).split(',')[1] ?? '', body],
    ['no signature', `t=${now}`, body],
    ['a truncated signature', signWebhook(secret, now, body).slice(0, -2), body],
    ['garbage', 'nonsense', body],
  ])('rejects %s', (_case, header, rawBody) => {
    expect(verifyWebhookSignature(secret, header, rawBody, 300, now)).toBe(false);
  });

  it('rejects a missing header', () => {
    expect(verifyWebhookSignature(secret, undefined, body, 300, now)).toBe(false);
  });
});

describe('the webhook control log', () => {
  const event = (id: string) => ({
    id,
    type: 'payment_intent.succeeded',
    created: now,
    data: { object: { id: `pi_${id}` } },
  });

  it('remembers at most maxRecords events, forgetting the oldest, and shows a withheld one as settled', () => {
    const dispatcher = new WebhookDispatcher({
      url: 'http://127.0.0.1:9/',
      secret,
      logger: createLogger('webhooks-test', { level: 'silent' }),
      maxRecords: 2,
    });
    dispatcher.paused = true;
    dispatcher.send(event('evt_1'));
    dispatcher.send(event('evt_2'));
    dispatcher.withhold(event('evt_3'));
    expect(dispatcher.events).toEqual([
      { eventId: 'evt_2', type: 'payment_intent.succeeded', objectId: 'pi_evt_2', state: 'held', attempts: 0 },
      { eventId: 'evt_3', type: 'payment_intent.succeeded', objectId: 'pi_evt_3', state: 'withheld', attempts: 0 },
    ]);
    dispatcher.stop();
  });
});
