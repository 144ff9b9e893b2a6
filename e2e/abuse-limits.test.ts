import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEMO_SHOPPER } from '@emporium/seed';
import { ROUTER_URL, gql, run } from './client.ts';
import { webSocketUrl } from './live.ts';
import { addToCart, checkout, myCart, newShopper, orderReaches, productOnSale, stockOf } from './shop.ts';

/** Attacks that pack many expensive fields into one request; each is refused before any work. */
describe('abuse limits per operation', () => {
  let token: string;
  let productId: string;

  beforeAll(async () => {
    token = await newShopper('aliaser');
    productId = (await productOnSale('25.00', 10)).id;
  });

  it('refuses 250 aliased password guesses in one request', async () => {
    const guesses = Array.from(
      { length: 250 },
      (_, i) => `g${i}: login(input: { email: "${DEMO_SHOPPER.email}", password: "guess-${i}" }) { token }`,
    ).join('\n');
    const result = await gql(`mutation { ${guesses} }`);
    expect(result.errors?.[0]?.extensions?.['code']).toBe('QUERY_TOO_COMPLEX');
    expect(result.errors?.[0]?.message).toMatch(/`login` once; this one runs it 250 times/);
    expect(result.data).toBeUndefined();
  });

  it('refuses two aliased checkouts, placing no order and keeping the cart', async () => {
    await addToCart(token, productId, 2);
    const result = await gql(
      `mutation($a: CheckoutInput!, $b: CheckoutInput!) {
        a: checkout(input: $a) { order { id } }
        b: checkout(input: $b) { order { id } }
      }`,
      { a: { idempotencyKey: randomUUID() }, b: { idempotencyKey: randomUUID() } },
      { token },
    );
    expect(result.errors?.[0]?.extensions?.['code']).toBe('QUERY_TOO_COMPLEX');
    const orders = await run<{ myOrders: { edges: unknown[] } }>('MyOrders', {}, { token });
    expect(orders.data?.myOrders.edges).toEqual([]);
    expect((await myCart(token)).lines.map((line) => line.quantity)).toEqual([2]);
  });

  it('refuses 20 aliased pages of 100 search hits by their cost, and serves one such page', async () => {
    const page = (alias: string): string =>
      `${alias}: searchProducts(query: "phone", first: 100) { edges { node { id name price { amount } } } }`;
    const twenty = await gql(`{ ${Array.from({ length: 20 }, (_, i) => page(`p${i}`)).join('\n')} }`);
    expect(twenty.errors?.[0]?.extensions?.['code']).toBe('QUERY_TOO_COMPLEX');
    expect(twenty.errors?.[0]?.message).toMatch(/costs \d+/);

    const one = await gql(`{ ${page('p')} }`);
    expect(one.errors).toBeUndefined();
  });

  it('refuses a sixth unpaid order with TOO_MANY_PENDING_ORDERS, holding no more stock', async () => {
    const hoarder = await newShopper('hoarder');
    const product = await productOnSale('3.00', 20);
    for (let i = 0; i < 5; i += 1) {
      await addToCart(hoarder, product.id, 1);
      const placed = await checkout(hoarder);
      expect(placed.userErrors).toEqual([]);
      // Reserved, so the cart has given up that line before the next one goes in.
      await orderReaches(hoarder, placed.order?.id ?? '', 'AWAITING_PAYMENT');
    }
    await addToCart(hoarder, product.id, 1);
    const sixth = await checkout(hoarder);
    expect(sixth.order).toBeNull();
    expect(sixth.userErrors.map((error) => error.code)).toEqual(['TOO_MANY_PENDING_ORDERS']);
    expect((await stockOf(product.id)).reserved).toBe(5);
    expect((await myCart(hoarder)).totalQuantity).toBe(1);
  });
});

/** A raw graphql-transport-ws socket, to see exactly how the router answers and closes it. */
function openSocket(): { socket: WebSocket; closed: Promise<{ code: number; reason: string }> } {
  const socket = new WebSocket(webSocketUrl(ROUTER_URL), 'graphql-transport-ws');
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
    }),
  );
  return { socket, closed };
}

/** Sends connection_init with `token` and resolves with the router's first answer: ack, or the close. */
async function initialise(socket: WebSocket, closed: Promise<{ code: number }>, token: string): Promise<string> {
  if (socket.readyState !== WebSocket.OPEN) {
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => {
        resolve();
      });
      socket.once('error', reject);
    });
  }
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
  const acked = new Promise<string>((resolve) =>
    socket.on('message', (data: Buffer) => {
      if ((JSON.parse(data.toString()) as { type: string }).type === 'connection_ack') resolve('ack');
    }),
  );
  return Promise.race([acked, closed.then(({ code }) => `closed ${code}`)]);
}

describe('WebSocket limits', () => {
  it('closes a socket that never says who it is (4408), and refuses an eleventh socket of one user (4429)', async () => {
    const silent = openSocket();
    expect((await silent.closed).code).toBe(4408);

    const token = await newShopper('sockets');
    const sockets = Array.from({ length: 11 }, openSocket);
    try {
      const first = await Promise.all(
        sockets.slice(0, 10).map(({ socket, closed }) => initialise(socket, closed, token)),
      );
      expect(first).toEqual(Array.from({ length: 10 }, () => 'ack'));
      const eleventh = sockets[10];
      if (!eleventh) throw new Error('no eleventh socket');
      expect(await initialise(eleventh.socket, eleventh.closed, token)).toBe('closed 4429');

      // A freed place can be taken again.
      sockets[0]?.socket.close();
      await sockets[0]?.closed;
      const again = openSocket();
      sockets.push(again);
      expect(await initialise(again.socket, again.closed, token)).toBe('ack');
    } finally {
      for (const { socket } of sockets) socket.close();
    }
  });
});
