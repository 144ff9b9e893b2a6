import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createLogger } from '@emporium/logging';
import { GraphQLError, parse } from 'graphql';
import type { Sink } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import { EventStream, MAX_BUFFERED_EVENTS, traceparentOfEvent } from './event-stream.ts';
import type { SubgraphResponse } from './plan-executor.ts';
import type { Upstream } from './subgraph-client.ts';
import { SubscriptionPlanner } from './subscription-planner.ts';

const SUPERGRAPH = readFileSync(resolve(import.meta.dirname, '..', '..', '..', 'schema', 'supergraph.graphql'), 'utf8');
const planner = new SubscriptionPlanner(SUPERGRAPH, {});
const QUERY = 'subscription ($id: ID!) { orderStatusChanged(orderId: $id) { status } }';
const planned = planner.plan(parse(QUERY), undefined, QUERY);
const logger = createLogger('test', { level: 'silent' });

/** An upstream that records what the stream does with it. */
function fakeUpstream() {
  const state = { sink: undefined as Sink<SubgraphResponse> | undefined, unsubscribed: false };
  const upstream: Upstream = {
    subscribe: (_payload, sink) => {
      state.sink = sink;
      return () => {
        state.unsubscribed = true;
      };
    },
  };
  return { state, upstream };
}

const open = () => {
  const { state, upstream } = fakeUpstream();
  const stream = new EventStream(
    planned,
    upstream,
    {
      operation: planned.operation,
      supergraphSchema: planner.supergraphSchema,
      variables: { id: 'o1' },
      fetch: () => Promise.reject(new Error('no fetch expected')),
    },
    logger,
  );
  return { state, stream, sink: () => state.sink as Sink<SubgraphResponse> };
};

describe('EventStream', () => {
  it('yields upstream events in order and ends when the subgraph completes', async () => {
    const { state, stream, sink } = open();
    sink().next({ data: { orderStatusChanged: { status: 'PENDING' } } });
    sink().next({ data: { orderStatusChanged: { status: 'AWAITING_PAYMENT' } } });
    sink().complete();
    const seen: unknown[] = [];
    for await (const result of stream) seen.push(result);
    expect(seen).toEqual([
      { data: { orderStatusChanged: { status: 'PENDING' } } },
      { data: { orderStatusChanged: { status: 'AWAITING_PAYMENT' } } },
    ]);
    expect(state.unsubscribed).toBe(true);
  });

  it('closes the upstream at once when the client leaves while waiting for an event', async () => {
    const { state, stream } = open();
    const waiting = stream.next();
    await stream.return();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(state.unsubscribed).toBe(true);
  });

  it("ends with the subgraph's error, its code kept", async () => {
    const { stream, sink } = open();
    sink().error([{ message: 'Too slow', extensions: { code: 'SUBSCRIBER_TOO_SLOW' } }]);
    const failure = await stream.next().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GraphQLError);
    expect((failure as GraphQLError).extensions['code']).toBe('SUBSCRIBER_TOO_SLOW');
  });

  it('ends with SERVICE_UNAVAILABLE when the socket to the subgraph fails, so the client knows to resubscribe', async () => {
    const { stream, sink } = open();
    // What graphql-ws reports when the subgraph replica holding the socket dies: a close event, not GraphQL errors.
    sink().error(new Error('socket closed'));
    const failure = await stream.next().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GraphQLError);
    expect((failure as GraphQLError).extensions['code']).toBe('SERVICE_UNAVAILABLE');
  });

  it('ends a client that lets too many events pile up with SUBSCRIBER_TOO_SLOW', async () => {
    const { state, stream, sink } = open();
    for (let i = 0; i <= MAX_BUFFERED_EVENTS; i += 1)
      sink().next({ data: { orderStatusChanged: { status: 'PENDING' } } });
    expect(state.unsubscribed).toBe(true);
    const codes: unknown[] = [];
    try {
      for await (const result of stream) codes.push(result.data ? 'event' : 'empty');
    } catch (error) {
      codes.push((error as GraphQLError).extensions['code']);
    }
    expect(codes).toHaveLength(MAX_BUFFERED_EVENTS + 1);
    expect(codes.at(-1)).toBe('SUBSCRIBER_TOO_SLOW');
  });
});

describe('the trace context of an event', () => {
  const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  it("is read from the subgraph's extensions when it is a W3C traceparent", () => {
    expect(traceparentOfEvent({ data: null, extensions: { traceparent } })).toBe(traceparent);
    expect(traceparentOfEvent({ data: null })).toBeUndefined();
    expect(traceparentOfEvent({ data: null, extensions: { traceparent: 'not-a-trace' } })).toBeUndefined();
    expect(traceparentOfEvent({ data: null, extensions: { traceparent: 42 } })).toBeUndefined();
  });

  it('stays between the subgraph and the router: the client gets the data alone', async () => {
    const { stream, sink } = open();
    sink().next({ data: { orderStatusChanged: { status: 'PAID' } }, extensions: { traceparent } });
    sink().complete();
    const seen: unknown[] = [];
    for await (const result of stream) seen.push(result);
    expect(seen).toEqual([{ data: { orderStatusChanged: { status: 'PAID' } } }]);
  });
});
