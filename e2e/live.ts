/**
 * A graphql-ws client for the subscription tests, as a browser tab would hold one: a socket
 * to a router's /graphql, subscriptions recorded as they arrive, and the figures the router
 * and the order subgraph publish on /health/subscriptions.
 */
import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { eventually } from '@emporium/testing';
import { ROUTER_URL } from './client.ts';
import type { Money } from './shop.ts';

/** What the contract's OrderStatusChanged selects, plus `sequence` where a test asks for it. */
export interface StatusEvent {
  orderId: string;
  sequence?: number;
  status: string;
  at: string;
  reason: string | null;
  order: { id: string; total?: Money; lines: { quantity?: number; product: { id?: string; name: string } }[] };
}
export type StatusResult = FormattedExecutionResult<{ orderStatusChanged: StatusEvent }, unknown>;

/** How a subscription ended: completed by the server, or an error (a close event, or GraphQL errors). */
export type Ending = { completed: true } | { error: unknown };

/** What one subscription saw: results in order, and how it ended. */
export interface Watch {
  results: StatusResult[];
  ended: Promise<Ending>;
  unsubscribe: () => void;
}

/** A router's WebSocket URL: its GraphQL URL with http→ws. */
export const webSocketUrl = (graphqlUrl: string): string => graphqlUrl.replace(/^http/, 'ws');

const clients: Client[] = [];

/** Opens (lazily, on the first subscription) a socket to `graphqlUrl` with these connection params. */
export function connect(connectionParams: Record<string, unknown>, graphqlUrl = ROUTER_URL): Client {
  const client = createClient({
    url: webSocketUrl(graphqlUrl),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams,
  });
  clients.push(client);
  return client;
}

export const connectAs = (token: string, graphqlUrl = ROUTER_URL): Client =>
  connect({ authorization: `Bearer ${token}` }, graphqlUrl);

/** Closes every socket the test opened; for afterEach. */
export async function disconnectAll(): Promise<void> {
  await Promise.all(clients.splice(0).map((client) => Promise.resolve(client.dispose())));
}

export function watch(client: Client, query: string, variables: Record<string, unknown>): Watch {
  const results: StatusResult[] = [];
  let unsubscribe = (): void => undefined;
  const ended = new Promise<Ending>((resolve) => {
    unsubscribe = client.subscribe<{ orderStatusChanged: StatusEvent }>(
      { query, variables },
      {
        next: (result) => results.push(result),
        error: (error: unknown) => {
          resolve({ error });
        },
        complete: () => {
          resolve({ completed: true });
        },
      },
    );
  });
  return { results, ended, unsubscribe };
}

export const statuses = (results: readonly StatusResult[]): string[] =>
  results.map((result) => result.data?.orderStatusChanged.status ?? '');

/** Waits until a subscription has seen `status`. */
export const sees = (results: readonly StatusResult[], status: string, timeoutMs = 30_000): Promise<true> =>
  eventually(async () => (statuses(results).includes(status) ? true : undefined), {
    what: `${status} on the subscription`,
    timeoutMs,
  });

export const sequences = (results: readonly StatusResult[]): number[] =>
  results.map((result) => result.data?.orderStatusChanged.sequence ?? -1);

/** The close code a subscription ended with, if a socket close ended it. */
export const closeCode = (ending: Ending): number | undefined =>
  'error' in ending ? (ending.error as { code?: number }).code : undefined;

/** A router's live figures: client subscriptions and the upstream sockets serving them. */
export async function routerFigures(
  graphqlUrl = ROUTER_URL,
): Promise<{ clientSubscriptions: number; upstreamSockets: number }> {
  const response = await fetch(graphqlUrl.replace(/\/graphql$/, '/health/subscriptions'));
  return (await response.json()) as { clientSubscriptions: number; upstreamSockets: number };
}

/** An order subgraph's live figures: status listeners on its events hub, and the hub's consumer group. */
export async function orderFigures(orderBaseUrl: string): Promise<{ listeners: number; consumerGroup: string }> {
  const response = await fetch(`${orderBaseUrl}/health/subscriptions`);
  return (await response.json()) as { listeners: number; consumerGroup: string };
}

/** A subscription document beyond the contract's selection: `sequence`, and `afterSequence` to resume. */
export const RESUMABLE_STATUS = `subscription ResumableStatus($orderId: ID!, $afterSequence: Int) {
  orderStatusChanged(orderId: $orderId, afterSequence: $afterSequence) {
    orderId sequence status at reason
    order { id lines { product { name } } }
  }
}`;
