import { serviceUnavailable } from '@emporium/graphql-server';
import type { Logger } from '@emporium/logging';
import { inCarriedSpan } from '@emporium/telemetry';
import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import {
  completeEvent,
  pickVariables,
  toGraphQLError,
  type CompletionContext,
  type SubgraphResponse,
} from './plan-executor.ts';
import type { Upstream } from './subgraph-client.ts';
import type { PlannedSubscription } from './subscription-planner.ts';

/** Events the router holds for one client before it ends the subscription as too slow. */
export const MAX_BUFFERED_EVENTS = 256;

type Item = { kind: 'next'; value: SubgraphResponse } | { kind: 'error'; error: Error } | { kind: 'complete' };

const tooSlow = (): GraphQLError =>
  new GraphQLError('The subscriber fell too far behind; resubscribe with afterSequence', {
    extensions: { code: 'SUBSCRIBER_TOO_SLOW' },
  });

/**
 * The trace context a subgraph sent with an event (`extensions.traceparent`: the order
 * subgraph passes on the one its Kafka message carried), if it is a well-formed one.
 */
export function traceparentOfEvent(event: SubgraphResponse): string | undefined {
  const extensions = event.extensions;
  if (typeof extensions !== 'object' || extensions === null || !('traceparent' in extensions)) return undefined;
  const { traceparent } = extensions;
  // W3C trace-context version 00: anything else is not passed to the propagator.
  return typeof traceparent === 'string' && /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/.test(traceparent)
    ? traceparent
    : undefined;
}

const isFormattedErrors = (value: unknown): value is GraphQLFormattedError[] =>
  Array.isArray(value) && value.every((entry) => typeof entry === 'object' && entry !== null && 'message' in entry);

/**
 * One client subscription, forwarded: subscribes to the owning subgraph with the plan's
 * primary operation, and yields each upstream event completed by the other subgraphs, one
 * at a time and in the order the subgraph sent them. An upstream `error` message ends the
 * stream with that error (its code kept, e.g. SUBSCRIBER_TOO_SLOW); a lost upstream socket
 * ends it with an internal error. `return()` — the client completed, or its socket closed —
 * takes effect at once, even while waiting for the next event, and ends the upstream subscription.
 */
export class EventStream implements AsyncGenerator<ExecutionResult, undefined> {
  readonly #queue: Item[] = [];
  #wake: (() => void) | undefined;
  #finished = false;
  readonly #unsubscribe: () => void;
  readonly #planned: PlannedSubscription;
  readonly #completion: CompletionContext;

  constructor(planned: PlannedSubscription, upstream: Upstream, completion: CompletionContext, logger: Logger) {
    this.#planned = planned;
    this.#completion = completion;
    const { primary } = planned.node;
    this.#unsubscribe = upstream.subscribe(
      {
        query: primary.operation,
        operationName: primary.operationName,
        variables: pickVariables(completion.variables, primary.variableUsages),
      },
      {
        next: (value) => {
          if (this.#queue.length >= MAX_BUFFERED_EVENTS) {
            this.#push({ kind: 'error', error: tooSlow() });
            this.#unsubscribe();
            return;
          }
          this.#push({ kind: 'next', value });
        },
        error: (error: unknown) => {
          if (isFormattedErrors(error) && error[0]) {
            this.#push({ kind: 'error', error: toGraphQLError(error[0]) });
            return;
          }
          logger.warn({ err: error, subgraph: primary.serviceName }, 'subgraph subscription socket failed');
          // The subgraph replica holding the socket went away: the order is fine, the stream is
          // not. A code the client acts on (resubscribe with afterSequence) rather than an
          // internal error.
          this.#push({
            kind: 'error',
            error: serviceUnavailable(`The ${primary.serviceName} subscription was interrupted; subscribe again`, {
              cause: error,
            }),
          });
        },
        complete: () => {
          this.#push({ kind: 'complete' });
        },
      },
    );
  }

  #push(item: Item): void {
    if (this.#finished) return;
    this.#queue.push(item);
    this.#wake?.();
  }

  #ended(): boolean {
    return this.#finished;
  }

  #close(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#wake?.();
    this.#unsubscribe();
  }

  async next(): Promise<IteratorResult<ExecutionResult, undefined>> {
    for (;;) {
      if (this.#finished) return { done: true, value: undefined };
      const item = this.#queue.shift();
      if (!item) {
        await new Promise<void>((resolve) => (this.#wake = resolve));
        this.#wake = undefined;
        continue;
      }
      if (item.kind === 'complete') {
        this.#close();
        return { done: true, value: undefined };
      }
      if (item.kind === 'error') {
        this.#close();
        throw item.error;
      }
      const { primary, rest } = this.#planned.node;
      // In the trace of the work that published the event (a checkout's, for its status
      // changes): the push, and the subgraph fetches that complete it, show there.
      const result = await inCarriedSpan(
        traceparentOfEvent(item.value),
        'subscription push',
        {
          kind: 'producer',
          attributes: {
            'graphql.operation.type': 'subscription',
            'graphql.operation.name': this.#planned.operation.name ?? '',
            'emporium.subgraph': primary.serviceName,
          },
        },
        () => completeEvent(primary, rest, item.value, this.#completion),
      );
      // The client may have left while the event was being completed: send it nothing more.
      if (this.#ended()) return { done: true, value: undefined };
      return { done: false, value: result.errors.length > 0 ? result : { data: result.data } };
    }
  }

  async return(): Promise<IteratorResult<ExecutionResult, undefined>> {
    this.#close();
    return { done: true, value: undefined };
  }

  async throw(error: unknown): Promise<IteratorResult<ExecutionResult, undefined>> {
    this.#close();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#close();
  }
}
