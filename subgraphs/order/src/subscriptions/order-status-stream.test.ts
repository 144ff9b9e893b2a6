import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { OrderStatus, OrderStatusChanged } from '@emporium/contracts';
import { createLogger } from '@emporium/logging';
import type { OrderEventSource, OrderStatusListener } from './order-events.hub.ts';
import { OrderStatusStream, type OrderStatusEventView, type StatusHistory } from './order-status-stream.ts';

const ORDER = '8a4c3b2e-1f00-4d6a-9e58-0c2b7d1f3a11';
const AT = '2026-12-01T10:00:00.000Z';
const logger = createLogger('test', { level: 'silent' });

/** An in-memory stand-in for the hub. */
class FakeSource implements OrderEventSource {
  readonly listeners = new Set<OrderStatusListener>();
  listen(_orderId: string, listener: OrderStatusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(sequence: number, status: OrderStatus): void {
    const event: OrderStatusChanged = {
      orderId: ORDER,
      userId: ORDER,
      sequence,
      status,
      previousStatus: null,
      reason: null,
      at: AT,
    };
    for (const listener of [...this.listeners]) listener(event);
  }
}

/** The history as the database would hold it; `reads` counts the queries. */
class FakeHistory implements StatusHistory {
  rows: OrderStatusEventView[] = [];
  reads = 0;
  failing = false;
  record(...statuses: OrderStatus[]): void {
    for (const status of statuses) {
      this.rows.push({ orderId: ORDER, sequence: this.rows.length + 1, status, at: new Date(AT), reason: null });
    }
  }
  after(_orderId: string, sequence: number): Promise<OrderStatusEventView[]> {
    this.reads += 1;
    if (this.failing) return Promise.reject(new Error('database down'));
    return Promise.resolve(this.rows.filter((row) => row.sequence > sequence));
  }
  latest(): Promise<OrderStatusEventView | null> {
    this.reads += 1;
    if (this.failing) return Promise.reject(new Error('database down'));
    return Promise.resolve(this.rows.at(-1) ?? null);
  }
}

function setUp(afterSequence: number | null = null, queueLimit = 256) {
  const source = new FakeSource();
  const history = new FakeHistory();
  const open = () => new OrderStatusStream({ orderId: ORDER, afterSequence, source, history, queueLimit, logger });
  return { source, history, open };
}

const pull = async (stream: OrderStatusStream): Promise<[number, OrderStatus] | 'done'> => {
  const result = await stream.next();
  return result.done ? 'done' : [result.value.sequence, result.value.status];
};

describe('OrderStatusStream', () => {
  it('starts with the current status, then delivers live changes in order, and completes after a final one', async () => {
    const { source, history, open } = setUp();
    history.record('PENDING', 'AWAITING_PAYMENT');
    const stream = open();
    expect(source.listeners.size).toBe(1);
    expect(await pull(stream)).toEqual([2, 'AWAITING_PAYMENT']);
    source.emit(3, 'PAYMENT_PROCESSING');
    source.emit(4, 'PAID');
    expect(await pull(stream)).toEqual([3, 'PAYMENT_PROCESSING']);
    expect(await pull(stream)).toEqual([4, 'PAID']);
    expect(source.listeners.size).toBe(0);
    expect(await pull(stream)).toBe('done');
  });

  it('listens before reading the history, dropping what both hold', async () => {
    const { source, history, open } = setUp();
    history.record('PENDING');
    const stream = open();
    // Heard while the history is read: the history's own rows, and one after them.
    history.record('AWAITING_PAYMENT');
    source.emit(2, 'AWAITING_PAYMENT');
    source.emit(2, 'AWAITING_PAYMENT');
    source.emit(3, 'PAYMENT_PROCESSING');
    expect(await pull(stream)).toEqual([2, 'AWAITING_PAYMENT']);
    expect(await pull(stream)).toEqual([3, 'PAYMENT_PROCESSING']);
    source.emit(3, 'PAYMENT_PROCESSING');
    source.emit(4, 'PAYMENT_FAILED');
    expect(await pull(stream)).toEqual([4, 'PAYMENT_FAILED']);
  });

  it('replays what the client missed after afterSequence, then goes live', async () => {
    const { source, history, open } = setUp(1);
    history.record('PENDING', 'AWAITING_PAYMENT', 'PAYMENT_PROCESSING');
    const stream = open();
    expect(await pull(stream)).toEqual([2, 'AWAITING_PAYMENT']);
    expect(await pull(stream)).toEqual([3, 'PAYMENT_PROCESSING']);
    source.emit(4, 'PAYMENT_FAILED');
    expect(await pull(stream)).toEqual([4, 'PAYMENT_FAILED']);
  });

  it('fills a gap before a live change from the history', async () => {
    const { source, history, open } = setUp();
    history.record('PENDING');
    const stream = open();
    expect(await pull(stream)).toEqual([1, 'PENDING']);
    history.record('AWAITING_PAYMENT', 'PAYMENT_PROCESSING');
    source.emit(3, 'PAYMENT_PROCESSING');
    expect(await pull(stream)).toEqual([2, 'AWAITING_PAYMENT']);
    expect(await pull(stream)).toEqual([3, 'PAYMENT_PROCESSING']);
    expect(history.reads).toBe(2);
  });

  it('completes at once for an order that is already final', async () => {
    const { source, history, open } = setUp();
    history.record('PENDING', 'REJECTED');
    const stream = open();
    expect(await pull(stream)).toEqual([2, 'REJECTED']);
    expect(await pull(stream)).toBe('done');
    expect(source.listeners.size).toBe(0);
  });

  it('ends a subscriber that lets its queue fill with SUBSCRIBER_TOO_SLOW', async () => {
    const { source, history, open } = setUp(null, 2);
    history.record('PENDING');
    const stream = open();
    expect(await pull(stream)).toEqual([1, 'PENDING']);
    source.emit(2, 'AWAITING_PAYMENT');
    source.emit(3, 'PAYMENT_PROCESSING');
    source.emit(4, 'PAYMENT_FAILED');
    expect(source.listeners.size).toBe(0);
    const error = await stream.next().then(
      () => null,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).message).toContain('fell behind');
    expect((error as GraphQLError).extensions['code']).toBe('SUBSCRIBER_TOO_SLOW');
    expect(await pull(stream)).toBe('done');
  });

  it('stops listening on return(), even while a pull waits', async () => {
    const { source, history, open } = setUp();
    history.record('PENDING');
    const stream = open();
    expect(await pull(stream)).toEqual([1, 'PENDING']);
    const waiting = stream.next();
    await stream.return();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(source.listeners.size).toBe(0);
  });

  it('stops listening when the history cannot be read', async () => {
    const { source, history, open } = setUp();
    history.failing = true;
    const stream = open();
    await expect(stream.next()).rejects.toThrow('database down');
    expect(source.listeners.size).toBe(0);
    expect(await pull(stream)).toBe('done');
  });
});
