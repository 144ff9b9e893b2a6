/**
 * The platform's domain events: their payload types, the topic each travels on, and the
 * JSON Schema in `schema/events/` that every payload is checked against on both ends.
 * The schemas are the contract between teams; these types mirror them (a test keeps the
 * two in step), so producers and consumers share one definition instead of copies.
 */

/** Versioned topics; a breaking change to a payload gets a new topic (`.v2`), never an edit. */
export const TOPICS = {
  order: 'order.events.v1',
  inventory: 'inventory.events.v1',
  payment: 'payment.events.v1',
} as const;
export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

/** An amount in the currency's minor unit (cents); events never carry decimal strings. */
export interface EventMoney {
  amountMinor: number;
  currencyCode: string;
}

export const ORDER_STATUSES = [
  'PENDING',
  'AWAITING_PAYMENT',
  'PAYMENT_PROCESSING',
  'PAYMENT_FAILED',
  'PAID',
  'REJECTED',
  'EXPIRED',
  'CANCELLED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Fired when a shopper checks out: the order is PENDING and asks inventory to reserve its lines. */
export interface OrderPlaced {
  orderId: string;
  userId: string;
  lines: { productId: string; quantity: number; unitPrice: EventMoney }[];
  total: EventMoney;
  placedAt: string;
  /** When an unpaid reservation lapses; inventory keeps it with the reservation. */
  reservationExpiresAt: string;
}

/** Fired on every transition of an order; `sequence` counts an order's changes 1, 2, 3 … without gaps. */
export interface OrderStatusChanged {
  orderId: string;
  userId: string;
  sequence: number;
  status: OrderStatus;
  previousStatus: OrderStatus | null;
  reason: string | null;
  at: string;
}

/** Fired when every line of an order was reserved in one transaction. */
export interface StockReserved {
  orderId: string;
  lines: { productId: string; quantity: number }[];
  reservedAt: string;
}

/** Fired when an order's lines could not all be reserved; nothing was reserved. */
export interface StockReservationRejected {
  orderId: string;
  shortages: { productId: string; requested: number; available: number }[];
  rejectedAt: string;
}

/** Fired when a held reservation went back to available stock. */
export interface StockReleased {
  orderId: string;
  reason: 'CANCELLED' | 'EXPIRED';
  releasedAt: string;
}

/** Fired when a paid order's reservation left stock: on hand and reserved both dropped. */
export interface StockCommitted {
  orderId: string;
  committedAt: string;
}

/** Fired when a payment went to the provider and awaits its outcome. */
export interface PaymentSubmitted {
  orderId: string;
  paymentId: string;
  amount: EventMoney;
  at: string;
}

/** Fired when the provider captured an order's payment. */
export interface PaymentSucceeded {
  orderId: string;
  paymentId: string;
  amount: EventMoney;
  at: string;
}

/** Fired when the provider declined an order's payment. */
export interface PaymentFailed {
  orderId: string;
  paymentId: string;
  reason: string;
  at: string;
}

/**
 * Fired when money captured for an order went back to the shopper: a payment that arrived
 * after the order had ended unpaid, or a second capture of an order already paid. The
 * order keeps its status; its history records the refund.
 */
export interface PaymentRefunded {
  orderId: string;
  paymentId: string;
  amount: EventMoney;
  at: string;
}

/** Every event type with its payload. */
export interface EventPayloads {
  OrderPlaced: OrderPlaced;
  OrderStatusChanged: OrderStatusChanged;
  StockReserved: StockReserved;
  StockReservationRejected: StockReservationRejected;
  StockReleased: StockReleased;
  StockCommitted: StockCommitted;
  PaymentSubmitted: PaymentSubmitted;
  PaymentSucceeded: PaymentSucceeded;
  PaymentFailed: PaymentFailed;
  PaymentRefunded: PaymentRefunded;
}
export type EventType = keyof EventPayloads;

/** The topic of each event type, and its aggregate (the outbox's `aggregatetype`, which routes it there). */
export const EVENT_TOPICS: { readonly [T in EventType]: { topic: Topic; aggregateType: keyof typeof TOPICS } } = {
  OrderPlaced: { topic: TOPICS.order, aggregateType: 'order' },
  OrderStatusChanged: { topic: TOPICS.order, aggregateType: 'order' },
  StockReserved: { topic: TOPICS.inventory, aggregateType: 'inventory' },
  StockReservationRejected: { topic: TOPICS.inventory, aggregateType: 'inventory' },
  StockReleased: { topic: TOPICS.inventory, aggregateType: 'inventory' },
  StockCommitted: { topic: TOPICS.inventory, aggregateType: 'inventory' },
  PaymentSubmitted: { topic: TOPICS.payment, aggregateType: 'payment' },
  PaymentSucceeded: { topic: TOPICS.payment, aggregateType: 'payment' },
  PaymentFailed: { topic: TOPICS.payment, aggregateType: 'payment' },
  PaymentRefunded: { topic: TOPICS.payment, aggregateType: 'payment' },
};

export const EVENT_TYPES = Object.keys(EVENT_TOPICS) as EventType[];

export const isEventType = (value: unknown): value is EventType =>
  typeof value === 'string' && Object.hasOwn(EVENT_TOPICS, value);

/** One event as a consumer sees it, typed by its `type`. */
export type DomainEvent = {
  [T in EventType]: {
    /** The outbox row's id: unique per event, what consumers deduplicate on. */
    id: string;
    type: T;
    /** The aggregate the event belongs to (the Kafka message key): every event of one order shares a partition. */
    aggregateId: string;
    payload: EventPayloads[T];
  };
}[EventType];
