/**
 * The one Apollo Client of the storefront: queries and mutations over HTTP, subscriptions over
 * WebSocket (graphql-transport-ws, the token in `connectionParams.authorization`), both sending
 * only trusted documents, with the session's token refreshed before it lapses and once more when
 * the router says UNAUTHENTICATED.
 */
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { SetContextLink } from '@apollo/client/link/context';
import { ErrorLink } from '@apollo/client/link/error';
import { OperationTypeNode, type FormattedExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { Observable, from, mergeMap } from 'rxjs';
import { RefreshSessionDocument } from '../generated/graphql.ts';
import { graphqlUrl, webSocketUrl } from './endpoint.ts';
import type { SessionStore } from './session.ts';
import { operationNameOf, trustedDocument } from './trusted-documents.ts';

declare module '@apollo/client' {
  interface DefaultContext {
    /** Sent without the session's token (the refresh itself, which carries its own credential). */
    anonymous?: boolean;
    /** Set once an operation was retried after a refresh, so it is not retried again. */
    retriedAfterRefresh?: boolean;
  }
}

/** Listeners told when the subscription socket reconnects, to catch up on what they missed. */
const reconnectListeners = new Set<() => void>();
export function onSubscriptionsReconnected(listener: () => void): () => void {
  reconnectListeners.add(listener);
  return () => reconnectListeners.delete(listener);
}

/** Adds the persisted-query extension; the HTTP link prints the same listed text. */
const trustedDocumentsLink = new ApolloLink((operation, forward) => {
  const { sha256Hash } = trustedDocument(operation.operationName);
  operation.extensions = { ...operation.extensions, persistedQuery: { version: 1, sha256Hash } };
  return forward(operation);
});

function webSocketLink(session: SessionStore, url: string): { link: ApolloLink; client: Client } {
  const client = createClient({
    url: webSocketUrl(url),
    lazy: true,
    connectionParams: async () => {
      const token = await session.freshToken();
      return token === null ? {} : { authorization: `Bearer ${token}` };
    },
    // A dropped connection comes back (the next connect refreshes an expired token first);
    // the subscriptions resume on it and their pages fetch what they missed.
    retryAttempts: 1_000,
    shouldRetry: () => true,
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** retries, 5_000))),
    on: {
      connected: (_socket, _payload, wasRetry) => {
        if (wasRetry) for (const listener of reconnectListeners) listener();
      },
    },
  });
  const link = new ApolloLink(
    (operation) =>
      new Observable<ApolloLink.Result>((observer) => {
        const { query, sha256Hash } = trustedDocument(operation.operationName);
        return client.subscribe(
          {
            query,
            variables: operation.variables,
            operationName: operation.operationName ?? null,
            extensions: { persistedQuery: { version: 1, sha256Hash } },
          },
          {
            next: (result: FormattedExecutionResult) => {
              observer.next(result as ApolloLink.Result);
            },
            complete: () => {
              observer.complete();
            },
            error: (error: unknown) => {
              observer.error(error instanceof Error ? error : new Error('the live connection failed'));
            },
          },
        );
      }),
  );
  return { link, client };
}

export function createApolloClient(session: SessionStore): ApolloClient {
  const url = graphqlUrl();

  const auth = new SetContextLink(async (context) => {
    const token = context.anonymous ? null : await session.freshToken();
    if (token === null) return {};
    const headers: Record<string, string> = { ...(context.headers as Record<string, string> | undefined) };
    headers['authorization'] = `Bearer ${token}`;
    return { headers };
  });

  // An access token can still be refused early (a logout elsewhere, a clock off): refresh once, retry once.
  const retryAfterRefresh = new ErrorLink(({ error, operation, forward }) => {
    const context = operation.getContext();
    const unauthenticated =
      CombinedGraphQLErrors.is(error) && error.errors.some((e) => e.extensions?.['code'] === 'UNAUTHENTICATED');
    if (!unauthenticated || context.anonymous || context.retriedAfterRefresh || session.current() === null) return;
    operation.setContext({ retriedAfterRefresh: true });
    return from(session.refresh()).pipe(mergeMap(() => forward(operation)));
  });

  const http = new HttpLink({
    uri: url,
    includeExtensions: true,
    // The exact listed text, not a reprint: its hash is the one in the manifest.
    print: (node) => trustedDocument(operationNameOf(node)).query,
  });
  const ws = webSocketLink(session, url);

  const client = new ApolloClient({
    link: ApolloLink.split(
      (operation) => operation.operationType === OperationTypeNode.SUBSCRIPTION,
      ApolloLink.from([trustedDocumentsLink, ws.link]),
      ApolloLink.from([retryAfterRefresh, auth, trustedDocumentsLink, http]),
    ),
    cache: new InMemoryCache({
      typePolicies: {
        Query: {
          fields: {
            searchProducts: {
              keyArgs: ['query', 'filter', 'sort'],
              // "Show more" appends the next page to the ones on screen.
              merge(existing: { edges: unknown[] } | undefined, incoming: { edges: unknown[] }, { args }) {
                if (!existing || !args?.['after']) return incoming;
                return { ...incoming, edges: [...existing.edges, ...incoming.edges] };
              },
            },
          },
        },
        // Objects without ids that several queries select different fields of.
        Product: { fields: { inventory: { merge: true }, rating: { merge: true }, price: { merge: true } } },
        Order: { fields: { payment: { merge: true }, total: { merge: true } } },
      },
    }),
  });

  session.refresher = async (refreshToken) => {
    const result = await client.mutate({
      mutation: RefreshSessionDocument,
      variables: { input: { refreshToken } },
      context: { anonymous: true },
    });
    const payload = result.data?.refreshSession;
    if (!payload?.token || payload.userErrors.length > 0) return null;
    return { token: payload.token, refreshToken: payload.refreshToken, expiresAt: payload.expiresAt };
  };
  return client;
}
