import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { BaseContext } from '@apollo/server';
import type { Caller } from '@emporium/auth';

type SubgraphResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

/** The part of the router's request context that decides whose answer a subgraph gives. */
interface CallerContext {
  caller: Caller | null;
}

/** One call in flight, and whether anyone joined it (then the leader must copy too). */
interface Flight<T> {
  readonly answer: Promise<T>;
  joined: number;
  /** The answer as JSON, written once for all the copies. */
  text?: string;
}

/**
 * Calls in flight by key: a call whose key matches one in flight waits for it and gets a copy
 * of its answer instead of being made again. Each caller gets its own copy, as callers write
 * into what they receive: the answer's JSON (`toJson` picks what is copied), written once and
 * parsed per caller, copies a parsed answer exactly at about half the CPU of structuredClone
 * (~25 µs instead of ~60 µs per search page, measured in isolation). Nothing outlives the
 * flight: the entry goes as the answer arrives, so a later call always makes its own. A
 * failure reaches every waiter as the same error.
 */
export class Flights<T> {
  readonly #flights = new Map<string, Flight<T>>();
  readonly #toJson: (answer: T) => unknown;

  constructor(toJson: (answer: T) => unknown = (answer) => answer) {
    this.#toJson = toJson;
  }

  /** `call`'s answer, or a copy of the one in flight under `key` (then `onJoin` runs first). */
  async run(key: string, call: () => Promise<T>, onJoin?: () => void): Promise<T> {
    const inFlight = this.#flights.get(key);
    if (inFlight) {
      inFlight.joined += 1;
      onJoin?.();
      return this.#copyOf(inFlight, await inFlight.answer);
    }
    const flight: Flight<T> = {
      // Started after the entry is in the table, and removed before the answer reaches
      // anyone: no one joins a settled flight, and a call that fails at once leaves none behind.
      answer: Promise.resolve()
        .then(call)
        .finally(() => this.#flights.delete(key)),
      joined: 0,
    };
    this.#flights.set(key, flight);
    const answer = await flight.answer;
    // The waiters copy from this object, so the leader may keep it only if there are none.
    return flight.joined === 0 ? answer : this.#copyOf(flight, answer);
  }

  #copyOf(flight: Flight<T>, answer: T): T {
    flight.text ??= JSON.stringify(this.#toJson(answer));
    return JSON.parse(flight.text) as T;
  }
}

/** Options of {@link deduplicateFetches}. */
export interface FetchDeduplicationOptions {
  /** The subgraph the source calls, for the counter. */
  subgraph: string;
  /** Called once per fetch that was not sent because an identical one was in flight. */
  onShared?: (subgraph: string) => void;
}

/**
 * The operations the query planner writes start with their keyword (`query Name__sub__0(…)`);
 * anything else (a mutation, a subscription, a form this check does not know) is not a query.
 */
const QUERY = /^\s*(?:query\b|\{)/;

/** A client operation's subgraph fetch (not the gateway's own health checks and schema loads). */
type OperationFetch<TContext extends BaseContext> = Extract<
  GraphQLDataSourceProcessOptions<TContext>,
  { incomingRequestContext: unknown }
>;

/**
 * A client operation's fetch, told apart by its request context (the gateway does not export
 * the kinds' enum); the gateway's own health checks and schema loads are rare and go as they are.
 */
export const isOperationFetch = <TContext extends BaseContext>(
  options: GraphQLDataSourceProcessOptions<TContext>,
): options is OperationFetch<TContext> => 'incomingRequestContext' in options;

/** Whether a fetch only reads: a query, not a mutation or anything this check does not know. */
export const isQueryFetch = <TContext extends BaseContext>(
  options: GraphQLDataSourceProcessOptions<TContext>,
): options is OperationFetch<TContext> =>
  isOperationFetch(options) && options.request.query !== undefined && QUERY.test(options.request.query);

/**
 * Who the answer is for: the caller the router asserts to the subgraph (user, session and
 * roles, any of which a resolver may read), or `null` for anonymous callers, who all get the
 * same answers and so may share. The request id and the client's address are left out: the
 * first only names log lines, and the second is read by identity's login throttle alone, on
 * a mutation, which is never shared.
 */
export const callerKey = (caller: Caller | null): string | null =>
  caller ? JSON.stringify([caller.userId, caller.sessionId ?? null, [...caller.roles].sort()]) : null;

/**
 * Everything a query fetch's answer depends on but its caller: query, operation name,
 * variables, extensions and extra headers. The subgraph is implied: each source has its own
 * table. `who` is the caller's part ({@link callerKey}), or null for an answer every caller shares.
 */
export const fetchKey = <TContext extends BaseContext>(
  options: GraphQLDataSourceProcessOptions<TContext>,
  who: string | null,
): string => {
  const { query, operationName, variables, extensions, http } = options.request;
  const headers = http?.headers ? [...http.headers] : [];
  return JSON.stringify([who, operationName ?? null, query ?? null, variables ?? null, extensions ?? null, headers]);
};

/** The key of a fetch that may be shared, or undefined for one that must go out on its own. */
function flightKey<TContext extends CallerContext>(
  options: GraphQLDataSourceProcessOptions<TContext>,
): string | undefined {
  return isQueryFetch(options) ? fetchKey(options, callerKey(options.context.caller)) : undefined;
}

/**
 * Wraps a subgraph's data source so that, while a query fetch is in flight, an identical one
 * (same query, variables and caller) waits for it and gets a copy of its answer instead of
 * calling the subgraph again: popular searches and product pages arrive in bursts of the same
 * request, and each copy would otherwise cost the router, the subgraph and its engines in full.
 *
 * Only the leader is signed and sent. Nothing outlives the flight: the entry goes as the answer
 * arrives, so a later request always makes a fetch of its own. A failure reaches every waiter
 * as the same error. Mutations and anything else that is not a query always go out alone.
 */
export function deduplicateFetches<TContext extends CallerContext>(
  source: GraphQLDataSource<TContext>,
  options: FetchDeduplicationOptions,
): GraphQLDataSource<TContext> {
  // The subgraph's HTTP response (read already, and not looked at by the gateway once the
  // data source has returned) is left out of the copies rather than shared.
  const flights = new Flights<SubgraphResponse>(({ data, errors, extensions }) => ({ data, errors, extensions }));
  return {
    async process(request) {
      const key = flightKey(request);
      if (key === undefined) return source.process(request);
      return flights.run(
        key,
        () => source.process(request),
        () => options.onShared?.(options.subgraph),
      );
    },
  };
}
