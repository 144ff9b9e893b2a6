import { afterEach, describe, expect, it, vi } from 'vitest';
import { installIdleRequestFix, requestQueueClass, type KafkaRequestQueue } from './idle-requests.ts';

/** The queue's public surface kafkajs's connection uses (push a request, fulfil its answer). */
interface Queue extends KafkaRequestQueue {
  push(request: {
    entry: { correlationId: number; resolve: (answer: unknown) => void; reject: (error: unknown) => void };
    expectResponse: boolean;
    sendRequest: () => void;
    requestTimeout?: number;
  }): void;
  fulfillRequest(answer: { correlationId: number; payload: Buffer; size: number }): void;
  maybeThrottle(ms: number): void;
}

/** A request's entry: kafkajs settles it with the answer. */
const entry = (correlationId: number) => ({ correlationId, resolve: () => {}, reject: () => {} });

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

const newQueue = (): Queue => {
  const RequestQueue = requestQueueClass() as unknown as new (options: object) => Queue;
  return new RequestQueue({
    maxInFlightRequests: null,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'test',
    broker: 'broker:9092',
    logger: silent,
  });
};

afterEach(() => {
  vi.useRealTimers();
});

describe('kafkajs request queue with the idle fix', () => {
  installIdleRequestFix();

  it('schedules nothing once every request is answered (an idle connection sleeps)', () => {
    const queue = newQueue();
    const sent: number[] = [];
    queue.push({ entry: entry(1), expectResponse: true, sendRequest: () => sent.push(1) });
    queue.fulfillRequest({ correlationId: 1, payload: Buffer.alloc(0), size: 0 });
    expect(sent).toEqual([1]);
    // Stock kafkajs 2.2.4 leaves a 1 ms timer here that re-arms itself forever.
    expect(queue.throttleCheckTimeoutId).toBeNull();
  });

  it('still sends a request held back by throttling once the throttle ends', async () => {
    vi.useFakeTimers();
    const queue = newQueue();
    const sent: number[] = [];
    queue.maybeThrottle(50);
    queue.push({ entry: entry(7), expectResponse: true, sendRequest: () => sent.push(7) });
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(60);
    expect(sent).toEqual([7]);
    queue.fulfillRequest({ correlationId: 7, payload: Buffer.alloc(0), size: 0 });
    expect(queue.throttleCheckTimeoutId).toBeNull();
  });
});
