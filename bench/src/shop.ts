/**
 * What the commerce scenarios do before they measure: sign in, register shoppers, and put a
 * product of their own on sale with stock, through the router as a client would.
 */
import { randomUUID } from 'node:crypto';
import { DEMO_ADMIN } from '@emporium/seed';
import { ROUTER, serviceUrl } from '../../infra/src/services.ts';
import { routerGraphQL, runLoad, type LoadResult } from './load.ts';

export const graphql = <T>(query: string, variables: object, token?: string): Promise<T> =>
  routerGraphQL<T>(serviceUrl(ROUTER, '/graphql'), query, variables, token);

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function signInAdmin(): Promise<string> {
  const { login } = await graphql<{ login: { token: string } }>(
    'mutation ($input: LoginInput!) { login(input: $input) { token } }',
    { input: { email: DEMO_ADMIN.email, password: DEMO_ADMIN.password } },
  );
  return login.token;
}

/** `count` new shopper accounts, one after the other (password hashing is deliberately slow). */
export async function registerShoppers(count: number, label: string): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const { register } = await graphql<{ register: { token: string } }>(
      'mutation ($input: RegisterInput!) { register(input: $input) { token } }',
      {
        input: {
          email: `${label}.${randomUUID()}@example.com`,
          password: 'correct horse battery staple',
          displayName: 'Bench',
        },
      },
    );
    tokens.push(register.token);
  }
  return tokens;
}

/** Creates a product priced `amount` USD and gives it `stock` units once the cart service has learned of it. */
export async function productOnSale(admin: string, name: string, amount: string, stock: number): Promise<string> {
  const { products } = await graphql<{
    products: { edges: { node: { category: { id: string }; seller: { id: string } } }[] };
  }>('{ products(first: 1) { edges { node { category { id } seller { id } } } } }', {});
  const first = products.edges[0]?.node;
  if (!first) throw new Error('the catalogue is empty');
  const { createProduct } = await graphql<{ createProduct: { product: { id: string } } }>(
    'mutation ($input: CreateProductInput!) { createProduct(input: $input) { product { id } } }',
    {
      input: {
        name: `${name} ${randomUUID().slice(0, 6)}`,
        description: 'A benchmark product.',
        brand: 'Emporium',
        price: { amount, currencyCode: 'USD' },
        categoryId: first.category.id,
        sellerId: first.seller.id,
      },
    },
    admin,
  );
  const id = createProduct.product.id;
  // The cart service learns of new products through CDC: wait until it accepts stock.
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const { setStock } = await graphql<{ setStock: { userErrors: { code: string }[] } }>(
      'mutation ($input: SetStockInput!) { setStock(input: $input) { userErrors { code } } }',
      { input: { productId: id, quantity: stock } },
      admin,
    );
    if (setStock.userErrors.length === 0) return id;
    await sleep(200);
  }
  throw new Error('the cart service never learned of the product');
}

export interface OrderView {
  status: string;
  statusHistory: { status: string; at: string }[];
}

const orderQuery = 'query ($id: ID!) { order(id: $id) { status statusHistory { status at } } }';

/** Polls the order through the router until it has `wanted` status. */
export async function waitForStatus(token: string, id: string, wanted: string): Promise<OrderView> {
  for (let attempt = 0; attempt < 600; attempt += 1) {
    const { order } = await graphql<{ order: OrderView | null }>(orderQuery, { id }, token);
    if (order?.status === wanted) return order;
    await sleep(50);
  }
  throw new Error(`order ${id} never reached ${wanted}`);
}

/** Puts one unit of the product in the shopper's cart. */
export async function addToCart(token: string, productId: string): Promise<void> {
  const { addToCart } = await graphql<{ addToCart: { userErrors: { code: string }[] } }>(
    'mutation ($input: AddToCartInput!) { addToCart(input: $input) { userErrors { code } } }',
    { input: { productId, quantity: 1 } },
    token,
  );
  const refused = addToCart.userErrors[0];
  if (refused) throw new Error(`addToCart refused: ${refused.code}`);
}

/** Checks out the shopper's cart; resolves with the order placed (PENDING until the saga moves it on). */
export async function checkout(token: string): Promise<string> {
  const { checkout } = await graphql<{ checkout: { order: { id: string } | null } }>(
    'mutation ($input: CheckoutInput!) { checkout(input: $input) { order { id } } }',
    { input: { idempotencyKey: randomUUID() } },
    token,
  );
  const orderId = checkout.order?.id;
  if (!orderId) throw new Error('checkout placed no order');
  return orderId;
}

/** A shopper's order holding its stock, waiting to be paid. */
export interface AwaitingOrder {
  token: string;
  orderId: string;
}

/**
 * Untimed preparation: `count` orders of one unit of `productId`, placed in a closed loop by
 * the shoppers in turn (`concurrency` at once), each awaited until AWAITING_PAYMENT.
 */
export async function placeAwaitingOrders(
  shoppers: readonly string[],
  productId: string,
  count: number,
  concurrency: number,
): Promise<{ orders: AwaitingOrder[]; result: LoadResult }> {
  const orders: AwaitingOrder[] = [];
  const result = await runLoad({
    concurrency,
    requests: count,
    send: async (index) => {
      const token = shoppers[index % shoppers.length] ?? '';
      await addToCart(token, productId);
      const orderId = await checkout(token);
      await waitForStatus(token, orderId, 'AWAITING_PAYMENT');
      orders.push({ token, orderId });
    },
  });
  return { orders, result };
}

/** Where browsers tokenize cards, as the platform tells them. */
export interface PaymentConfig {
  publishableKey: string;
  tokenizationUrl: string;
}

export async function paymentConfig(): Promise<PaymentConfig> {
  const { paymentConfig } = await graphql<{ paymentConfig: PaymentConfig }>(
    '{ paymentConfig { publishableKey tokenizationUrl } }',
    {},
  );
  return paymentConfig;
}

/** Tokenizes the success test card at the provider, as a browser does before paying; returns the card token. */
export async function tokenizeTestCard(config: PaymentConfig): Promise<string> {
  const tokenized = await fetch(config.tokenizationUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${config.publishableKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ card: { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' } }),
  });
  return ((await tokenized.json()) as { id: string }).id;
}

/** payOrder through the router with a tokenized card; returns the first user error's code, if refused. */
export async function payOrder(order: AwaitingOrder, paymentMethodToken: string): Promise<string | undefined> {
  const { payOrder } = await graphql<{ payOrder: { userErrors: { code: string }[] } }>(
    'mutation ($input: PayOrderInput!) { payOrder(input: $input) { userErrors { code } } }',
    {
      input: {
        orderId: order.orderId,
        idempotencyKey: randomUUID(),
        paymentType: 'CARD',
        paymentMode: 'ONLINE',
        paymentMethodToken,
      },
    },
    order.token,
  );
  return payOrder.userErrors[0]?.code;
}
