import { randomUUID } from 'node:crypto';
import type { AssertionSigningKey, Caller } from '@emporium/auth';
import {
  CheckConstraintViolationException,
  UniqueConstraintViolationException,
  outboxInsert,
  type EntityManager,
} from '@emporium/db';
import { badUserInput, requireCaller, serviceUnavailable, userError, type UserError } from '@emporium/graphql-server';
import type { Logger } from '@emporium/logging';
import { CURRENCY_CODE, formatMinor, parseAmount } from '@emporium/money';
import { CartServiceUnavailable, fetchCartSnapshot, type CartSnapshot } from '@emporium/service-api';
import type { OrderRequest } from '../request.ts';
import { OrderSchema, type Order } from '../entities/order.entity.ts';
import { cartClaim, cartFingerprint } from './cart-fingerprint.ts';
import type { OrderPayload } from './order.service.ts';

/** What checkout needs besides the request: where the cart is, and how long stock stays reserved. */
export interface CheckoutOptions {
  cartServiceUrl: string;
  /** The order service's own key; the cart service accepts only assertions signed with it. */
  signingKey: AssertionSigningKey;
  reservationTtlSeconds: number;
  /** Unpaid orders one shopper may hold at once: each holds stock for the reservation's lifetime. */
  maxUnpaidOrders: number;
  logger: Logger;
  /** How long the cart service may take before checkout fails. */
  cartTimeoutMs?: number;
}

export interface CheckoutInput {
  idempotencyKey: string;
  expectedTotal?: { amount: string; currencyCode: string } | null;
}

/** 1 to 128 characters, none of them control or unassigned characters. */
const IDEMPOTENCY_KEY = /^\P{C}{1,128}$/u;

interface PricedCart {
  lines: { productId: string; quantity: number; unitPriceMinor: number }[];
  totalMinor: number;
  currencyCode: string;
}

/**
 * Checkout: prices the shopper's cart, as the cart service reports it now, and places a
 * PENDING order with its OrderPlaced and first OrderStatusChanged events in one
 * transaction. The idempotency key makes a retry (a lost answer, a double click) return
 * the order it already placed instead of placing another.
 */
export class CheckoutService {
  readonly #options: CheckoutOptions;

  constructor(options: CheckoutOptions) {
    this.#options = options;
  }

  async checkout(ctx: OrderRequest, input: CheckoutInput): Promise<OrderPayload> {
    const caller = requireCaller(ctx.caller);
    const key = input.idempotencyKey;
    if (!IDEMPOTENCY_KEY.test(key)) throw badUserInput('idempotencyKey must be 1 to 128 printable characters');
    const expected = input.expectedTotal ? readExpectedTotal(input.expectedTotal) : null;

    // The key first: its lookup waits for a connection of the bounded pool, which spaces out
    // a burst of checkouts before they all reach the cart service at once (read together,
    // 200 simultaneous checkouts pushed cart reads past their timeout).
    const existing = await findByKey(ctx.em, caller.userId, key);
    const snapshot = await this.readCart(ctx, caller);
    const fingerprint = cartFingerprint(snapshot.lines);
    if (existing) return replay(existing, snapshot, fingerprint);

    const priced = priceCart(snapshot);
    if ('code' in priced) {
      // A concurrent request with this key may have placed its order, and the reservation
      // emptied the cart, after the key was looked up but before the cart was read. The
      // cart read saw the reservation, so a second look finds the order that caused it.
      const placedMeanwhile = priced.code === 'CART_EMPTY' ? await findByKey(ctx.em, caller.userId, key) : null;
      if (placedMeanwhile) return replay(placedMeanwhile, snapshot, fingerprint);
      return { order: null, userErrors: [priced] };
    }
    if (expected && (expected.minor !== BigInt(priced.totalMinor) || expected.currencyCode !== priced.currencyCode)) {
      const now = formatMinor(priced.totalMinor, priced.currencyCode);
      return {
        order: null,
        userErrors: [
          userError('PRICE_CHANGED', `Prices changed: the total is now ${now.amount} ${now.currencyCode}`, [
            'input',
            'expectedTotal',
          ]),
        ],
      };
    }

    let placed: Order | null;
    try {
      placed = await this.place(ctx.em, caller, key, { fingerprint, claim: cartClaim(snapshot.lines) }, priced);
    } catch (error) {
      if (isCartClaimed(error)) {
        // A concurrent retry with this key can lose on the cart's claim rather than on the key.
        const raced = await findByKey(ctx.em, caller.userId, key);
        if (raced) return replay(raced, snapshot, fingerprint);
        // Another checkout (another tab, another key) already ordered these very lines; the
        // reservation is about to take them out of the cart.
        return {
          order: null,
          userErrors: [userError('CART_EMPTY', 'The items in your cart were already ordered', null)],
        };
      }
      if (!isUnpaidCapViolation(error)) throw error;
      const limit = this.#options.maxUnpaidOrders;
      return {
        order: null,
        userErrors: [
          userError(
            'TOO_MANY_PENDING_ORDERS',
            `You have ${limit} unpaid orders; pay for or cancel one before placing another`,
            null,
          ),
        ],
      };
    }
    if (placed) return { order: placed, userErrors: [] };
    // A concurrent checkout with the same key placed it first: answer as a retry would be.
    const raced = await findByKey(ctx.em, caller.userId, key);
    if (!raced) throw new Error('the idempotency key conflicted, yet no order holds it');
    return replay(raced, snapshot, fingerprint);
  }

  private async readCart(ctx: OrderRequest, caller: Caller): Promise<CartSnapshot> {
    try {
      return await fetchCartSnapshot({
        cartServiceUrl: this.#options.cartServiceUrl,
        signingKey: this.#options.signingKey,
        caller,
        requestId: ctx.requestId,
        ...(this.#options.cartTimeoutMs === undefined ? {} : { timeoutMs: this.#options.cartTimeoutMs }),
      });
    } catch (error) {
      if (!(error instanceof CartServiceUnavailable)) throw error;
      this.#options.logger.error(
        { err: error, requestId: ctx.requestId, cartServiceUrl: this.#options.cartServiceUrl },
        'checkout could not read the cart; no order was placed',
      );
      throw serviceUnavailable('The cart could not be read; no order was placed. Try again shortly.', { cause: error });
    }
  }

  /**
   * Inserts the order, its lines, its first history row and both events, and counts it
   * among the shopper's unpaid orders, in one statement: one round trip, atomic as a
   * transaction is, and the order row comes back from it. Returns null when an order with
   * this key already exists (committed by a concurrent checkout): the insert then does
   * nothing, and neither does the rest, which is written only for an order this statement
   * inserted. Past the unpaid-order cap the count's check fails the whole statement, and
   * so does a cart state another order already claimed (orders_cart_claim_unique).
   */
  private async place(
    em: EntityManager,
    caller: Caller,
    key: string,
    taken: { fingerprint: string; claim: string },
    cart: PricedCart,
  ): Promise<Order | null> {
    const id = randomUUID();
    const placedAt = new Date();
    const expiresAt = new Date(placedAt.getTime() + this.#options.reservationTtlSeconds * 1000);
    const money = (amountMinor: number) => ({ amountMinor, currencyCode: cart.currencyCode });
    const events = outboxInsert(
      [
        {
          type: 'OrderPlaced',
          aggregateId: id,
          payload: {
            orderId: id,
            userId: caller.userId,
            lines: cart.lines.map((line) => ({
              productId: line.productId,
              quantity: line.quantity,
              unitPrice: money(line.unitPriceMinor),
            })),
            total: money(cart.totalMinor),
            placedAt: placedAt.toISOString(),
            reservationExpiresAt: expiresAt.toISOString(),
          },
        },
        {
          type: 'OrderStatusChanged',
          aggregateId: id,
          payload: {
            orderId: id,
            userId: caller.userId,
            sequence: 1,
            status: 'PENDING',
            previousStatus: null,
            reason: null,
            at: placedAt.toISOString(),
          },
        },
      ],
      'placed',
    );
    const rows = await em.execute<Record<string, unknown>[]>(
      `with placed as (
         insert into orders (id, user_id, status, idempotency_key, cart_fingerprint, cart_claim, total_minor,
           currency_code, reservation_expires_at, status_sequence, created_at, updated_at)
         values (?, ?, 'PENDING', ?, ?, ?, ?, ?, ?, 1, ?, ?)
         on conflict (user_id, idempotency_key) do nothing
         returning *
       ), unpaid as (
         insert into unpaid_orders (user_id, count, cap) select user_id, 1, ? from placed
         on conflict (user_id) do update set count = unpaid_orders.count + 1, cap = excluded.cap
       ), lines as (
         insert into order_lines (id, order_id, product_id, quantity, unit_price_minor, currency_code, position)
         select line.id, placed.id, line.product_id, line.quantity, line.unit_price_minor, placed.currency_code, line.position
         from placed, (values ${cart.lines.map(() => '(?::uuid, ?::uuid, ?::int, ?::bigint, ?::int)').join(', ')})
           as line (id, product_id, quantity, unit_price_minor, position)
       ), history as (
         insert into order_status_history (order_id, sequence, status, reason, at)
         select id, 1, 'PENDING', null, created_at from placed
       ), events as (${events.sql})
       select * from placed`,
      [
        id,
        caller.userId,
        key,
        taken.fingerprint,
        taken.claim,
        cart.totalMinor,
        cart.currencyCode,
        expiresAt,
        placedAt,
        placedAt,
        this.#options.maxUnpaidOrders,
        ...cart.lines.flatMap((line, position) => [
          randomUUID(),
          line.productId,
          line.quantity,
          line.unitPriceMinor,
          position,
        ]),
        ...events.params,
      ],
    );
    const [row] = rows;
    return row ? em.map(OrderSchema, row) : null;
  }
}

/** An order of this shopper already took the cart in this very state. */
const isCartClaimed = (error: unknown): boolean =>
  error instanceof UniqueConstraintViolationException && error.message.includes('orders_cart_claim_unique');

/** The unpaid-order count's check refused the checkout: the shopper is at the cap. */
const isUnpaidCapViolation = (error: unknown): boolean =>
  error instanceof CheckConstraintViolationException && error.message.includes('unpaid_orders_within_cap');

const findByKey = (em: EntityManager, userId: string, key: string): Promise<Order | null> =>
  em.findOne(OrderSchema, { userId, idempotencyKey: key }, { refresh: true });

/**
 * A checkout whose key already placed an order. The same cart (or an empty one: the cart
 * gives up what was bought once stock is reserved) is a retry and gets that order back,
 * with no new events; a different cart under the same key is a mistake the client must see.
 */
function replay(existing: Order, snapshot: CartSnapshot, fingerprint: string): OrderPayload {
  if (snapshot.lines.length === 0 || fingerprint === existing.cartFingerprint) {
    return { order: existing, userErrors: [] };
  }
  return {
    order: null,
    userErrors: [
      userError(
        'IDEMPOTENCY_KEY_REUSED',
        'This idempotency key already placed an order for a different cart; use a new key for a new checkout',
        ['input', 'idempotencyKey'],
      ),
    ],
  };
}

function readExpectedTotal(total: { amount: string; currencyCode: string }): { minor: bigint; currencyCode: string } {
  const minor = parseAmount(total.amount);
  if (minor === undefined) {
    throw badUserInput('expectedTotal.amount must be a non-negative decimal amount with at most two decimals');
  }
  const currencyCode = total.currencyCode.trim().toUpperCase();
  if (!CURRENCY_CODE.test(currencyCode)) throw badUserInput('expectedTotal.currencyCode must be an ISO 4217 code');
  return { minor, currencyCode };
}

/** Totals the snapshot, or the user error that stops the checkout. */
function priceCart(snapshot: CartSnapshot): PricedCart | UserError {
  if (snapshot.lines.length === 0) return userError('CART_EMPTY', 'Your cart is empty', null);
  const lines: PricedCart['lines'] = [];
  const currencies = new Set<string>();
  let total = 0n;
  for (const line of snapshot.lines) {
    if (!line.unitPrice) {
      return userError(
        'PRODUCT_NOT_FOUND',
        `Product ${line.productId} is no longer sold; remove it from your cart to check out`,
        ['input'],
      );
    }
    if (line.quantity < 1) throw new Error(`the cart service reported quantity ${line.quantity} for a line`);
    currencies.add(line.unitPrice.currencyCode);
    total += BigInt(line.quantity) * BigInt(line.unitPrice.amountMinor);
    lines.push({ productId: line.productId, quantity: line.quantity, unitPriceMinor: line.unitPrice.amountMinor });
  }
  const [currencyCode] = currencies;
  if (currencyCode === undefined || currencies.size > 1) {
    return userError(
      'MIXED_CURRENCIES',
      `Your cart holds prices in ${[...currencies].sort().join(' and ')}; one order takes one currency`,
      ['input'],
    );
  }
  if (total > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error('the order total is out of range');
  return { lines, totalMinor: Number(total), currencyCode };
}
