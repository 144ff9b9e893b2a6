/**
 * What the cart and order e2e tests do again and again, through the router as a client
 * would: sign in, put a product of the test's own on sale with stock, fill a cart, check
 * out and watch the order move. Some tests publish payment outcomes directly as payment
 * events on Kafka, exactly as the payment service's outbox does, to drive the order saga
 * without a provider in the loop; e2e/payments.test.ts pays through the real flow.
 */
import { randomUUID } from 'node:crypto';
import { DEMO_ADMIN } from '@emporium/seed';
import { encodeEventMessage, TOPICS, type EventPayloads } from '@emporium/contracts';
import { createKafka, type Admin, type Producer } from '@emporium/kafka';
import { createLogger } from '@emporium/logging';
import { consumedPast, consumedToEnd, eventually, stackEndpoints, type TopicPosition } from '@emporium/testing';
import { INVENTORY_GROUP } from '../subgraphs/cart/src/events/consumers/inventory.consumer.ts';
import { ORDER_SAGA_CONSUMER } from '../subgraphs/order/src/events/consumers/order-saga.consumer.ts';
import { contractOperation, freshEmail, gql, run } from './client.ts';

export interface Money {
  amount: string;
  currencyCode: string;
}
export interface UserError {
  code: string;
  field: string[] | null;
  message: string;
}
export interface CartView {
  id: string;
  totalQuantity: number;
  subtotal: Money;
  lines: {
    id: string;
    quantity: number;
    product: { id: string; name: string; price: Money; inventory: { available: number } };
  }[];
}
export interface CartPayload {
  cart: CartView | null;
  userErrors: UserError[];
}
export interface OrderView {
  id: string;
  status: string;
  createdAt: string;
  total: Money;
  lines: { quantity: number; unitPrice: Money; product: { id: string; name: string } }[];
  statusHistory: { status: string; at: string; reason: string | null }[];
}

export const ORDER_STATUS = contractOperation('OrderStatus');

export async function signIn(account: { email: string; password: string }): Promise<string> {
  const result = await run<{ login: { token: string | null } }>('Login', {
    input: { email: account.email, password: account.password },
  });
  const token = result.data?.login.token;
  if (!token) throw new Error(`cannot sign in as ${account.email}: ${JSON.stringify(result)}`);
  return token;
}

/** A new shopper account; returns its token. */
export async function newShopper(label = 'buyer'): Promise<string> {
  const result = await run<{ register: { token: string | null } }>('Register', {
    input: { email: freshEmail(label), password: 'correct horse battery staple', displayName: 'E2E Buyer' },
  });
  const token = result.data?.register.token;
  if (!token) throw new Error(`cannot register: ${JSON.stringify(result)}`);
  return token;
}

let adminToken: Promise<string> | undefined;
export const admin = (): Promise<string> => (adminToken ??= signIn(DEMO_ADMIN));

/** Sets a product's stock as an admin; returns the payload. */
export async function setStock(
  productId: string,
  quantity: number,
): Promise<{ inventory: { available: number; inStock: boolean } | null; userErrors: UserError[] }> {
  const result = await run<{
    setStock: { inventory: { available: number; inStock: boolean } | null; userErrors: UserError[] };
  }>('SetStock', { input: { productId, quantity } }, { token: await admin() });
  if (!result.data) throw new Error(`SetStock failed: ${JSON.stringify(result.errors)}`);
  return result.data.setStock;
}

/**
 * Creates a product of the test's own (brand Emporium) priced `amount` USD and gives it
 * `stock` units right away.
 */
export async function productOnSale(amount: string, stock: number): Promise<{ id: string; name: string }> {
  const token = await admin();
  const any = await gql<{ products: { edges: { node: { category: { id: string }; seller: { id: string } } }[] } }>(
    '{ products(first: 1) { edges { node { category { id } seller { id } } } } }',
  );
  const first = any.data?.products.edges[0]?.node;
  if (!first) throw new Error('the catalogue is empty');
  const name = `E2E Gadget ${randomUUID().slice(0, 8)}`;
  const created = await run<{ createProduct: { product: { id: string } | null; userErrors: UserError[] } }>(
    'CreateProduct',
    {
      input: {
        name,
        description: 'A product of the cart and order tests.',
        brand: 'Emporium',
        price: { amount, currencyCode: 'USD' },
        categoryId: first.category.id,
        sellerId: first.seller.id,
      },
    },
    { token },
  );
  const id = created.data?.createProduct.product?.id;
  if (!id) throw new Error(`CreateProduct failed: ${JSON.stringify(created)}`);
  // setStock waits (3 s, bounded) for the cart's replica to learn of the product through CDC.
  // On a loaded CI machine that lag can run longer; the admin then sees PRODUCT_NOT_FOUND
  // and, like a real admin tool, asks again until the replica has the product.
  const errors = await eventually(
    async () => {
      const { userErrors } = await setStock(id, stock);
      const notReplicatedYet = userErrors.length > 0 && userErrors.every((error) => error.code === 'PRODUCT_NOT_FOUND');
      return notReplicatedYet ? undefined : userErrors;
    },
    { timeoutMs: 60_000, intervalMs: 100, what: `the cart's replica to accept stock for ${id}` },
  );
  if (errors.length > 0) throw new Error(`SetStock failed: ${JSON.stringify(errors)}`);
  return { id, name };
}

export async function addToCart(token: string, productId: string, quantity: number): Promise<CartPayload> {
  const result = await run<{ addToCart: CartPayload }>('AddToCart', { input: { productId, quantity } }, { token });
  if (!result.data) throw new Error(`AddToCart failed: ${JSON.stringify(result.errors)}`);
  return result.data.addToCart;
}

export async function myCart(token: string): Promise<CartView> {
  const result = await run<{ cart: CartView }>('MyCart', {}, { token });
  if (!result.data) throw new Error(`MyCart failed: ${JSON.stringify(result.errors)}`);
  return result.data.cart;
}

/**
 * One of the contract's cart mutations by operation name (`AddToCart`, `UpdateCartLine`,
 * `RemoveCartLine`, `MergeGuestCart`) with its input; a guest's when there is no token.
 */
export async function cartMutation(
  operation: 'AddToCart' | 'UpdateCartLine' | 'RemoveCartLine' | 'MergeGuestCart',
  input: Record<string, unknown>,
  token?: string,
): Promise<CartPayload> {
  const field = `${operation.charAt(0).toLowerCase()}${operation.slice(1)}`;
  const result = await run<Record<string, CartPayload>>(operation, { input }, token ? { token } : {});
  const payload = result.data?.[field];
  if (!payload) throw new Error(`${operation} failed: ${JSON.stringify(result.errors)}`);
  return payload;
}

/** The contract's GuestCart: the guest cart with this id, or the code of the error answered instead. */
export async function guestCart(id: string, token?: string): Promise<CartView | string> {
  const result = await run<{ cart: CartView }>('GuestCart', { id }, token ? { token } : {});
  if (result.data?.cart) return result.data.cart;
  const code = result.errors?.[0]?.extensions?.['code'];
  if (typeof code !== 'string') throw new Error(`GuestCart failed: ${JSON.stringify(result)}`);
  return code;
}

export interface CheckoutPayload {
  order: { id: string; status: string; total: Money } | null;
  userErrors: UserError[];
}

/** Times a client asks again after a retryable SERVICE_UNAVAILABLE before it gives up. */
const CHECKOUT_RETRIES = 2;

/**
 * Checks the cart out as the contract tells clients to: an answer of SERVICE_UNAVAILABLE (a
 * subgraph too slow for the router's budget, as when 200 shoppers check out at once on a
 * loaded machine) is asked again after its retryAfterSeconds with the same idempotency key, so
 * an order the slow attempt did place is answered, never placed twice.
 */
export async function checkout(
  token: string,
  idempotencyKey: string = randomUUID(),
  expectedTotal?: Money,
): Promise<CheckoutPayload> {
  for (let attempt = 0; ; attempt++) {
    const result = await run<{ checkout: CheckoutPayload }>(
      'Checkout',
      { input: { idempotencyKey, expectedTotal } },
      { token },
    );
    if (result.data) return result.data.checkout;
    const unavailable = result.errors?.find((error) => error.extensions?.['code'] === 'SERVICE_UNAVAILABLE');
    const retryAfter = unavailable?.extensions?.['retryAfterSeconds'];
    if (attempt >= CHECKOUT_RETRIES || typeof retryAfter !== 'number') {
      throw new Error(`Checkout failed: ${JSON.stringify(result.errors)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
  }
}

export async function order(token: string, id: string): Promise<OrderView | null> {
  const result = await gql<{ order: OrderView | null }>(ORDER_STATUS, { id }, { token });
  if (result.errors) throw new Error(`OrderStatus failed: ${JSON.stringify(result.errors)}`);
  return result.data?.order ?? null;
}

/** Waits until the order reaches `status` (the saga runs through Kafka, so not at once). */
export async function orderReaches(token: string, id: string, status: string, timeoutMs = 60_000): Promise<OrderView> {
  return eventually(
    async () => {
      const current = await order(token, id);
      return current?.status === status ? current : undefined;
    },
    { what: `order ${id} to reach ${status}`, timeoutMs },
  );
}

/** The admin's view of a product's stock. */
export async function stockOf(productId: string): Promise<{ available: number; onHand: number; reserved: number }> {
  type Stock = { available: number; onHand: number; reserved: number };
  const result = await gql<{ product: { inventory: Stock } | null }>(
    'query ($id: ID!) { product(id: $id) { inventory { available onHand reserved } } }',
    { id: productId },
    { token: await admin() },
  );
  const inventory = result.data?.product?.inventory;
  if (!inventory) throw new Error(`no stock for ${productId}: ${JSON.stringify(result)}`);
  return inventory;
}

let producer: Promise<Producer> | undefined;
let kafkaAdmin: Promise<Admin> | undefined;
/** Where each event publishPaymentEvent sent last landed, by event id. */
const published = new Map<string, TopicPosition>();

/** A Kafka client on the running stack's brokers, quiet but for errors. */
export const kafkaClient = (clientId: string): ReturnType<typeof createKafka> =>
  createKafka({ clientId, brokers: stackEndpoints().kafka.brokers, logger: createLogger('e2e', { level: 'error' }) });

const markerAdmin = (): Promise<Admin> =>
  (kafkaAdmin ??= (async () => {
    const created = kafkaClient('e2e-markers').admin();
    await created.connect();
    return created;
  })());

/**
 * Resolves once the order saga has consumed the payment event `eventId` (published by
 * publishPaymentEvent): after it, an order that did not move was not going to.
 */
export async function sagaConsumed(eventId: string): Promise<void> {
  const position = published.get(eventId);
  if (!position) throw new Error(`event ${eventId} was not published by this test run`);
  await consumedPast(await markerAdmin(), ORDER_SAGA_CONSUMER, TOPICS.payment, [position]);
}

/**
 * Resolves once the inventory side of the saga has consumed every order event written so
 * far. A shopper's checkout is the marker: its OrderPlaced leaves the order outbox after
 * every event committed before it, so once that order is AWAITING_PAYMENT every earlier
 * event is in Kafka, and the group then only has to pass the topic's end.
 */
export async function inventoryConsumedOrderEvents(): Promise<void> {
  const marker = await productOnSale('1.00', 1);
  const token = await newShopper('marker');
  await addToCart(token, marker.id, 1);
  const placed = (await checkout(token)).order?.id;
  if (!placed) throw new Error('the marker checkout placed no order');
  await orderReaches(token, placed, 'AWAITING_PAYMENT');
  await consumedToEnd(await markerAdmin(), INVENTORY_GROUP, TOPICS.order);
}

/**
 * Resolves once the order saga has consumed every payment event written so far, through the
 * payment outbox included: `marker` is called first and must return once an event it caused
 * in the payment outbox has moved an order (a payment that reached PAID), which proves that
 * every payment event committed before it is in Kafka.
 */
export async function sagaConsumedPaymentEvents(marker: () => Promise<void>): Promise<void> {
  await marker();
  await consumedToEnd(await markerAdmin(), ORDER_SAGA_CONSUMER, TOPICS.payment);
}

/** Publishes a payment outcome on the payment topic, exactly as the payment service's outbox will. */
export async function publishPaymentEvent<T extends 'PaymentSubmitted' | 'PaymentSucceeded' | 'PaymentFailed'>(
  type: T,
  payload: EventPayloads[T],
  id: string = randomUUID(),
): Promise<string> {
  producer ??= (async () => {
    const created = kafkaClient('e2e-payments').producer();
    await created.connect();
    return created;
  })();
  const [sent] = await (
    await producer
  ).send({
    topic: TOPICS.payment,
    messages: [encodeEventMessage({ id, type, aggregateId: payload.orderId, payload })],
  });
  if (sent?.baseOffset !== undefined) published.set(id, { partition: sent.partition, offset: sent.baseOffset });
  return id;
}

/** Amount in minor units of a contract Money. */
export const minor = (money: Money): number => Math.round(Number(money.amount) * 100);

/** The contract's test cards (see the provider simulator). */
export const CARDS = {
  success: '4242424242424242',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  lostWebhook: '4000000000000259',
} as const;

export interface PaymentConfig {
  provider: string;
  publishableKey: string;
  tokenizationUrl: string;
  supportedPaymentTypes: string[];
}

let paymentConfig: Promise<PaymentConfig> | undefined;

/** The contract's PaymentConfig, read once. */
export function readPaymentConfig(): Promise<PaymentConfig> {
  paymentConfig ??= run<{ paymentConfig: PaymentConfig }>('PaymentConfig').then((result) => {
    if (!result.data) throw new Error(`PaymentConfig failed: ${JSON.stringify(result.errors)}`);
    return result.data.paymentConfig;
  });
  return paymentConfig;
}

/** What a browser does with the card form: exchange the card for a single-use token at the provider. */
export async function tokenize(number: string): Promise<string> {
  const { tokenizationUrl, publishableKey } = await readPaymentConfig();
  const response = await fetch(tokenizationUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${publishableKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ card: { number, expMonth: 12, expYear: 2030, cvc: '123' } }),
  });
  const body = (await response.json()) as { id?: string };
  if (response.status !== 201 || !body.id) throw new Error(`tokenization failed: ${response.status}`);
  return body.id;
}

export interface PayOrderPayload {
  payment: { id: string; status: string; failureReason: string | null } | null;
  order: { id: string; status: string } | null;
  userErrors: UserError[];
}

/** The contract's PayOrder, by card unless `input` says otherwise, under a fresh idempotency key unless given. */
export async function payOrder(token: string, input: Record<string, unknown>): Promise<PayOrderPayload> {
  const result = await run<{ payOrder: PayOrderPayload }>(
    'PayOrder',
    { input: { idempotencyKey: randomUUID(), paymentType: 'CARD', paymentMode: 'ONLINE', ...input } },
    { token },
  );
  if (!result.data) throw new Error(`PayOrder failed: ${JSON.stringify(result.errors)}`);
  return result.data.payOrder;
}
