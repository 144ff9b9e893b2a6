import { createHash } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '@emporium/logging';
import { stackEndpoints, uniqueName } from '@emporium/testing';
import { redisPersistedQueryCache } from '../src/persisted-query-cache.ts';
import { connectSharedRedis, redisReady } from '../src/shared-redis.ts';
import { TrustedDocumentCache } from '../src/trusted-documents.ts';

/**
 * Apollo's automatic persisted queries (APQ) on the stack's Redis, two Apollo servers wired as
 * the router wires its own playing two router replicas behind a balancer: a document one of
 * them learnt is known to the other, and a Redis that cannot be reached leaves each replica
 * with what it learnt itself instead of failing the request.
 */
const quiet = createLogger('test', { level: 'silent' });
const clients: Redis[] = [];
const servers: ApolloServer[] = [];

const typeDefs = 'type Query { echo(word: String!): String! }';
const resolvers = { Query: { echo: (_: unknown, { word }: { word: string }): string => word } };

async function replica(redisUrl = stackEndpoints().redis.url): Promise<ApolloServer> {
  const redis = connectSharedRedis(redisUrl, quiet);
  // An unreachable Redis is never ready: the replica then starts degraded, as the router does.
  redis.on('error', () => undefined);
  clients.push(redis);
  await redisReady(redis, 2000);
  const server = new ApolloServer({
    typeDefs,
    resolvers,
    persistedQueries: { cache: new TrustedDocumentCache(new Map(), false, redisPersistedQueryCache({ redis })) },
  });
  await server.start();
  servers.push(server);
  return server;
}

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  for (const client of clients) client.disconnect();
});

interface Answer {
  data?: Record<string, unknown> | null;
  errors?: readonly { extensions?: Record<string, unknown> }[];
}

/** An APQ request: the hash, with the document's text only when registering it. */
async function send(server: ApolloServer, query: string | undefined): Promise<Answer> {
  const hash = createHash('sha256')
    .update(query ?? '')
    .digest('hex');
  return sendHash(server, hash, query);
}

async function sendHash(server: ApolloServer, sha256Hash: string, query?: string): Promise<Answer> {
  const response = await server.executeOperation({
    ...(query === undefined ? {} : { query }),
    extensions: { persistedQuery: { version: 1, sha256Hash } },
  });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return response.body.singleResult;
}

const hashOf = (text: string): string => createHash('sha256').update(text).digest('hex');
const codes = (answer: Answer): unknown[] => (answer.errors ?? []).map((error) => error.extensions?.['code']);

describe('automatic persisted queries shared in Redis', () => {
  it('serve by hash on one replica a document registered on another', async () => {
    const [a, b] = [await replica(), await replica()];
    // A document no earlier run registered: the word makes it new.
    const query = `{ echo(word: "${uniqueName('apq')}") }`;
    expect(codes(await sendHash(b, hashOf(query)))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);

    const registered = await send(a, query);
    expect(registered.errors).toBeUndefined();

    const elsewhere = await sendHash(b, hashOf(query));
    expect(elsewhere.errors).toBeUndefined();
    expect(elsewhere.data?.['echo']).toBe(/"(.*)"/.exec(query)?.[1]);
  });

  it('keep each entry for a bounded time', async () => {
    const a = await replica();
    const query = `{ echo(word: "${uniqueName('apq')}") }`;
    expect((await send(a, query)).errors).toBeUndefined();
    const raw = clients[clients.length - 1];
    if (!raw) throw new Error('no Redis client');
    const ttl = await raw.ttl(`router:apq:${hashOf(query)}`);
    expect(ttl).toBeGreaterThan(0);
  });

  it('fall back to what each replica learnt itself while Redis cannot be reached, never an error', async () => {
    // Nothing listens on port 1: every command fails at once, as in a Redis outage.
    const [a, b] = [await replica('redis://127.0.0.1:1'), await replica('redis://127.0.0.1:1')];
    const query = `{ echo(word: "${uniqueName('apq')}") }`;
    expect((await send(a, query)).errors).toBeUndefined();
    // The replica that learnt it serves it by hash...
    expect((await sendHash(a, hashOf(query))).data?.['echo']).toBeDefined();
    // ...and the other asks for the text, as APQ clients expect, rather than failing.
    expect(codes(await sendHash(b, hashOf(query)))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect((await send(b, query)).errors).toBeUndefined();
  });
});
