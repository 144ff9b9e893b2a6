import { afterEach, describe, expect, inject, it } from 'vitest';
import { eventually } from '@emporium/testing';
import { contractOperation, gql } from './client.ts';
import { CARDS, addToCart, checkout, newShopper, orderReaches, payOrder, productOnSale, tokenize } from './shop.ts';

/**
 * Money the provider took for an order that then ended unpaid goes back, and the order's
 * history says so: the payment call times out (the provider takes it all the same), the
 * shopper cancels the order meanwhile, and once the provider answers again the payment
 * worker finds the capture,
 * refunds it and publishes PaymentRefunded, which the order records once, keeping its status.
 */
const SECRETS = inject('platformSecrets');
const CONTROL_URL = inject('providerControlUrl');
const faults = (method: string, body?: unknown): Promise<Response> =>
  fetch(`${CONTROL_URL}/_control/faults`, {
    method,
    headers: { authorization: `Bearer ${SECRETS.providerControlKey}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const CANCEL = `mutation ($input: CancelOrderInput!) {
  cancelOrder(input: $input) { order { id status } userErrors { code } }
}`;

interface OrderWithHistory {
  status: string;
  statusHistory: { status: string; reason: string | null }[];
  payment: { status: string } | null;
}

async function orderOf(token: string, id: string): Promise<OrderWithHistory | null> {
  const result = await gql<{ order: OrderWithHistory | null }>(contractOperation('OrderStatus'), { id }, { token });
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data?.order ?? null;
}

afterEach(async () => {
  await faults('DELETE');
});

describe('refunds', () => {
  it('refunds a capture of an order cancelled meanwhile, and records it in the order’s history once', async () => {
    const product = await productOnSale('59.90', 5);
    const shopper = await newShopper('refunded');
    await addToCart(shopper, product.id, 1);
    const orderId = (await checkout(shopper)).order?.id ?? '';
    await orderReaches(shopper, orderId, 'AWAITING_PAYMENT');

    // The provider never answers, but takes the payment. While it stays silent (lookups time
    // out too, webhooks are held) nothing learns the outcome, so the order can be cancelled.
    expect((await faults('POST', { timeoutRate: 1, webhooksPaused: true })).status).toBe(200);
    await payOrder(shopper, { orderId, paymentMethodToken: await tokenize(CARDS.success) });
    const cancelled = await gql<{ cancelOrder: { order: { status: string } | null; userErrors: unknown[] } }>(
      CANCEL,
      { input: { orderId } },
      { token: shopper },
    );
    expect(cancelled.data?.cancelOrder.order?.status).toBe('CANCELLED');
    await faults('DELETE');

    const refunded = await eventually(
      async () => {
        const current = await orderOf(shopper, orderId);
        return current?.statusHistory.some((entry) => entry.reason?.startsWith('Refunded')) ? current : undefined;
      },
      { what: 'the refund in the order’s history', timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(refunded.status).toBe('CANCELLED');
    expect(refunded.payment?.status).toBe('REFUNDED');
    expect(refunded.statusHistory.at(-1)).toMatchObject({ status: 'CANCELLED', reason: 'Refunded 59.90 USD' });
    expect(refunded.statusHistory.filter((entry) => entry.reason?.startsWith('Refunded'))).toHaveLength(1);
  });
});
