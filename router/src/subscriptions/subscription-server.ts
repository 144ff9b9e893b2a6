import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { signRouterAssertion, type AssertionSigningKey, type Caller } from '@emporium/auth';
import { createErrorFormatter } from '@emporium/graphql-server';
import type { Logger } from '@emporium/logging';
import {
  GraphQLError,
  OperationTypeNode,
  getOperationAST,
  getVariableValues,
  parse,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { CloseCode, type Context } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { LRUCache } from 'lru-cache';
import { WebSocketServer } from 'ws';
import type { VerifiedToken } from '../auth.ts';
import { measure } from '../limits.ts';
import type { ClientAddressOf } from '../client-address.ts';
import type { RateLimiter } from '../rate-limit.ts';
import { EventStream } from './event-stream.ts';
import type { SocketCaps, SocketLease } from './socket-caps.ts';
import type { JsonObject } from './plan-executor.ts';
import {
  UpstreamPool,
  activeUpstreams,
  createSubgraphFetcher,
  sharedFetching,
  type UpstreamPoolOptions,
} from './subgraph-client.ts';
import type { PlannedSubscription, SubscriptionPlanner } from './subscription-planner.ts';

/** Subscriptions share the path of queries and mutations; a WebSocket upgrade tells them apart. */
export const SUBSCRIPTIONS_PATH = '/graphql';

/** Ping interval towards clients, and how long a pong may take before the socket counts as dead. */
export const KEEP_ALIVE_MS = 15_000;

/**
 * Close codes a client can meet besides graphql-ws's own:
 * 4403 Forbidden: connection_init without `authorization: "Bearer <token>"` (the key in any case), or with a token
 * that does not verify (expired, wrong signature, unknown key).
 * 4401 Unauthorized: the token the socket was opened with has expired, or its session has
 * ended (logout, refresh-token reuse); sign in (or refresh) and reconnect.
 */
export const TOKEN_EXPIRED_CLOSE_CODE = CloseCode.Unauthorized;

/**
 * 4429: the signed-in user already holds as many sockets as the router allows one user
 * (an address over its allowance is refused earlier, with HTTP 429 on the upgrade).
 */
export const TOO_MANY_CONNECTIONS_CLOSE_CODE = 4429;

/** Where the router's schema and plans come from; both follow the gateway's current supergraph. */
export interface SchemaSource {
  /** The API schema the HTTP path validates against; null until the gateway has loaded. */
  apiSchema(): GraphQLSchema | null;
  planner(): SubscriptionPlanner | null;
}

/** Options of {@link serveSubscriptions}. */
export interface SubscriptionServerOptions {
  httpServer: Server;
  schemas: SchemaSource;
  verifyToken: (authorization: string | undefined) => Promise<VerifiedToken | null | GraphQLError>;
  /** Signs the assertions of upstream sockets and fetches. */
  signingKey: AssertionSigningKey;
  limits: {
    maxDepth: number;
    maxFields: number;
    maxBodyBytes: number;
    maxSubscriptionsPerConnection: number;
    /** Open sockets per signed-in user, and per client address before anyone signs in. */
    maxWebSocketsPerUser: number;
    maxWebSocketsPerAddress: number;
    /** How long a new socket may take to send connection_init before it is closed (4408). */
    connectionInitTimeoutMs: number;
  };
  limiter: RateLimiter;
  /** Where open sockets are counted against `maxWebSocketsPerUser` and `maxWebSocketsPerAddress`. */
  caps: SocketCaps;
  /** The client's address of an upgrade request (behind a trusted balancer, the one it saw). */
  addressOf: ClientAddressOf;
  logger: Logger;
  keepAliveMs?: number;
  /** How subscriptions share sockets to the subgraphs (at most 16 per subgraph by default). */
  upstreams?: UpstreamPoolOptions;
  /** How long a subgraph may take to answer a fetch that completes an event. */
  subgraphTimeoutMs: number;
}

/** The running WebSocket endpoint. */
export interface SubscriptionServer {
  /** Client subscriptions open right now, over all sockets. */
  active(): number;
  /** Sockets to subgraphs open right now, shared by all client subscriptions. */
  upstreamSockets(): number;
  /** Closes (4401) every socket opened with a token of one of these sessions; returns how many. */
  endSessions(sessionIds: readonly string[]): number;
  /** Closes every client socket (and so every upstream one) and the WebSocket server; the HTTP server stays. */
  close(): Promise<void>;
}

/** What the router keeps on a client socket once connection_init is accepted. */
type Connection = {
  caller?: Caller;
  expiry?: NodeJS.Timeout;
  /** The socket's place under its user's cap. */
  userLease?: SocketLease;
};

type ConnectionContext = Context<Record<string, unknown>, Extra & Connection>;

/** What onSubscribe hands to `subscribe`: the plan, the caller and the client's variables. */
interface SubscriptionContext {
  planned: PlannedSubscription;
  caller: Caller;
  requestId: string;
  variables: JsonObject;
}

const requestError = (code: string, message: string): GraphQLError =>
  new GraphQLError(message, { extensions: { code } });

/** Distinct subscription documents kept parsed and validated; clients send a handful, so this bounds abuse only. */
const DOCUMENT_CACHE_SIZE = 1000;

const isErrors = (value: DocumentNode | readonly GraphQLError[]): value is readonly GraphQLError[] =>
  Array.isArray(value);

/** setTimeout takes at most 2^31-1 ms; a token that outlives that is re-checked then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * GraphQL subscriptions on the router's own HTTP server and path, over graphql-ws (subprotocol
 * graphql-transport-ws). The client proves who it is once, in connection_init
 * (`{ "authorization": "Bearer <token>" }`); the socket closes when that token expires. Each
 * subscription is validated against the gateway's API schema with the HTTP path's limits,
 * planned by the gateway's query planner, and served by the subgraph that owns its root field
 * over one of a few sockets all subscriptions share ({@link UpstreamPool}), each event
 * completed with what other subgraphs own. Nothing here
 * names a field: any subscription a subgraph adds to the supergraph is served the same way.
 */
export function serveSubscriptions(options: SubscriptionServerOptions): SubscriptionServer {
  const { schemas, logger, limits } = options;
  const formatError = createErrorFormatter(logger);
  const format = (error: GraphQLError): GraphQLFormattedError => formatError(error.toJSON(), error);

  // Every tab of the shop subscribes with the same few documents, and a subscription holds its
  // document as long as it lives: a parsed one is ~15 KiB, so each is parsed and validated once
  // per schema and shared, as Apollo Server's document store does for queries.
  const documents = new LRUCache<string, { schema: GraphQLSchema; document: DocumentNode }>({
    max: DOCUMENT_CACHE_SIZE,
  });
  const parsed = (schema: GraphQLSchema, query: string): DocumentNode | readonly GraphQLError[] => {
    const cached = documents.get(query);
    if (cached?.schema === schema) return cached.document;
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      const message = error instanceof GraphQLError ? error.message : 'The document does not parse';
      return [requestError('GRAPHQL_PARSE_FAILED', message)];
    }
    const invalid = validate(schema, document);
    if (invalid.length > 0) return invalid.map((error) => requestError('GRAPHQL_VALIDATION_FAILED', error.message));
    documents.set(query, { schema, document });
    return document;
  };

  const check = (
    schema: GraphQLSchema,
    query: string,
    operationName: string | undefined,
    variables: JsonObject,
  ): DocumentNode | readonly GraphQLError[] => {
    const document = parsed(schema, query);
    if (isErrors(document)) return document;
    const operation = getOperationAST(document, operationName);
    if (!operation) return [requestError('BAD_REQUEST', 'Name the operation to run')];
    if (operation.operation !== OperationTypeNode.SUBSCRIPTION) {
      return [
        requestError(
          'BAD_REQUEST',
          'Only subscriptions are served over WebSocket; send queries and mutations over HTTP',
        ),
      ];
    }
    const shape = measure(document, operation);
    if (shape.depth > limits.maxDepth) {
      return [
        requestError('QUERY_TOO_COMPLEX', `The query is ${shape.depth} levels deep; the limit is ${limits.maxDepth}`),
      ];
    }
    if (shape.fields > limits.maxFields) {
      return [
        requestError('QUERY_TOO_COMPLEX', `The query selects ${shape.fields} fields; the limit is ${limits.maxFields}`),
      ];
    }
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
    if (coerced.errors) return coerced.errors.map((error) => requestError('BAD_USER_INPUT', error.message));
    return document;
  };

  const connections = new Set<ConnectionContext>();
  const upstreams = new UpstreamPool(options.signingKey, options.upstreams);
  const fetching = sharedFetching(options.subgraphTimeoutMs);
  const wss = new WebSocketServer({
    server: options.httpServer,
    path: SUBSCRIPTIONS_PATH,
    maxPayload: limits.maxBodyBytes,
    // Refused before the upgrade, so an address over its allowance costs no socket at all.
    verifyClient: ({ req }, accept) => {
      options.caps.open(`address:${options.addressOf(req)}`, limits.maxWebSocketsPerAddress).then(
        (lease) => {
          if (!lease) {
            accept(false, 429, 'Too many connections from this address');
            return;
          }
          // The TCP socket's end, however the upgrade or the WebSocket ends, frees the place.
          if (req.socket.destroyed) lease.release();
          else
            req.socket.once('close', () => {
              lease.release();
            });
          accept(true);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'cannot count a WebSocket against its address');
          accept(false, 503, 'Service Unavailable');
        },
      );
    },
  });
  const graphqlWs = useServer<Record<string, unknown>, Connection>(
    {
      // Internal failures close a socket with a generic reason, never the error's message.
      isProd: true,
      connectionInitWaitTimeout: limits.connectionInitTimeoutMs,
      onConnect: async (ctx: ConnectionContext) => {
        // Browsers' GraphQL IDEs (Apollo Sandbox among them) send their headers as connection params, as typed.
        const params = ctx.connectionParams ?? {};
        const key = Object.keys(params).find((name) => name.toLowerCase() === 'authorization');
        const authorization = key === undefined ? undefined : params[key];
        if (typeof authorization !== 'string' || authorization === '') return false;
        const token = await options.verifyToken(authorization);
        if (token === null || token instanceof GraphQLError) return false;
        const userLease = await options.caps.open(`user:${token.caller.userId}`, limits.maxWebSocketsPerUser);
        if (!userLease) {
          ctx.extra.socket.close(TOO_MANY_CONNECTIONS_CLOSE_CODE, 'Too many connections for this user');
          return false;
        }
        // Closed while its place was being taken: onClose has already run for it.
        if (ctx.extra.socket.readyState !== ctx.extra.socket.OPEN) {
          userLease.release();
          return false;
        }
        ctx.extra.userLease = userLease;
        ctx.extra.caller = token.caller;
        const socket = ctx.extra.socket;
        const closeWhenExpired = (): void => {
          const left = token.expiresAt - Date.now();
          if (left <= 0) socket.close(TOKEN_EXPIRED_CLOSE_CODE, 'Token expired');
          else ctx.extra.expiry = setTimeout(closeWhenExpired, Math.min(left, MAX_TIMER_MS));
        };
        closeWhenExpired();
        connections.add(ctx);
        return true;
      },
      onClose: (ctx: ConnectionContext) => {
        clearTimeout(ctx.extra.expiry);
        // Only an accepted socket holds a place under its user's cap.
        ctx.extra.userLease?.release();
        connections.delete(ctx);
      },
      onSubscribe: async (ctx: ConnectionContext, _id, payload) => {
        const schema = schemas.apiSchema();
        const planner = schemas.planner();
        const caller = ctx.extra.caller;
        if (!schema || !planner || !caller) {
          return [requestError('INTERNAL_SERVER_ERROR', 'The router is not ready for subscriptions')];
        }
        // Each subscription holds an upstream socket, so one client socket may not multiply them without end.
        // graphql-ws has already recorded this one among the socket's subscriptions.
        if (Object.keys(ctx.subscriptions).length > limits.maxSubscriptionsPerConnection) {
          return [
            requestError(
              'TOO_MANY_SUBSCRIPTIONS',
              `A socket holds at most ${limits.maxSubscriptionsPerConnection} subscriptions; complete one first`,
            ),
          ];
        }
        const decision = await options.limiter.take(`user:${caller.userId}`);
        if (!decision.allowed) {
          return [
            new GraphQLError(`Too many requests; retry in ${decision.retryAfterSeconds} s`, {
              extensions: { code: 'RATE_LIMITED', retryAfterSeconds: decision.retryAfterSeconds },
            }),
          ];
        }
        const operationName = payload.operationName ?? undefined;
        const variables = payload.variables ?? {};
        const checked = check(schema, payload.query, operationName, variables);
        if (isErrors(checked)) return [...checked];
        const document = checked;
        let planned: PlannedSubscription;
        try {
          planned = planner.plan(document, operationName, payload.query);
        } catch (error) {
          logger.error({ err: error, operationName }, 'cannot plan a subscription');
          return [requestError('INTERNAL_SERVER_ERROR', 'The subscription cannot be planned')];
        }
        const context: SubscriptionContext = {
          planned,
          caller,
          requestId: randomUUID(),
          variables,
        };
        const args: ExecutionArgs = {
          schema,
          document,
          operationName,
          variableValues: variables,
          contextValue: context,
        };
        return args;
      },
      subscribe: async (args: ExecutionArgs) => {
        const { planned, caller, requestId, variables } = args.contextValue as SubscriptionContext;
        const planner = schemas.planner();
        if (!planner) throw new Error('The router is not ready for subscriptions');
        const identity = { caller, requestId };
        const owner = planned.node.primary.serviceName;
        // The subgraph checks it as the subscription starts, so its 25 s life is enough.
        const assertion = await signRouterAssertion(options.signingKey, owner, identity);
        return new EventStream(
          planned,
          upstreams.upstream(owner, planner.subgraphUrl(owner), assertion),
          {
            operation: planned.operation,
            supergraphSchema: planner.supergraphSchema,
            variables,
            fetch: createSubgraphFetcher(
              (name) => planner.subgraphUrl(name),
              options.signingKey,
              identity,
              logger,
              fetching,
            ),
          },
          logger,
        );
      },
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map(format) } : undefined,
      onError: (_ctx, _id, _payload, errors) => errors.map(format),
    },
    wss,
    options.keepAliveMs ?? KEEP_ALIVE_MS,
  );

  return {
    endSessions: (sessionIds) => {
      const ended = new Set(sessionIds);
      let closed = 0;
      for (const connection of connections) {
        const sessionId = connection.extra.caller?.sessionId;
        if (sessionId !== undefined && ended.has(sessionId)) {
          connection.extra.socket.close(TOKEN_EXPIRED_CLOSE_CODE, 'Session ended');
          closed += 1;
        }
      }
      return closed;
    },
    active: () => {
      let count = 0;
      for (const connection of connections) count += Object.keys(connection.subscriptions).length;
      return count;
    },
    upstreamSockets: activeUpstreams,
    close: async () => {
      await graphqlWs.dispose();
      await upstreams.dispose();
    },
  };
}
