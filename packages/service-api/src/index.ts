/**
 * Internal HTTP APIs one service offers another, outside the supergraph. There is one: at
 * checkout the order service reads the shopper's cart, priced from the cart service's
 * replica of the catalogue, so the order is priced by the platform and never by the client.
 * Calls carry an assertion signed with the order service's own private key, addressed to
 * the cart service and naming the shopper, so the cart service hands out only that
 * shopper's cart and only to the order service (the router's key does not open it either).
 */
import { randomUUID } from 'node:crypto';
import { ROUTER_ASSERTION_HEADER, signRouterAssertion, type AssertionSigningKey, type Caller } from '@emporium/auth';

/** Path of the cart service's checkout snapshot; the shopper is the assertion's subject. */
export const CART_SNAPSHOT_PATH = '/internal/v1/checkout-snapshot';
/** The audience of assertions the cart service accepts (its subgraph name). */
export const CART_SERVICE_AUDIENCE = 'cart';

/** One cart line as checkout prices it. */
export interface CartSnapshotLine {
  lineId: string;
  productId: string;
  quantity: number;
  /** The catalogue price now, in minor units; null when the product left the catalogue. */
  unitPrice: { amountMinor: number; currencyCode: string } | null;
}

/** The shopper's cart at checkout; `lines` is empty for an empty (or never used) cart. */
export interface CartSnapshot {
  userId: string;
  lines: CartSnapshotLine[];
}

/** The cart service could not be asked (down, slow, or answering an error). */
export class CartServiceUnavailable extends Error {
  constructor(reason: string) {
    super(`cart service unavailable: ${reason}`);
    this.name = 'CartServiceUnavailable';
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function readLine(raw: unknown): CartSnapshotLine {
  if (!isRecord(raw)) throw new CartServiceUnavailable('malformed line');
  const { lineId, productId, quantity, unitPrice } = raw;
  if (typeof lineId !== 'string' || typeof productId !== 'string' || !Number.isSafeInteger(quantity)) {
    throw new CartServiceUnavailable('malformed line');
  }
  if (unitPrice !== null) {
    if (
      !isRecord(unitPrice) ||
      !Number.isSafeInteger(unitPrice['amountMinor']) ||
      typeof unitPrice['currencyCode'] !== 'string'
    ) {
      throw new CartServiceUnavailable('malformed unit price');
    }
  }
  return raw as unknown as CartSnapshotLine;
}

/** Asks the cart service for `caller`'s cart, within `timeoutMs`. */
export async function fetchCartSnapshot(options: {
  cartServiceUrl: string;
  /** The order service's key (issuer ORDER_SERVICE_ISSUER). */
  signingKey: AssertionSigningKey;
  caller: Caller;
  requestId?: string;
  timeoutMs?: number;
}): Promise<CartSnapshot> {
  const assertion = await signRouterAssertion(options.signingKey, CART_SERVICE_AUDIENCE, {
    caller: options.caller,
    requestId: options.requestId ?? randomUUID(),
  });
  let response: Response;
  try {
    response = await fetch(`${options.cartServiceUrl.replace(/\/+$/, '')}${CART_SNAPSHOT_PATH}`, {
      headers: { [ROUTER_ASSERTION_HEADER]: assertion, accept: 'application/json' },
      signal: AbortSignal.timeout(options.timeoutMs ?? 2000),
    });
  } catch (error) {
    throw new CartServiceUnavailable(error instanceof Error ? error.message : String(error));
  }
  if (!response.ok) throw new CartServiceUnavailable(`answered ${response.status}`);
  const body: unknown = await response.json();
  if (!isRecord(body) || typeof body['userId'] !== 'string' || !Array.isArray(body['lines'])) {
    throw new CartServiceUnavailable('malformed snapshot');
  }
  if (body['userId'] !== options.caller.userId) throw new CartServiceUnavailable('snapshot of another shopper');
  return { userId: body['userId'], lines: body['lines'].map(readLine) };
}
