import {
  IF_CLAIMED,
  appendToOutbox,
  claimCte,
  claimEvent,
  outboxInsert,
  type EntityManager,
  type NotificationWatch,
} from '@emporium/db';
import {
  reservationSettlement,
  type DomainEvent,
  type OrderPlaced,
  type StockReservationRejected,
} from '@emporium/contracts';
import { requireRole, userError, type UserError } from '@emporium/graphql-server';
import type { CartRequest, UnitOfWork } from '../request.ts';
import type { Inventory } from '../entities/inventory.entity.ts';
import type { ReservationStatus, ReservedLine } from '../entities/reservation.entity.ts';
import { checkStockQuantity, isUuid, mergeLines } from './cart-rules.ts';
import { inReplica, isForSale } from './lookups.ts';

/** The consumer name under which applied order events are recorded in processed_events. */
export const INVENTORY_CONSUMER = 'cart-inventory';

/** An event as the inventory side receives it. */
type EventOf<T extends DomainEvent['type']> = Extract<DomainEvent, { type: T }>;

/** What applying an order event did; tests and logs read it. */
export type InventoryOutcome = 'duplicate' | 'reserved' | 'rejected' | 'committed' | 'released' | 'ignored';

export interface SetStockPayload {
  inventory: Inventory | null;
  userErrors: UserError[];
}

interface StockRow {
  product_id: string;
  on_hand: number;
  reserved: number;
  updated_at: Date | null;
}

const toInventory = (row: StockRow): Inventory => ({
  productId: row.product_id,
  onHand: row.on_hand,
  reserved: row.reserved,
  updatedAt: row.updated_at,
});

/** Thrown inside the reservation transaction when a line cannot be held; it rolls back every line. */
class Shortage extends Error {
  readonly productId: string;

  constructor(productId: string) {
    super(`not enough stock of ${productId}`);
    this.productId = productId;
  }
}

const now = (): string => new Date().toISOString();

/**
 * How long setStock waits for the catalogue replica to learn of a product: well above the
 * CDC lag (a few hundred ms), short enough that a mistyped id answers PRODUCT_NOT_FOUND soon
 * (payOrder waits as long for its read model).
 */
export const DEFAULT_REPLICA_WAIT_MS = 3_000;

/**
 * Stock: the admin's stock level, and the inventory side of the order saga. An order's units
 * are reserved when it is placed, leave stock when it is paid and go back when it is cancelled
 * or expires. Every step is one transaction with its outbox event and the claim of the event
 * that caused it, so a redelivered event changes nothing.
 */
export class InventoryService {
  readonly #replica: NotificationWatch | null;
  readonly #replicaWaitMs: number;

  /**
   * `replica` fires when the catalogue replica changes (migration 20261220000000); with it,
   * setStock waits up to `replicaWaitMs` for a product the replica has not seen yet.
   */
  constructor(options: { replica?: NotificationWatch; replicaWaitMs?: number } = {}) {
    this.#replica = options.replica ?? null;
    this.#replicaWaitMs = options.replicaWaitMs ?? DEFAULT_REPLICA_WAIT_MS;
  }

  /**
   * ADMIN: sets a product's units on hand, never below what open orders hold. A product the
   * admin has just created reaches the catalogue replica through CDC a moment later; rather
   * than answer PRODUCT_NOT_FOUND meanwhile, the call waits (bounded) for the replica to
   * commit it, so stock is only ever set for a product the replica knows, as carts need.
   */
  async setStock(ctx: CartRequest, input: { productId: string; quantity: number }): Promise<SetStockPayload> {
    requireRole(ctx.caller, 'ADMIN');
    const productId = input.productId.toLowerCase();
    const errors: UserError[] = [];
    const quantityError = checkStockQuantity(input.quantity);
    if (quantityError) errors.push(quantityError);
    // A refused level answers at once; only a valid one is worth waiting for the replica.
    if (!(await (quantityError ? isForSale(ctx.em, productId) : this.#knownProduct(ctx.em, productId)))) {
      errors.push(userError('PRODUCT_NOT_FOUND', 'No product for sale has this id', ['input', 'productId']));
    }
    if (errors.length > 0) return { inventory: null, userErrors: errors };
    // One statement: the stock row's lock orders it against reservations, and the WHERE
    // refuses a level below what is reserved at that very moment.
    const [row] = await ctx.em.execute<StockRow[]>(
      `insert into inventory (product_id, on_hand, reserved, updated_at) values (?, ?, 0, now())
       on conflict (product_id) do update set on_hand = excluded.on_hand, updated_at = now()
       where inventory.reserved <= excluded.on_hand
       returning product_id, on_hand, reserved, updated_at`,
      [productId, input.quantity],
    );
    if (row) return { inventory: toInventory(row), userErrors: [] };
    const [current] = await ctx.em.execute<StockRow[]>(
      'select product_id, on_hand, reserved, updated_at from inventory where product_id = ?',
      [productId],
    );
    const refused = checkStockQuantity(input.quantity, current?.reserved ?? 0);
    return {
      inventory: null,
      userErrors: [
        refused ?? userError('INVALID_QUANTITY', 'Stock cannot go below the reserved units', ['input', 'quantity']),
      ],
    };
  }

  /**
   * True when the replica has the product for sale, now or (with a watch) once it has heard
   * of it within the wait. Only an id the replica has never seen waits: a deleted product
   * answers at once.
   */
  async #knownProduct(em: EntityManager, productId: string): Promise<boolean> {
    if (await isForSale(em, productId)) return true;
    if (!this.#replica || !isUuid(productId) || (await inReplica(em, productId))) return false;
    await this.#replica.until(() => inReplica(em, productId), this.#replicaWaitMs);
    return isForSale(em, productId);
  }

  /** Applies one event of the order topic; anything but placement and the statuses that settle a reservation is ignored. */
  async handle(ctx: UnitOfWork, event: DomainEvent): Promise<InventoryOutcome> {
    if (event.type === 'OrderPlaced') return this.reserve(ctx, event);
    if (event.type === 'OrderStatusChanged') return this.settle(ctx, event);
    return 'ignored';
  }

  /**
   * Reserves every line of a placed order, or none: one conditional update per line, in
   * product order, in one transaction. Success records a HELD reservation, publishes
   * StockReserved and takes the bought units out of the shopper's cart; a shortage rolls
   * everything back, then records the rejection with what is short (the cart is kept).
   */
  async reserve(ctx: UnitOfWork, event: EventOf<'OrderPlaced'>): Promise<InventoryOutcome> {
    const order = event.payload;
    const lines = mergeLines(order.lines);
    try {
      return await ctx.em.transactional(async (em) => {
        if (!(await this.#hold(em, event.id, order, lines))) return 'duplicate';
        // The stock rows last: each update locks its row until commit, and a hot product's
        // row is what every concurrent reservation waits for, so it is held for one round
        // trip and the commit rather than for the whole transaction. A shortage still rolls
        // back everything above.
        for (const line of lines) {
          const held = await em.execute<{ product_id: string }[]>(
            `update inventory set reserved = reserved + ?, updated_at = now()
             where product_id = ? and on_hand - reserved >= ? returning product_id`,
            [line.quantity, line.productId, line.quantity],
          );
          if (held.length === 0) throw new Shortage(line.productId);
        }
        return 'reserved';
      });
    } catch (error) {
      if (!(error instanceof Shortage)) throw error;
      return this.#reject(ctx, event, lines, error.productId);
    }
  }

  /** Commits a held reservation when its order is paid, releases it when cancelled or expired. */
  async settle(ctx: UnitOfWork, event: EventOf<'OrderStatusChanged'>): Promise<InventoryOutcome> {
    const { status, orderId } = event.payload;
    const next = reservationSettlement(status);
    if (!next) return 'ignored';
    return ctx.em.transactional(async (em) => {
      if (!(await claimEvent(em, INVENTORY_CONSUMER, event.id))) return 'duplicate';
      // Only a HELD reservation moves: a repeated or late status change finds none and does nothing.
      const [held] = await em.execute<{ lines: ReservedLine[] | string }[]>(
        `update reservations set status = ?, updated_at = now() where order_id = ? and status = 'HELD' returning lines`,
        [next, orderId],
      );
      if (!held) return 'ignored';
      const lines = mergeLines(
        typeof held.lines === 'string' ? (JSON.parse(held.lines) as ReservedLine[]) : held.lines,
      );
      if (next === 'COMMITTED') {
        await appendToOutbox(em, {
          type: 'StockCommitted',
          aggregateId: orderId,
          payload: { orderId, committedAt: now() },
        });
      } else {
        await appendToOutbox(em, {
          type: 'StockReleased',
          aggregateId: orderId,
          payload: { orderId, reason: status === 'EXPIRED' ? 'EXPIRED' : 'CANCELLED', releasedAt: now() },
        });
      }
      // Paid units leave stock (on hand and reserved both drop); released ones become available
      // again. The stock rows last, as in `reserve`, so their locks are held the least.
      const sql =
        next === 'COMMITTED'
          ? 'update inventory set on_hand = on_hand - ?, reserved = reserved - ?, updated_at = now() where product_id = ?'
          : 'update inventory set reserved = reserved - ?, updated_at = now() where product_id = ?';
      for (const line of lines) {
        const params =
          next === 'COMMITTED' ? [line.quantity, line.quantity, line.productId] : [line.quantity, line.productId];
        await em.execute(sql, params);
      }
      return next === 'COMMITTED' ? 'committed' : 'released';
    });
  }

  /** Records a rejected reservation in a transaction of its own, after the failed one rolled back. */
  async #reject(
    ctx: UnitOfWork,
    event: EventOf<'OrderPlaced'>,
    lines: ReservedLine[],
    failedProductId: string,
  ): Promise<InventoryOutcome> {
    const order = event.payload;
    return ctx.em.transactional(async (em) => {
      if (!(await claimEvent(em, INVENTORY_CONSUMER, event.id))) return 'duplicate';
      if (!(await this.#insertReservation(em, order, lines, 'REJECTED'))) return 'duplicate';
      const stock = await em.execute<{ product_id: string; available: number }[]>(
        'select product_id, greatest(on_hand - reserved, 0) as available from inventory where product_id in (?)',
        [lines.map((line) => line.productId)],
      );
      const available = new Map(stock.map((row) => [row.product_id, row.available]));
      const shortages: StockReservationRejected['shortages'] = lines
        .map((line) => ({
          productId: line.productId,
          requested: line.quantity,
          available: available.get(line.productId) ?? 0,
        }))
        .filter((line) => line.available < line.requested || line.productId === failedProductId);
      await appendToOutbox(em, {
        type: 'StockReservationRejected',
        aggregateId: order.orderId,
        payload: { orderId: order.orderId, shortages, rejectedAt: now() },
      });
      return 'rejected';
    });
  }

  /** False when the order already has a reservation (the same order placed under another event id). */
  async #insertReservation(
    em: EntityManager,
    order: OrderPlaced,
    lines: ReservedLine[],
    status: ReservationStatus,
  ): Promise<boolean> {
    const inserted = await em.execute<{ order_id: string }[]>(
      `insert into reservations (order_id, user_id, lines, status, expires_at) values (?, ?, ?::jsonb, ?, ?)
       on conflict (order_id) do nothing returning order_id`,
      [order.orderId, order.userId, JSON.stringify(lines), status, order.reservationExpiresAt],
    );
    return inserted.length > 0;
  }

  /**
   * The reservation's bookkeeping, in one statement: claims the event, records the HELD
   * reservation, publishes StockReserved and takes the bought units out of the shopper's
   * cart (a line bought whole goes, a bigger one shrinks). False, writing nothing else, when
   * the event was applied before or the order already has a reservation.
   */
  async #hold(em: EntityManager, eventId: string, order: OrderPlaced, lines: ReservedLine[]): Promise<boolean> {
    const claim = claimCte(INVENTORY_CONSUMER, eventId);
    const reserved = outboxInsert(
      [
        {
          type: 'StockReserved',
          aggregateId: order.orderId,
          payload: { orderId: order.orderId, lines, reservedAt: now() },
        },
      ],
      'held',
    );
    const [row] = await em.execute<{ held: number }[]>(
      `with ${claim.sql},
       held as (
         insert into reservations (order_id, user_id, lines, status, expires_at)
         select ?::uuid, ?::uuid, ?::jsonb, 'HELD', ?::timestamptz where ${IF_CLAIMED}
         on conflict (order_id) do nothing returning order_id
       ),
       events as (${reserved.sql}),
       bought (product_id, quantity) as (values ${lines.map(() => '(?::uuid, ?::int)').join(', ')}),
       emptied as (
         delete from cart_lines using bought
         where cart_lines.cart_id = ? and cart_lines.product_id = bought.product_id
           and cart_lines.quantity <= bought.quantity and exists (select 1 from held)
       ),
       shrunk as (
         update cart_lines set quantity = cart_lines.quantity - bought.quantity from bought
         where cart_lines.cart_id = ? and cart_lines.product_id = bought.product_id
           and cart_lines.quantity > bought.quantity and exists (select 1 from held)
       )
       select count(*)::int as held from held`,
      [
        ...claim.params,
        order.orderId,
        order.userId,
        JSON.stringify(lines),
        order.reservationExpiresAt,
        ...reserved.params,
        ...lines.flatMap((line) => [line.productId, line.quantity]),
        order.userId,
        order.userId,
      ],
    );
    return (row?.held ?? 0) > 0;
  }
}
