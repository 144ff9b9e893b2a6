import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  EVENT_TOPICS,
  EVENT_TYPES,
  InvalidEvent,
  decodeEventMessage,
  encodeEventMessage,
  schemaFile,
  validatePayload,
  type EventPayloads,
  type EventType,
} from './index.ts';

const ORDER = '0a63fc10-4612-4513-9566-3a6c2c12e3ab';
const OTHER = '6ff6fe1e-2162-4b7d-8ad4-88edcd9248e0';
const AT = '2026-11-25T17:51:38.606Z';
const USD = (amountMinor: number) => ({ amountMinor, currencyCode: 'USD' });

/** One valid payload of every type; the compiler holds each to its TypeScript type. */
const EXAMPLES: { [T in EventType]: EventPayloads[T] } = {
  OrderPlaced: {
    orderId: ORDER,
    userId: OTHER,
    lines: [{ productId: OTHER, quantity: 2, unitPrice: USD(1099) }],
    total: USD(2198),
    placedAt: AT,
    reservationExpiresAt: AT,
  },
  OrderStatusChanged: {
    orderId: ORDER,
    userId: OTHER,
    sequence: 1,
    status: 'PENDING',
    previousStatus: null,
    reason: null,
    at: AT,
  },
  StockReserved: { orderId: ORDER, lines: [{ productId: OTHER, quantity: 2 }], reservedAt: AT },
  StockReservationRejected: {
    orderId: ORDER,
    shortages: [{ productId: OTHER, requested: 3, available: 1 }],
    rejectedAt: AT,
  },
  StockReleased: { orderId: ORDER, reason: 'EXPIRED', releasedAt: AT },
  StockCommitted: { orderId: ORDER, committedAt: AT },
  PaymentSubmitted: { orderId: ORDER, paymentId: OTHER, amount: USD(2198), at: AT },
  PaymentSucceeded: { orderId: ORDER, paymentId: OTHER, amount: USD(2198), at: AT },
  PaymentFailed: { orderId: ORDER, paymentId: OTHER, reason: 'card_declined', at: AT },
  PaymentRefunded: { orderId: ORDER, paymentId: OTHER, amount: USD(2198), at: AT },
};

describe('event catalogue', () => {
  it.each(EVENT_TYPES)('%s: the JSON Schema names the same fields and topic as the TypeScript type', (type) => {
    const schema = JSON.parse(readFileSync(schemaFile(type), 'utf8')) as {
      title: string;
      required: string[];
      'x-topic': string;
    };
    expect(schema.title).toBe(type);
    expect(schema['x-topic']).toBe(EVENT_TOPICS[type].topic);
    expect([...schema.required].sort()).toEqual(Object.keys(EXAMPLES[type]).sort());
    expect(validatePayload(type, EXAMPLES[type])).toBe(EXAMPLES[type]);
  });

  it('refuses payloads with missing, extra or wrongly typed fields, naming the field', () => {
    const missing: Partial<EventPayloads['OrderStatusChanged']> = { ...EXAMPLES.OrderStatusChanged };
    delete missing.reason;
    expect(() => validatePayload('OrderStatusChanged', missing)).toThrow(/must have required property 'reason'/);
    expect(() => validatePayload('StockCommitted', { ...EXAMPLES.StockCommitted, extra: 1 })).toThrow(InvalidEvent);
    expect(() => validatePayload('OrderPlaced', { ...EXAMPLES.OrderPlaced, lines: [] })).toThrow(/\/lines/);
    expect(() =>
      validatePayload('OrderPlaced', { ...EXAMPLES.OrderPlaced, total: { amountMinor: 10.5, currencyCode: 'USD' } }),
    ).toThrow(/\/total\/amountMinor/);
    expect(() => validatePayload('StockReserved', { ...EXAMPLES.StockReserved, orderId: 'order-1' })).toThrow(
      /\/orderId/,
    );
  });
});

describe('event messages on Kafka', () => {
  it('decode what encode wrote', () => {
    const message = encodeEventMessage({
      id: OTHER,
      type: 'PaymentFailed',
      aggregateId: ORDER,
      payload: EXAMPLES.PaymentFailed,
    });
    expect(decodeEventMessage(message)).toEqual({
      id: OTHER,
      type: 'PaymentFailed',
      aggregateId: ORDER,
      payload: EXAMPLES.PaymentFailed,
    });
  });

  it('read the outbox router’s shape: a quoted key and the payload as a JSON string', () => {
    const event = decodeEventMessage({
      key: Buffer.from(JSON.stringify(ORDER)),
      value: Buffer.from(JSON.stringify(JSON.stringify(EXAMPLES.StockCommitted))),
      headers: { id: Buffer.from(OTHER), eventType: Buffer.from('StockCommitted') },
    });
    expect(event).toEqual({ id: OTHER, type: 'StockCommitted', aggregateId: ORDER, payload: EXAMPLES.StockCommitted });
  });

  it('refuse messages that are not events of ours', () => {
    const good = encodeEventMessage({
      id: OTHER,
      type: 'StockCommitted',
      aggregateId: ORDER,
      payload: EXAMPLES.StockCommitted,
    });
    expect(() => decodeEventMessage({ ...good, headers: { eventType: 'StockCommitted' } })).toThrow(/no id header/);
    expect(() => decodeEventMessage({ ...good, headers: { id: OTHER, eventType: 'OrderShipped' } })).toThrow(
      /unknown event type/,
    );
    expect(() => decodeEventMessage({ ...good, value: '{not json' })).toThrow(/not JSON/);
    expect(() => decodeEventMessage({ ...good, value: '{}' })).toThrow(/StockCommitted/);
    expect(() =>
      encodeEventMessage({
        id: OTHER,
        type: 'StockCommitted',
        aggregateId: ORDER,
        payload: {} as EventPayloads['StockCommitted'],
      }),
    ).toThrow(InvalidEvent);
  });
});
