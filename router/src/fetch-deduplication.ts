import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Caller } from '@emporium/auth';

type SubgraphResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

/** The part of the router's request context that decides whose answer a subgraph gives. */
interface CallerContext {
  caller: Caller | null;
}

/** One subgraph fetch in flight, and whether anyone joined it (then the leader must copy too). */
interface Flight {
  readonly answer: Promise<SubgraphResponse>;
  joined: number;
  /** The answer as JSON, written once for all the copies. */
  text?: string;
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
 * anything else (a mutation, a subscription, a form this check does not know) is sent as it came.
 */
const QUERY = /^\s*(?:query\b|\{)/;

/**
 * Who the answer is for: the caller the router asserts to the subgraph (user, session and
 * roles, any of which a resolver may read), or `null` for anonymous callers, who all get the
 * same answers and so may share. The request id and the client's address are left out: the
 * first only names log lines, and the second is read by identity's login throttle alone, on
 * a mutation, which is never shared.
 */
const callerKey = (caller: Caller | null): string | null =>
  caller ? JSON.stringify([caller.userId, caller.sessionId ?? null, [...caller.roles].sort()]) : null;

/**
 * The key of a fetch that may be shared, or undefined for one that must go out on its own:
 * everything the subgraph's answer depends on (query, operation name, variables, extra
 * headers, the caller). The subgraph is implied: each source has its own table.
 */
function flightKey<TContext extends CallerContext>(
  options: GraphQLDataSourceProcessOptions<TContext>,
): string | undefined {
  // Only a client's operation (the gateway's own health checks and schema loads are rare),
  // told apart by its request context, as the gateway does not export the kinds' enum.
  if (!('incomingRequestContext' in options)) return undefined;
  const { query, operationName, variables, extensions, http } = options.request;
  if (query === undefined || !QUERY.test(query)) return undefined;
  const headers = http?.headers ? [...http.headers] : [];
  return JSON.stringify([
    callerKey(options.context.caller),
    operationName ?? null,
    query,
    variables ?? null,
    extensions ?? null,
    headers,
  ]);
}

/** The request's cache policy (Apollo Server's, typed `any` by the gateway interface). */
const isCachePolicy = (value: unknown): value is { restrict(hint: { maxAge: number }): void } =>
  typeof value === 'object' && value !== null && 'restrict' in value && typeof value.restrict === 'function';

/**
 * Each waiter's own answer: the gateway writes into the data it receives (typenames, rewrites,
 * merges). The answer was parsed from JSON, so one JSON text of it, parsed again per waiter,
 * copies it exactly, at about half the CPU of structuredClone on a search page. The subgraph's
 * HTTP response (read already, and not looked at by the gateway once the data source has
 * returned) is left out rather than shared.
 */
function copyOf(flight: Flight, { data, errors, extensions }: SubgraphResponse): SubgraphResponse {
  flight.text ??= JSON.stringify({ data, errors, extensions });
  return JSON.parse(flight.text) as SubgraphResponse;
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
  const flights = new Map<string, Flight>();
  return {
    async process(request) {
      const key = flightKey(request);
      if (key === undefined) return source.process(request);
      const inFlight = flights.get(key);
      if (inFlight) {
        inFlight.joined += 1;
        options.onShared?.(options.subgraph);
        // The leader restricted its own cache policy by the subgraph's Cache-Control; this
        // request never saw that header, so it is marked uncacheable, as a subgraph answer
        // without one marks it (the subgraphs send none on GraphQL answers).
        if ('incomingRequestContext' in request) {
          const policy: unknown = request.incomingRequestContext.overallCachePolicy;
          if (isCachePolicy(policy)) policy.restrict({ maxAge: 0 });
        }
        return copyOf(inFlight, await inFlight.answer);
      }
      const flight: Flight = {
        // Started after the entry is in the table, and removed before the answer reaches
        // anyone: no one joins a settled flight, and a fetch that fails at once leaves none behind.
        answer: Promise.resolve()
          .then(() => source.process(request))
          .finally(() => flights.delete(key)),
        joined: 0,
      };
      flights.set(key, flight);
      const answer = await flight.answer;
      // The waiters copy from this object, so the leader may keep it only if there are none.
      return flight.joined === 0 ? answer : copyOf(flight, answer);
    },
  };
}
