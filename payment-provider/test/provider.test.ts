/**
 * The simulator end to end over HTTP: the server in-process on port 0 and a local webhook
 * receiver standing in for the payment subgraph. Delays are shortened through the options.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createProviderServer, type ProviderServer } from '../src/server.ts';
import { verifyWebhookSignature } from '../src/webhooks.ts';

const keys = {
  publishableKey: 'pk_test_suite',
  secretKey: 'sk_test_suite',
  webhookSecret: 'whsec_suite',
  controlKey: 'control_suite',
};
const SLOW_MS = 400;

interface Intent {
  id: string;
  status: string;
  amount: number;
  currency: string;
  metadata: Record<string, string>;
  created: number;
  failure_code: string | null;
  failure_message: string | null;
  refunded: boolean;
}
interface Delivery {
  headers: IncomingHttpHeaders;
  raw: string;
  event: { id: string; type: string; created: number; data: { object: Intent } };
}
interface Answer<T> {
  status: number;
  headers: Headers;
  text: string;
  body: T;
}
interface Options {
  key?: string | null;
  body?: unknown;
  idempotencyKey?: string;
  signal?: AbortSignal;
}
type ErrorBody = { error: { code: string; message: string } };

let provider: ProviderServer;
let receiver: Server;
const deliveries: Delivery[] = [];
/** Order id → how many 500s the receiver still answers for it. */
const failuresLeft = new Map<string, number>();

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const event = JSON.parse(raw) as Delivery['event'];
      deliveries.push({ headers: req.headers, raw, event });
      const orderId = event.data.object.metadata['orderId'] ?? '';
      const left = failuresLeft.get(orderId) ?? 0;
      failuresLeft.set(orderId, left - 1);
      res.writeHead(left > 0 ? 500 : 200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.address() as AddressInfo;
  provider = createProviderServer({
    ...keys,
    webhookUrl: `http://127.0.0.1:${port}/webhooks/provider`,
    outcomeDelayMs: 30,
    slowCardDelayMs: SLOW_MS,
    webhookRetryDelaysMs: [20, 40],
    timeoutHoldMs: 2000,
  });
  await provider.listen(0);
  await provider.listenControl(0);
});

afterAll(async () => {
  await provider.stop();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

afterEach(async () => {
  await call('DELETE', '/_control/faults');
});

async function call<T = ErrorBody>(method: string, path: string, options: Options = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = {};
  // The switches live on their own loopback server, behind their own key.
  const control = path.startsWith('/_control/');
  const key = options.key === undefined ? (control ? keys.controlKey : keys.secretKey) : options.key;
  if (key !== null) headers['authorization'] = `Bearer ${key}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
  const response = await fetch(`${control ? provider.controlUrl : provider.url}${path}`, {
    method,
    headers,
    ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
    ...(options.signal && { signal: options.signal }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: (text === '' ? null : JSON.parse(text)) as T,
  };
}

const card = (number: string) => ({ card: { number, expMonth: 12, expYear: 2030, cvc: '123' } });

async function tokenize(number = '4242424242424242'): Promise<string> {
  const answer = await call<{ id: string }>('POST', '/v1/tokens', { key: keys.publishableKey, body: card(number) });
  expect(answer.status).toBe(201);
  return answer.body.id;
}

const intentBody = (token: string, orderId: string, amount = 2198) => ({
  amount,
  currency: 'USD',
  payment_method: { type: 'card', token },
  metadata: { orderId },
});

function pay<T = Intent>(body: unknown, idempotencyKey = randomUUID()): Promise<Answer<T>> {
  return call<T>('POST', '/v1/payment_intents', { body, idempotencyKey });
}

async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface EventRecord {
  eventId: string;
  objectId: string | null;
  state: string;
  attempts: number;
}

/** The provider's record of the one webhook event about `intentId`, once it is in `states`. */
const webhookEvent = (intentId: string, states: readonly string[]): Promise<EventRecord> =>
  waitFor(async () => {
    const { body } = await call<{ events: EventRecord[] }>('GET', '/_control/webhooks');
    const record = body.events.find((event) => event.objectId === intentId);
    return record && states.includes(record.state) ? record : undefined;
  });

const settled = (id: string): Promise<Intent> =>
  waitFor(async () => {
    const { body } = await call<Intent>('GET', `/v1/payment_intents/${id}`);
    return body.status === 'processing' ? undefined : body;
  });

const deliveriesFor = (orderId: string): Delivery[] =>
  deliveries.filter((delivery) => delivery.event.data.object.metadata['orderId'] === orderId);

describe('POST /v1/tokens', () => {
  it('tokenizes a valid card (spaces allowed) and answers with CORS headers', async () => {
    const answer = await call<{ id: string }>('POST', '/v1/tokens', {
      key: keys.publishableKey,
      body: card('4242 4242 4242 4242'),
    });
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({ id: answer.body.id, card: { brand: 'visa', last4: '4242' } });
    expect(answer.body.id).toMatch(/^tok_[0-9a-f]{24}$/);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
  });

  it.each([
    [
      'a number failing Luhn',
      { number: '4242424242424241', expMonth: 12, expYear: 2030, cvc: '123' },
      'invalid_number',
    ],
    ['a short number', { number: '4242', expMonth: 12, expYear: 2030, cvc: '123' }, 'invalid_number'],
    ['month 13', { number: '4242424242424242', expMonth: 13, expYear: 2030, cvc: '123' }, 'invalid_expiry'],
    ['a past expiry', { number: '4242424242424242', expMonth: 1, expYear: 2020, cvc: '123' }, 'invalid_expiry'],
    ['a 2-digit cvc', { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '12' }, 'invalid_cvc'],
    ['a 5-digit cvc', { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '12345' }, 'invalid_cvc'],
    [
      'an unknown field',
      { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123', pin: 1 },
      'parameter_unknown',
    ],
  ])('refuses %s with 400', async (_case, cardInput, code) => {
    const answer = await call('POST', '/v1/tokens', { key: keys.publishableKey, body: { card: cardInput } });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe(code);
    expect(answer.text).not.toContain('4242424242424242');
  });

  it.each([
    ['the secret key', keys.secretKey],
    ['no key', null],
  ])('refuses %s with 401 invalid_api_key', async (_case, key) => {
    const answer = await call('POST', '/v1/tokens', { key, body: card('4242424242424242') });
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('invalid_api_key');
  });

  it('answers the CORS preflight', async () => {
    const answer = await call('OPTIONS', '/v1/tokens', { key: null });
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.headers.get('access-control-allow-headers')).toBe('authorization, content-type');
    expect(answer.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
  });

  it('refuses a body that is not JSON', async () => {
    const response = await fetch(`${provider.url}/v1/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.publishableKey}`, 'content-type': 'application/json' },
      body: '{"card":',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'invalid_json' } });
  });
});

describe('POST /v1/payment_intents', () => {
  it('creates a processing intent', async () => {
    const orderId = randomUUID();
    const answer = await pay(intentBody(await tokenize(), orderId));
    expect(answer.status).toBe(200);
    expect(answer.body.id).toMatch(/^pi_[0-9a-f]{24}$/);
    expect(Math.abs(answer.body.created - Date.now() / 1000)).toBeLessThan(5);
    expect(answer.body).toEqual({
      id: answer.body.id,
      status: 'processing',
      amount: 2198,
      currency: 'USD',
      metadata: { orderId },
      created: answer.body.created,
      failure_code: null,
      failure_message: null,
      refunded: false,
    });
  });

  it('replays the same response for the same key and body, creating nothing new', async () => {
    const orderId = randomUUID();
    const body = intentBody(await tokenize(), orderId);
    const key = randomUUID();
    const first = await pay(body, key);
    await settled(first.body.id);
    const again = await pay(body, key);
    expect(again.status).toBe(first.status);
    expect(again.text).toBe(first.text);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const listed = await call<{ data: Intent[] }>('GET', `/v1/payment_intents?order_id=${orderId}`);
    expect(listed.body.data.map((intent) => intent.id)).toEqual([first.body.id]);
    expect(deliveriesFor(orderId)).toHaveLength(1);
  });

  it('refuses the same key with a different body with 409', async () => {
    const orderId = randomUUID();
    const token = await tokenize();
    const key = randomUUID();
    expect((await pay(intentBody(token, orderId), key)).status).toBe(200);
    const answer = await pay<ErrorBody>(intentBody(token, orderId, 5000), key);
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('idempotency_key_reused');
  });

  it('spends a token once', async () => {
    const token = await tokenize();
    expect((await pay(intentBody(token, randomUUID()))).status).toBe(200);
    const answer = await pay<ErrorBody>(intentBody(token, randomUUID()));
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('token_already_used');
  });

  it('leaves a token usable when the request is refused', async () => {
    const token = await tokenize();
    const refused = await pay<ErrorBody>(intentBody(token, randomUUID(), -5));
    expect(refused.body.error.code).toBe('invalid_amount');
    expect((await pay(intentBody(token, randomUUID()))).status).toBe(200);
  });

  it.each([
    ['an unknown token', intentBody('tok_unknown', 'o'), 'invalid_token'],
    ['a bad VPA', { amount: 100, currency: 'INR', payment_method: { type: 'upi', vpa: 'not a vpa' } }, 'invalid_vpa'],
    ['an unknown method', { amount: 100, currency: 'USD', payment_method: { type: 'cash' } }, 'invalid_payment_method'],
    [
      'a lower-case currency',
      { amount: 100, currency: 'usd', payment_method: { type: 'upi', vpa: 'a@b' } },
      'invalid_currency',
    ],
    [
      'a fractional amount',
      { amount: 1.5, currency: 'USD', payment_method: { type: 'upi', vpa: 'a@b' } },
      'invalid_amount',
    ],
    [
      'numeric metadata',
      { amount: 1, currency: 'USD', payment_method: { type: 'upi', vpa: 'a@b' }, metadata: { n: 1 } },
      'invalid_metadata',
    ],
    [
      'an unknown parameter',
      { amount: 1, currency: 'USD', payment_method: { type: 'upi', vpa: 'a@b' }, capture: true },
      'parameter_unknown',
    ],
  ])('refuses %s with 400', async (_case, body, code) => {
    const answer = await pay<ErrorBody>(body);
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe(code);
  });

  it('requires an Idempotency-Key and the secret key', async () => {
    const body = intentBody(await tokenize(), randomUUID());
    const missing = await call('POST', '/v1/payment_intents', { body });
    expect([missing.status, missing.body.error.code]).toEqual([400, 'idempotency_key_missing']);
    const publishable = await call('POST', '/v1/payment_intents', {
      body,
      key: keys.publishableKey,
      idempotencyKey: 'k',
    });
    expect([publishable.status, publishable.body.error.code]).toEqual([401, 'invalid_api_key']);
  });

  it('answers 404 resource_missing for an unknown intent', async () => {
    const answer = await call('GET', '/v1/payment_intents/pi_missing');
    expect([answer.status, answer.body.error.code]).toEqual([404, 'resource_missing']);
  });
});

describe('outcomes and webhooks', () => {
  it.each([
    ['4242424242424242', 'succeeded', null, 'payment_intent.succeeded'],
    ['4000000000000002', 'failed', 'card_declined', 'payment_intent.payment_failed'],
    ['4000000000009995', 'failed', 'insufficient_funds', 'payment_intent.payment_failed'],
    ['5555555555554444', 'succeeded', null, 'payment_intent.succeeded'],
  ])('card %s ends %s (%s) with a signed %s webhook', async (number, status, failureCode, type) => {
    const orderId = randomUUID();
    const created = await pay(intentBody(await tokenize(number), orderId));
    const intent = await settled(created.body.id);
    expect(intent).toMatchObject({ status, failure_code: failureCode });
    const [delivery] = await waitFor(() => (deliveriesFor(orderId).length > 0 ? deliveriesFor(orderId) : undefined));
    expect(delivery?.event.id).toMatch(/^evt_/);
    expect(delivery?.event).toMatchObject({ type, data: { object: intent } });
    const signature = delivery?.headers['emporium-pay-signature'] as string;
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(keys.webhookSecret, signature, delivery?.raw ?? '', 300)).toBe(true);
    expect(verifyWebhookSignature('whsec_wrong', signature, delivery?.raw ?? '', 300)).toBe(false);
  });

  it.each([
    ['success@upi', 'succeeded', null],
    ['failure@upi', 'failed', 'upi_declined'],
    ['someone.else@okbank', 'succeeded', null],
  ])('UPI %s ends %s', async (vpa, status, failureCode) => {
    const created = await pay({ amount: 5000, currency: 'INR', payment_method: { type: 'upi', vpa } });
    expect(created.status).toBe(200);
    expect(await settled(created.body.id)).toMatchObject({ status, failure_code: failureCode });
  });

  it('settles the slow card only after the slow delay', async () => {
    const started = Date.now();
    const created = await pay(intentBody(await tokenize('4000000000003220'), randomUUID()));
    expect((await call<Intent>('GET', `/v1/payment_intents/${created.body.id}`)).body.status).toBe('processing');
    expect((await settled(created.body.id)).status).toBe('succeeded');
    expect(Date.now() - started).toBeGreaterThanOrEqual(SLOW_MS);
  });

  it('never delivers the webhook of card 4000000000000259, while the lookup API shows the outcome', async () => {
    const orderId = randomUUID();
    await pay(intentBody(await tokenize('4000000000000259'), orderId));
    const listed = await waitFor(async () => {
      const { body } = await call<{ data: Intent[] }>('GET', `/v1/payment_intents?order_id=${orderId}`);
      return body.data[0]?.status === 'succeeded' ? body.data : undefined;
    });
    expect(listed).toHaveLength(1);
    // Withheld is final: the provider will never attempt this event.
    expect(await webhookEvent(listed[0]?.id ?? '', ['withheld'])).toMatchObject({ attempts: 0 });
    expect(deliveriesFor(orderId)).toEqual([]);
  });

  it('retries a refused webhook with the same event and body, signed afresh', async () => {
    const orderId = randomUUID();
    failuresLeft.set(orderId, 2);
    const created = await pay(intentBody(await tokenize(), orderId));
    const received = await waitFor(() => (deliveriesFor(orderId).length >= 3 ? deliveriesFor(orderId) : undefined));
    expect(new Set(received.map((delivery) => delivery.raw)).size).toBe(1);
    for (const delivery of received) {
      const header = delivery.headers['emporium-pay-signature'] as string;
      expect(verifyWebhookSignature(keys.webhookSecret, header, delivery.raw, 300)).toBe(true);
    }
    const eventId = received[0]?.event.id;
    const log = await call<{ data: { eventId: string; attempt: number; statusCode: number }[] }>(
      'GET',
      '/_control/webhooks',
    );
    const attempts = log.body.data.filter((attempt) => attempt.eventId === eventId);
    expect(attempts.map(({ attempt, statusCode }) => [attempt, statusCode])).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
    // Delivered is final: no fourth attempt follows a 2xx.
    expect(await webhookEvent(created.body.id, ['delivered'])).toMatchObject({ eventId, attempts: 3 });
    expect(deliveriesFor(orderId)).toHaveLength(3);
  });
});

describe('POST /v1/refunds', () => {
  it('refunds a succeeded payment once, idempotently', async () => {
    const created = await pay(intentBody(await tokenize(), randomUUID()));
    await settled(created.body.id);
    const key = randomUUID();
    const refund = await call<{ id: string }>('POST', '/v1/refunds', {
      body: { payment_intent: created.body.id },
      idempotencyKey: key,
    });
    expect(refund.status).toBe(200);
    expect(refund.body.id).toMatch(/^re_/);
    expect(refund.body).toEqual({
      id: refund.body.id,
      status: 'succeeded',
      payment_intent: created.body.id,
      amount: 2198,
    });
    expect((await call<Intent>('GET', `/v1/payment_intents/${created.body.id}`)).body.refunded).toBe(true);
    const replay = await call('POST', '/v1/refunds', {
      body: { payment_intent: created.body.id },
      idempotencyKey: key,
    });
    expect(replay.text).toBe(refund.text);
    const again = await call('POST', '/v1/refunds', {
      body: { payment_intent: created.body.id },
      idempotencyKey: randomUUID(),
    });
    expect([again.status, again.body.error.code]).toEqual([400, 'charge_already_refunded']);
  });

  it.each([
    ['a failed payment', '4000000000000002', true],
    ['a payment still processing', '4000000000003220', false],
  ])('refuses %s with charge_not_refundable', async (_case, number, wait) => {
    const created = await pay(intentBody(await tokenize(number), randomUUID()));
    if (wait) await settled(created.body.id);
    const answer = await call('POST', '/v1/refunds', {
      body: { payment_intent: created.body.id },
      idempotencyKey: randomUUID(),
    });
    expect([answer.status, answer.body.error.code]).toEqual([400, 'charge_not_refundable']);
  });

  it('answers 404 for an unknown payment and 400 without an Idempotency-Key', async () => {
    const unknown = await call('POST', '/v1/refunds', { body: { payment_intent: 'pi_x' }, idempotencyKey: 'r' });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'resource_missing']);
    const keyless = await call('POST', '/v1/refunds', { body: { payment_intent: 'pi_x' } });
    expect([keyless.status, keyless.body.error.code]).toEqual([400, 'idempotency_key_missing']);
  });
});

describe('the control endpoints', () => {
  it('answer only on loopback, only to the control key, and not on the API port', async () => {
    expect(new URL(provider.controlUrl).hostname).toBe('127.0.0.1');
    for (const key of [null, keys.secretKey, 'control_wrong']) {
      const refused = await call('POST', '/_control/faults', { body: { errorRate: 1 }, key });
      expect([refused.status, refused.body.error.code]).toEqual([401, 'invalid_api_key']);
    }
    const onApi = await fetch(`${provider.url}/_control/faults`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.controlKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ errorRate: 1 }),
    });
    expect(onApi.status).toBe(404);
    // Nothing was switched on by any of them.
    expect((await call<{ errorRate: number }>('GET', '/_control/faults')).body.errorRate).toBe(0);
  });

  it('do not exist without a control key', async () => {
    const bare = createProviderServer({ ...keys, controlKey: undefined, webhookUrl: 'http://127.0.0.1:9/' });
    await expect(bare.listenControl(0)).rejects.toThrow(/control key/);
    await bare.stop();
  });
});

describe('fault injection', () => {
  const setFaults = (body: unknown) => call('POST', '/_control/faults', { body });

  it('answers 500 api_error at errorRate 1, without creating anything, and leaves tokens alone', async () => {
    expect((await setFaults({ errorRate: 1 })).status).toBe(200);
    const token = await tokenize();
    const orderId = randomUUID();
    const answer = await pay<ErrorBody>(intentBody(token, orderId));
    expect([answer.status, answer.body.error.code]).toEqual([500, 'api_error']);
    await call('DELETE', '/_control/faults');
    const listed = await call<{ data: Intent[] }>('GET', `/v1/payment_intents?order_id=${orderId}`);
    expect(listed.body.data).toEqual([]);
  });

  it('adds latency', async () => {
    await setFaults({ latencyMs: 150 });
    const started = Date.now();
    expect((await call('GET', `/v1/payment_intents?order_id=${randomUUID()}`)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('never answers at timeoutRate 1, yet processes the request: a retry with the same key finds it', async () => {
    await setFaults({ timeoutRate: 1 });
    const body = intentBody(await tokenize(), randomUUID());
    const key = randomUUID();
    await expect(
      call('POST', '/v1/payment_intents', { body, idempotencyKey: key, signal: AbortSignal.timeout(300) }),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
    await call('DELETE', '/_control/faults');
    const retry = await pay(body, key);
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
  });

  it('holds webhooks while paused and delivers them on resume', async () => {
    await setFaults({ webhooksPaused: true });
    const orderId = randomUUID();
    const created = await pay(intentBody(await tokenize(), orderId));
    await settled(created.body.id);
    const held = await webhookEvent(created.body.id, ['held', 'sending', 'delivered']);
    expect(held).toMatchObject({ state: 'held', attempts: 0 });
    expect(deliveriesFor(orderId)).toEqual([]);
    await setFaults({ webhooksPaused: false });
    await waitFor(() => (deliveriesFor(orderId).length === 1 ? true : undefined));
    expect(await webhookEvent(created.body.id, ['delivered'])).toMatchObject({ eventId: held.eventId, attempts: 1 });
  });

  it('refuses invalid switches', async () => {
    const answer = await setFaults({ errorRate: 2 });
    expect([answer.status, answer.body.error.code]).toEqual([400, 'parameter_invalid']);
    expect((await setFaults({ chaos: true })).body.error.code).toBe('parameter_unknown');
  });

  it('reports health', async () => {
    expect((await call('GET', '/health', { key: null })).status).toBe(200);
  });
});
