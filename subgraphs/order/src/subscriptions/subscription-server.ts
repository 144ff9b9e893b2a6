import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import {
  InvalidAssertionError,
  ROUTER_ASSERTION_HEADER,
  verifyRouterAssertion,
  type AssertionVerificationKey,
} from '@emporium/auth';
import { createErrorFormatter, type RequestIdentity } from '@emporium/graphql-server';
import type { Logger } from '@emporium/logging';
import {
  GraphQLError,
  OperationTypeNode,
  getOperationAST,
  parse,
  validate,
  type ExecutionArgs,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import type { Context } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';

/** Where subscriptions are served: the same path as queries, upgraded to a WebSocket. */
export const SUBSCRIPTIONS_PATH = '/graphql';

/** Ping interval, and how long a pong may take before the socket counts as dead. */
export const DEFAULT_KEEP_ALIVE_MS = 15_000;

/** Subscription documents are small; anything larger is not one of ours. */
const MAX_MESSAGE_BYTES = 64 * 1024;

/** Options of {@link serveSubscriptions}. */
export interface SubscriptionServerOptions<TContext> {
  /** The subgraph's HTTP server; the WebSocket server shares its port. */
  httpServer: Server;
  /** The subgraph's name in the supergraph: router assertions are addressed to it. */
  name: string;
  schema: GraphQLSchema;
  /** The router's public key: the only signer whose assertions open a socket. */
  routerKey: AssertionVerificationKey;
  logger: Logger;
  /** Builds one subscription's context (a forked EntityManager, the caller); it lives as long as the subscription. */
  context: (identity: RequestIdentity) => TContext;
  keepAliveMs?: number;
  /**
   * The W3C trace context of the event a subscription just resolved, if any: sent with the
   * event as `extensions.traceparent`, so the router's push of it joins that event's trace.
   */
  traceOf?: (context: TContext) => string | undefined;
}

/** The running WebSocket endpoint. */
export interface SubscriptionServer {
  /** Closes every socket (their subscriptions stop listening) and the WebSocket server; the HTTP server stays. */
  close(): Promise<void>;
}

type ConnectionContext = Context<Record<string, unknown>, Extra & { identity?: RequestIdentity }>;

const invalidAssertion = (): GraphQLError =>
  new GraphQLError('The subscription does not carry a valid router assertion', {
    extensions: { code: 'UNAUTHENTICATED' },
  });

/**
 * GraphQL subscriptions on the subgraph's own HTTP server, over graphql-ws (subprotocol
 * graphql-transport-ws). Only the router opens sockets: `connection_init` carries a router
 * assertion under the same key as the HTTP header, and a socket without a valid one is closed
 * with 4403 before any subscription. The router carries many callers' subscriptions on a few
 * sockets, so each `subscribe` names its own caller: an assertion under the same key in the
 * message's `extensions`, checked when it arrives; an invalid one ends that subscription alone
 * with UNAUTHENTICATED. A subscription without one runs as the socket's own assertion says
 * (a router that opens a socket per caller). Only subscription operations are served here;
 * queries and mutations go over HTTP. Errors leave through the same formatter as HTTP ones,
 * so no internals leak.
 */
export function serveSubscriptions<TContext>(options: SubscriptionServerOptions<TContext>): SubscriptionServer {
  const { schema, logger } = options;
  const formatError = createErrorFormatter(logger);
  const format = (error: GraphQLError): GraphQLFormattedError => formatError(error.toJSON(), error);

  /** The identity an assertion proves, or undefined (logged) when it proves none. */
  const verify = async (
    assertion: unknown,
    ctx: ConnectionContext,
    scope: 'socket' | 'subscription',
  ): Promise<RequestIdentity | undefined> => {
    try {
      const identity = await verifyRouterAssertion(
        options.routerKey,
        options.name,
        typeof assertion === 'string' ? assertion : undefined,
      );
      return { ...identity, requestId: identity.requestId || randomUUID() };
    } catch (error) {
      if (!(error instanceof InvalidAssertionError)) throw error;
      logger.warn(
        { reason: error.message, remote: ctx.extra.request.socket.remoteAddress },
        `${scope} without a valid router assertion`,
      );
      return undefined;
    }
  };

  const wss = new WebSocketServer({
    server: options.httpServer,
    path: SUBSCRIPTIONS_PATH,
    maxPayload: MAX_MESSAGE_BYTES,
  });
  const graphqlWs = useServer<Record<string, unknown>, { identity?: RequestIdentity }>(
    {
      schema,
      // Internal failures close a socket with a generic reason, never the error's message.
      isProd: true,
      onConnect: async (ctx: ConnectionContext) => {
        const identity = await verify(ctx.connectionParams?.[ROUTER_ASSERTION_HEADER], ctx, 'socket');
        if (!identity) return false;
        ctx.extra.identity = identity;
        return true;
      },
      onSubscribe: async (ctx: ConnectionContext, _id, payload) => {
        const own = payload.extensions?.[ROUTER_ASSERTION_HEADER];
        const identity = own === undefined ? ctx.extra.identity : await verify(own, ctx, 'subscription');
        if (!identity) return [invalidAssertion()];
        let document;
        try {
          document = parse(payload.query);
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError('The document does not parse')];
        }
        const errors = validate(schema, document);
        if (errors.length > 0) return errors;
        const operation = getOperationAST(document, payload.operationName);
        if (operation?.operation !== OperationTypeNode.SUBSCRIPTION) {
          return [
            new GraphQLError('Only subscriptions are served over WebSocket; send queries and mutations over HTTP'),
          ];
        }
        const args: ExecutionArgs = {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: options.context(identity),
        };
        return args;
      },
      onNext: (_ctx, _id, _payload, args, result) => {
        const traceparent = options.traceOf?.(args.contextValue as TContext);
        if (!result.errors && traceparent === undefined) return undefined;
        return {
          ...result,
          ...(result.errors ? { errors: result.errors.map(format) } : {}),
          ...(traceparent === undefined ? {} : { extensions: { ...result.extensions, traceparent } }),
        };
      },
      onError: (_ctx, _id, _payload, errors) => errors.map(format),
    },
    wss,
    options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS,
  );

  return {
    close: async () => {
      await graphqlWs.dispose();
    },
  };
}
