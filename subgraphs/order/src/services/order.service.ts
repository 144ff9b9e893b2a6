import type { Caller } from '@emporium/auth';
import {
  decodeKeyset,
  encodeKeyset,
  isUuid,
  pageSize,
  requireCaller,
  type UserError,
  userError,
} from '@emporium/graphql-server';
import type { OrderRequest } from '../request.ts';
import { OrderSchema, type Order } from '../entities/order.entity.ts';

import { CANCELLED_REASON } from './order-status.ts';
import { transition } from './order-transition.ts';

/** A mutation's answer about one order. */
export interface OrderPayload {
  order: Order | null;
  userErrors: UserError[];
}

export interface OrderPage {
  edges: { cursor: string; node: Order }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** An order is its owner's; ADMIN sees every order. */
export const isVisibleTo = (caller: Caller | null, order: Order): boolean =>
  caller !== null && (order.userId === caller.userId || caller.roles.includes('ADMIN'));

/** Reading orders and the shopper's own changes to them (checkout lives in checkout.service.ts). */
export class OrderService {
  /** The order if the caller may see it; null for unknown, malformed or someone else's ids. */
  async find(ctx: OrderRequest, id: string): Promise<Order | null> {
    requireCaller(ctx.caller);
    return this.findVisible(ctx, id);
  }

  /** As {@link find}, without demanding a caller: for entity references, where null is the answer. */
  async findVisible(ctx: OrderRequest, id: string): Promise<Order | null> {
    if (!isUuid(id)) return null;
    const order = await ctx.loaders.orderById.load(id.toLowerCase());
    return order && isVisibleTo(ctx.caller, order) ? order : null;
  }

  /** The caller's orders, newest first, in keyset pages. */
  async page(ctx: OrderRequest, args: { first?: number | null; after?: string | null }): Promise<OrderPage> {
    const caller = requireCaller(ctx.caller);
    const first = pageSize(args.first, 10);
    const where: Record<string, unknown> = { userId: caller.userId };
    if (args.after) {
      const { at, id } = decodeKeyset(args.after);
      where['$or'] = [{ createdAt: { $lt: at } }, { createdAt: at, id: { $lt: id } }];
    }
    const rows = await ctx.em.find(OrderSchema, where, {
      orderBy: { createdAt: 'desc', id: 'desc' },
      limit: first + 1,
    });
    const page = rows.slice(0, first);
    for (const order of page) ctx.loaders.orderById.prime(order.id, order);
    const last = page.at(-1);
    return {
      edges: page.map((node) => ({ cursor: encodeKeyset(node), node })),
      pageInfo: { hasNextPage: rows.length > first, endCursor: last ? encodeKeyset(last) : null },
    };
  }

  /**
   * The owner cancels an order that is not paid and has no payment under way. Someone
   * else's order is ORDER_NOT_FOUND, exactly like a missing one, so ids reveal nothing.
   */
  async cancel(ctx: OrderRequest, input: { orderId: string }): Promise<OrderPayload> {
    const caller = requireCaller(ctx.caller);
    const notFound: OrderPayload = {
      order: null,
      userErrors: [userError('ORDER_NOT_FOUND', 'You have no order with this id', ['input', 'orderId'])],
    };
    if (!isUuid(input.orderId)) return notFound;
    const id = input.orderId.toLowerCase();
    const order = await ctx.em.findOne(OrderSchema, { id, userId: caller.userId });
    if (!order) return notFound;
    const change = await transition(ctx.em, id, 'CANCELLED', CANCELLED_REASON);
    const current = await ctx.em.findOneOrFail(OrderSchema, { id }, { refresh: true });
    if (!change) {
      return {
        order: null,
        userErrors: [
          userError(
            'ORDER_NOT_CANCELLABLE',
            `An order in status ${current.status} cannot be cancelled; only PENDING, AWAITING_PAYMENT and PAYMENT_FAILED orders can`,
            ['input', 'orderId'],
          ),
        ],
      };
    }
    return { order: current, userErrors: [] };
  }
}
