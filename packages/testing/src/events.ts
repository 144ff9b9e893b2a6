/**
 * Domain events as the order service publishes them, for tests of the services that consume
 * them (cart's inventory saga, payment's read model): one builder, so a change to an
 * event's payload is made once and checked against its schema by the type checker.
 */
import { randomUUID } from 'node:crypto';
import type { DomainEvent, OrderStatus } from '@emporium/contracts';

export type OrderPlacedEvent = Extract<DomainEvent, { type: 'OrderPlaced' }>;
export type OrderStatusChangedEvent = Extract<DomainEvent, { type: 'OrderStatusChanged' }>;

const RESERVATION_MS = 15 * 60_000;

/** OrderPlaced for `lines` (each at `unitAmountMinor`, 100 by default), reserved for 15 minutes. */
export function orderPlacedEvent(options: {
  orderId?: string;
  userId?: string;
  lines: readonly { productId: string; quantity: number; unitAmountMinor?: number }[];
  currencyCode?: string;
}): OrderPlacedEvent {
  const orderId = options.orderId ?? randomUUID();
  const currencyCode = options.currencyCode ?? 'USD';
  const lines = options.lines.map(({ productId, quantity, unitAmountMinor = 100 }) => ({
    productId,
    quantity,
    unitPrice: { amountMinor: unitAmountMinor, currencyCode },
  }));
  const total = lines.reduce((sum, line) => sum + line.unitPrice.amountMinor * line.quantity, 0);
  return {
    id: randomUUID(),
    type: 'OrderPlaced',
    aggregateId: orderId,
    payload: {
      orderId,
      userId: options.userId ?? randomUUID(),
      lines,
      total: { amountMinor: total, currencyCode },
      placedAt: new Date().toISOString(),
      reservationExpiresAt: new Date(Date.now() + RESERVATION_MS).toISOString(),
    },
  };
}

/** OrderStatusChanged of `orderId` to `status`, the order's `sequence`th change. */
export function orderStatusChangedEvent(options: {
  orderId: string;
  userId?: string;
  sequence: number;
  status: OrderStatus;
  previousStatus?: OrderStatus | null;
  reason?: string | null;
}): OrderStatusChangedEvent {
  return {
    id: randomUUID(),
    type: 'OrderStatusChanged',
    aggregateId: options.orderId,
    payload: {
      orderId: options.orderId,
      userId: options.userId ?? randomUUID(),
      sequence: options.sequence,
      status: options.status,
      previousStatus: options.previousStatus ?? null,
      reason: options.reason ?? null,
      at: new Date().toISOString(),
    },
  };
}
