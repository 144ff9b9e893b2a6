import { isTerminal, type OrderStatus, type OrderStatusChanged } from '@emporium/contracts';
import type { EntityManager } from '@emporium/db';
import { badUserInput, forbidden, requireCaller } from '@emporium/graphql-server';
import type { Logger } from '@emporium/logging';
import { GraphQLError } from 'graphql';
import type { OrderRequest } from '../request.ts';
import { OrderStatusChangeSchema, type OrderStatusChange } from '../entities/order-status-change.entity.ts';
import type { Order } from '../entities/order.entity.ts';
import { createLoaders, type Loaders } from '../loaders.ts';
import type { OrderService } from '../services/order.service.ts';
import type { OrderEventSource } from './order-events.hub.ts';
import { Sequencer } from './sequencer.ts';

/** One status change as a subscriber receives it, whether read from the history or heard live. */
export interface OrderStatusEventView {
  orderId: string;
  sequence: number;
  status: OrderStatus;
  at: Date;
  reason: string | null;
  /**
   * The W3C trace context of the work that published a change heard live (absent for one
   * read from the history), passed on with the push so the checkout's trace shows it.
   */
  traceparent?: string;
}

/** An event as the `OrderStatusEvent` type resolves it: with the order, read when the event is delivered. */
export type OrderStatusEventResult = OrderStatusEventView & { order: Order };

/** An order's recorded status changes (order_status_history). */
export interface StatusHistory {
  /** The changes after `sequence`, oldest first. */
  after(orderId: string, sequence: number): Promise<OrderStatusEventView[]>;
  /** The latest change: the order's current status. */
  latest(orderId: string): Promise<OrderStatusEventView | null>;
}

/** Live events one subscriber may have waiting before it counts as too slow. */
export const DEFAULT_SUBSCRIBER_QUEUE_LIMIT = 256;

/** Ends a subscription whose client does not take its events as fast as they come. */
export const subscriberTooSlow = (): GraphQLError =>
  new GraphQLError(
    "You fell behind this order's events; subscribe again with afterSequence set to the last sequence you received",
    { extensions: { code: 'SUBSCRIBER_TOO_SLOW' } },
  );

const fromHistory = (row: OrderStatusChange): OrderStatusEventView => ({
  orderId: row.orderId,
  sequence: row.sequence,
  status: row.status,
  at: row.at,
  reason: row.reason ?? null,
});

/** A change heard live, with the trace context it was published under. */
interface LiveChange {
  event: OrderStatusChanged;
  traceparent: string | undefined;
}

const fromEvent = ({ event, traceparent }: LiveChange): OrderStatusEventView => ({
  orderId: event.orderId.toLowerCase(),
  sequence: event.sequence,
  status: event.status,
  at: new Date(event.at),
  reason: event.reason,
  ...(traceparent === undefined ? {} : { traceparent }),
});

/** Reads the history through fresh forks of `em`, so nothing cached by an earlier read hides a newer row. */
export const statusHistory = (em: EntityManager): StatusHistory => ({
  after: async (orderId, sequence) =>
    (
      await em
        .fork()
        .find(OrderStatusChangeSchema, { orderId, sequence: { $gt: sequence } }, { orderBy: { sequence: 'asc' } })
    ).map(fromHistory),
  latest: async (orderId) => {
    const row = await em.fork().findOne(OrderStatusChangeSchema, { orderId }, { orderBy: { sequence: 'desc' } });
    return row ? fromHistory(row) : null;
  },
});

/** Options of {@link OrderStatusStream}. */
export interface OrderStatusStreamOptions {
  orderId: string;
  /** The last sequence the client saw; null for "start with the current status". */
  afterSequence: number | null;
  source: OrderEventSource;
  history: StatusHistory;
  queueLimit: number;
  logger: Logger;
}

const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };

/**
 * One subscriber's events of one order: what it missed (or the current status), then live
 * changes, in sequence order and each once; it completes after a final status. It listens
 * before it reads the history, so no change falls between the two; what both hold is
 * dropped by sequence, and a live change that skips ahead is preceded by the history's.
 * Live changes wait in a bounded queue: a subscriber that lets it fill is ended with
 * SUBSCRIBER_TOO_SLOW rather than holding memory without limit. `return()` stops listening
 * at once, even while `next()` waits.
 */
export class OrderStatusStream implements AsyncIterableIterator<OrderStatusEventView> {
  readonly #options: OrderStatusStreamOptions;
  readonly #logger: Logger;
  /** Vetted by the sequencer, to deliver in this order. */
  #ready: OrderStatusEventView[] = [];
  /** Heard live, not yet vetted. */
  #live: LiveChange[] = [];
  #sequencer: Sequencer | null = null;
  #stopListening: (() => void) | null;
  #wake: (() => void) | null = null;
  #overflowed = false;
  #ended = false;

  constructor(options: OrderStatusStreamOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ component: 'order-status-stream', orderId: options.orderId });
    this.#stopListening = options.source.listen(options.orderId, (event, traceparent) => {
      this.#hear({ event, traceparent });
    });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<OrderStatusEventView, undefined>> {
    try {
      return await this.#pull();
    } catch (error) {
      // Too slow, or the history could not be read: either way this stream is over.
      this.#end();
      throw error;
    }
  }

  /** The client unsubscribed or went away. */
  return(): Promise<IteratorReturnResult<undefined>> {
    this.#end();
    return Promise.resolve(DONE);
  }

  async #pull(): Promise<IteratorResult<OrderStatusEventView, undefined>> {
    for (;;) {
      if (this.#overflowed) {
        this.#overflowed = false;
        throw subscriberTooSlow();
      }
      if (this.#ended) return DONE;
      const sequencer = this.#sequencer;
      if (!sequencer) {
        await this.#catchUp();
        continue;
      }
      const ready = this.#ready.shift();
      if (ready) return this.#deliver(ready);
      const live = this.#live.shift();
      if (!live) {
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        continue;
      }
      const verdict = sequencer.offer(live.event.sequence);
      if (verdict === 'deliver') return this.#deliver(fromEvent(live));
      if (verdict === 'gap') await this.#fillGap(sequencer, fromEvent(live));
    }
  }

  /** The history a new subscriber starts from: what it missed, or only the current status. */
  async #catchUp(): Promise<void> {
    const { orderId, afterSequence, history } = this.#options;
    let rows: OrderStatusEventView[];
    if (afterSequence === null) {
      const latest = await history.latest(orderId);
      rows = latest ? [latest] : [];
    } else {
      rows = await history.after(orderId, afterSequence);
    }
    const sequencer = new Sequencer(afterSequence ?? Math.max(0, (rows[0]?.sequence ?? 1) - 1));
    this.#sequencer = sequencer;
    this.#admit(sequencer, rows);
  }

  /** A live change skipped ahead: the history has the ones in between (it is written before events go out). */
  async #fillGap(sequencer: Sequencer, live: OrderStatusEventView): Promise<void> {
    const missing = await this.#options.history.after(this.#options.orderId, sequencer.last);
    this.#admit(sequencer, [...missing, live]);
  }

  #admit(sequencer: Sequencer, events: readonly OrderStatusEventView[]): void {
    for (const event of events) {
      const verdict = sequencer.offer(event.sequence);
      if (verdict === 'gap') {
        this.#logger.warn(
          { after: sequencer.last, sequence: event.sequence },
          'the status history lacks changes before a live one; delivering past them',
        );
        sequencer.skipTo(event.sequence);
      }
      if (verdict !== 'duplicate') this.#ready.push(event);
    }
  }

  #deliver(event: OrderStatusEventView): IteratorYieldResult<OrderStatusEventView> {
    // A final status is the last thing to say; the next pull completes the subscription.
    if (isTerminal(event.status)) this.#end();
    return { value: event, done: false };
  }

  #hear(change: LiveChange): void {
    if (this.#ended || this.#overflowed) return;
    if (this.#live.length >= this.#options.queueLimit) {
      this.#logger.warn({ queueLimit: this.#options.queueLimit }, 'subscriber too slow; ending its subscription');
      this.#overflowed = true;
      this.#live = [];
      this.#unlisten();
    } else {
      this.#live.push(change);
    }
    this.#wakeUp();
  }

  #end(): void {
    this.#ended = true;
    this.#ready = [];
    this.#live = [];
    this.#unlisten();
    this.#wakeUp();
  }

  #unlisten(): void {
    this.#stopListening?.();
    this.#stopListening = null;
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}

/**
 * How long the subscribers of one event share what was read to present it. Every tab
 * watching an order receives the same event within milliseconds, and one read of the order
 * and its lines serves them all instead of one read each.
 */
const SHARED_READ_MS = 2000;

/** Options of {@link OrderStatusStreamService}. */
export interface OrderStatusStreamServiceOptions {
  source: OrderEventSource;
  /** Finds the order a subscriber asks for, as its owner (or an admin) may see it. */
  orders: OrderService;
  logger: Logger;
  queueLimit?: number;
}

/** `orderStatusChanged`: who may follow an order, and the stream of its changes for each subscriber. */
export class OrderStatusStreamService {
  readonly #source: OrderEventSource;
  readonly #orders: OrderService;
  readonly #logger: Logger;
  readonly #queueLimit: number;
  /** Loaders per event (order id and sequence), shared by its subscribers for {@link SHARED_READ_MS}. */
  readonly #reads = new Map<string, Loaders>();

  constructor(options: OrderStatusStreamServiceOptions) {
    this.#source = options.source;
    this.#orders = options.orders;
    this.#logger = options.logger;
    this.#queueLimit = options.queueLimit ?? DEFAULT_SUBSCRIBER_QUEUE_LIMIT;
  }

  /**
   * The owner's (or an ADMIN's) stream of an order's changes. Someone else's order and an
   * unknown one are both FORBIDDEN, so ids reveal nothing.
   */
  async subscribe(
    ctx: OrderRequest,
    args: { orderId: string; afterSequence?: number | null },
  ): Promise<AsyncIterableIterator<OrderStatusEventView>> {
    requireCaller(ctx.caller);
    const afterSequence = args.afterSequence ?? null;
    if (afterSequence !== null && afterSequence < 0) throw badUserInput('afterSequence must be 0 or more');
    const order = await this.#orders.findVisible(ctx, args.orderId);
    if (!order) throw forbidden('You can follow only your own orders');
    return new OrderStatusStream({
      orderId: order.id,
      afterSequence,
      source: this.#source,
      history: statusHistory(ctx.em),
      queueLimit: this.#queueLimit,
      logger: this.#logger,
    });
  }

  /**
   * Completes an event with its order for delivery. The context lives as long as the
   * subscription, so an event is never presented from what an earlier event read: each
   * event gets loaders of its own over a fresh fork (the order's fields as they are now),
   * shared by every subscriber that receives the same event at about the same time.
   */
  async present(ctx: OrderRequest, event: OrderStatusEventView | undefined): Promise<OrderStatusEventResult> {
    // Over HTTP a subscription runs as a one-off query, without an event: there is nothing to present.
    if (!event) throw badUserInput('orderStatusChanged is served over WebSocket (graphql-transport-ws) only');
    const key = `${event.orderId}:${String(event.sequence)}`;
    let loaders = this.#reads.get(key);
    if (!loaders) {
      loaders = createLoaders(ctx.em.fork());
      this.#reads.set(key, loaders);
      setTimeout(() => this.#reads.delete(key), SHARED_READ_MS).unref();
    }
    ctx.loaders = loaders;
    const order = await loaders.orderById.load(event.orderId).catch((error: unknown) => {
      // A failed read is not shared: the next subscriber reads again.
      this.#reads.delete(key);
      throw error;
    });
    if (!order) throw new Error(`order ${event.orderId} of a status event does not exist`);
    return { ...event, order };
  }
}
