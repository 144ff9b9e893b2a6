import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { serviceDatabaseUrl } from '@emporium/config';
import { eventually, stackEndpoints } from '@emporium/testing';
import { control } from './harness.ts';
import { addToCart, checkout, newShopper, order, productOnSale, publishPaymentEvent, stockOf } from './shop.ts';

/**
 * Nothing is lost, and nothing applied twice, when Kafka Connect or the event consumers stop
 * in the middle of a run of orders: outbox rows wait in PostgreSQL's WAL, events wait in
 * Kafka, and on recovery every order reaches its status exactly once.
 */
const ORDER_OUTBOX_SLOT = (
  JSON.parse(readFileSync(new URL('../cdc-connectors/order-outbox.json', import.meta.url), 'utf8')) as {
    config: { 'slot.name': string };
  }
).config['slot.name'];

interface Placed {
  token: string;
  id: string;
}

async function placeOrders(productId: string, count: number): Promise<Placed[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const token = await newShopper('recovery');
      await addToCart(token, productId, 1);
      const result = await checkout(token, randomUUID());
      expect(result.order?.status).toBe('PENDING');
      return { token, id: result.order?.id ?? '' };
    }),
  );
}

/** The order outbox's replication slot: whether a reader holds it, and whether it lags the WAL written so far. */
async function orderOutboxSlot(): Promise<{ active: boolean; behind: boolean }> {
  const client = new pg.Client({ connectionString: serviceDatabaseUrl(stackEndpoints().postgres.url, 'order') });
  await client.connect();
  try {
    // Stopping Connect ends its replication connection; the slot is released a moment later.
    return await eventually(
      async () => {
        const { rows } = await client.query<{ active: boolean; behind: boolean }>(
          `select active, confirmed_flush_lsn < pg_current_wal_lsn() as behind
             from pg_replication_slots where slot_name = $1`,
          [ORDER_OUTBOX_SLOT],
        );
        return rows[0]?.active === false ? rows[0] : undefined;
      },
      { what: `slot ${ORDER_OUTBOX_SLOT} to have no reader` },
    );
  } finally {
    await client.end();
  }
}

async function statusesOf(placed: readonly Placed[]): Promise<{ status: string; history: string[] }[]> {
  return Promise.all(
    placed.map(async ({ token, id }) => {
      const current = await order(token, id);
      return {
        status: current?.status ?? 'MISSING',
        history: current?.statusHistory.map((change) => change.status) ?? [],
      };
    }),
  );
}

/** Waits until every order has one of `statuses`; resolves with each one's status and history. */
const allReach = (placed: readonly Placed[], ...statuses: string[]) =>
  eventually(
    async () => {
      const seen = await statusesOf(placed);
      return seen.every((s) => statuses.includes(s.status)) ? seen : undefined;
    },
    { what: `${placed.length} orders to reach ${statuses.join(' or ')}`, timeoutMs: 90_000, intervalMs: 1000 },
  );

describe('recovery', () => {
  it('delivers every order event exactly once across a Kafka Connect restart and a consumer restart', async () => {
    const product = await productOnSale('12.00', 100);
    const before = await placeOrders(product.id, 4);
    await allReach(before, 'AWAITING_PAYMENT');

    // Connect down: checkouts still succeed; their events wait in the WAL.
    await control('components', 'connect', 'stop');
    let duringConnectOutage: Placed[];
    try {
      duringConnectOutage = await placeOrders(product.id, 4);
      // Nothing reads the order outbox's WAL: the slot has no reader and has not confirmed
      // the checkouts' writes, so these orders cannot have moved, and PENDING is no luck.
      expect(await orderOutboxSlot()).toEqual({ active: false, behind: true });
      expect((await statusesOf(duringConnectOutage)).map((s) => s.status)).toEqual(Array(4).fill('PENDING'));
    } finally {
      await control('components', 'connect', 'start');
    }
    await allReach(duringConnectOutage, 'AWAITING_PAYMENT');

    // Orders to pay while the consumers are down, fresh so their reservations are far from lapsing.
    const toPay = await placeOrders(product.id, 4);
    await allReach(toPay, 'AWAITING_PAYMENT');

    // Consumers down: events wait in Kafka, payments included.
    await control('services', 'cart-worker', 'stop');
    await control('services', 'order-worker', 'stop');
    let duringWorkerOutage: Placed[];
    try {
      duringWorkerOutage = await placeOrders(product.id, 4);
      for (const { id } of toPay) {
        const paid = {
          orderId: id,
          paymentId: randomUUID(),
          amount: { amountMinor: 1200, currencyCode: 'USD' },
          at: new Date().toISOString(),
        };
        await publishPaymentEvent('PaymentSubmitted', paid);
        await publishPaymentEvent('PaymentSucceeded', paid);
      }
    } finally {
      await control('services', 'order-worker', 'start');
      await control('services', 'cart-worker', 'start');
    }
    const fresh = await allReach(duringWorkerOutage, 'AWAITING_PAYMENT');
    const paid = await allReach(toPay, 'PAID');
    // The earlier orders were seen reserved above; on a slow machine the run can outlast their
    // reservation (45 s in e2e), and then the sweeper has expired them, once.
    const earlier = await allReach([...before, ...duringConnectOutage], 'AWAITING_PAYMENT', 'EXPIRED');

    // Exactly once: each status appears once in each history, and stock adds up.
    for (const { history } of fresh) expect(history).toEqual(['PENDING', 'AWAITING_PAYMENT']);
    for (const { status, history } of earlier) {
      expect(history).toEqual(['PENDING', 'AWAITING_PAYMENT', ...(status === 'EXPIRED' ? ['EXPIRED'] : [])]);
    }
    for (const { history } of paid)
      expect(history).toEqual(['PENDING', 'AWAITING_PAYMENT', 'PAYMENT_PROCESSING', 'PAID']);
    await eventually(
      async () => {
        // Each order awaiting payment holds its unit; paid ones took theirs; expired ones gave theirs back.
        const holding = (await statusesOf([...before, ...duringConnectOutage, ...duringWorkerOutage])).filter(
          (s) => s.status === 'AWAITING_PAYMENT',
        ).length;
        const stock = await stockOf(product.id);
        return stock.onHand === 96 && stock.reserved === holding && stock.available === 96 - holding ? true : undefined;
      },
      { what: 'stock to add up: 4 units sold, one reserved per order awaiting payment' },
    );
  }, 300_000);
});
