import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import {
  ROUTER_ASSERTION_HEADER,
  ROUTER_ISSUER,
  assertionSigningKey,
  assertionVerificationKey,
  generateAssertionKeyPair,
  signRouterAssertion,
} from '@emporium/auth';
import { createLogger } from '@emporium/logging';
import { buildFederatedSchema, createSubgraphServer, type SubgraphServer } from '../src/index.ts';

/**
 * What a subgraph tells the router it may keep: with `publicMaxAgeSeconds`, query answers are
 * public for that long and mutation answers never; without it, nothing is.
 */
const pair = generateAssertionKeyPair();
const signer = assertionSigningKey(ROUTER_ISSUER, pair.privateKey);
const typeDefs = parse(`
  type Item @key(fields: "id") { id: ID! name: String! }
  type Query { item: Item! }
  type Mutation { rename: Item! }
`);
const item = { id: '1', name: 'Lens' };
const resolvers = {
  Query: { item: () => item },
  Mutation: { rename: () => item },
  Item: { __resolveReference: () => item },
};

const servers: SubgraphServer[] = [];

async function serve(publicMaxAgeSeconds?: number): Promise<string> {
  const server = await createSubgraphServer({
    name: 'catalogue',
    schema: buildFederatedSchema(typeDefs, resolvers),
    routerKey: assertionVerificationKey(ROUTER_ISSUER, pair.publicKey),
    logger: createLogger('test', { level: 'silent' }),
    context: () => ({}),
    ...(publicMaxAgeSeconds === undefined ? {} : { publicMaxAgeSeconds }),
  });
  servers.push(server);
  await server.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}/graphql`;
}

async function cacheControlOf(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<string | null> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [ROUTER_ASSERTION_HEADER]: await signRouterAssertion(signer, 'catalogue', { caller: null, requestId: 'test' }),
    },
    body: JSON.stringify({ query, variables }),
  });
  expect(response.status).toBe(200);
  expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
  return response.headers.get('cache-control');
}

let publicUrl: string;
let plainUrl: string;

beforeAll(async () => {
  [publicUrl, plainUrl] = await Promise.all([serve(30), serve()]);
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
});

describe('public answers', () => {
  it('marks query answers public for the given age, entity fetches included', async () => {
    expect(await cacheControlOf(publicUrl, '{ item { id name } }')).toBe('max-age=30, public');
    const entities = 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Item { name } } }';
    expect(await cacheControlOf(publicUrl, entities, { r: [{ __typename: 'Item', id: '1' }] })).toBe(
      'max-age=30, public',
    );
  });

  it('never marks a mutation answer cacheable', async () => {
    expect(await cacheControlOf(publicUrl, 'mutation { rename { name } }')).toBe('no-store');
  });

  it('marks nothing cacheable in a subgraph that does not say so', async () => {
    expect(await cacheControlOf(plainUrl, '{ item { id name } }')).toBe('no-store');
  });
});
