/**
 * Hive Gateway's configuration for the peer comparison (`npm run bench -- peer`): its defaults,
 * plus the one thing our subgraphs require of any gateway, a router assertion addressed to each
 * subgraph on every request, signed per request with the same key, algorithm and claims as the
 * router's (an anonymous caller: the compared queries are public).
 */
import { ROUTER_ASSERTION_HEADER, ROUTER_ISSUER, assertionSigningKey, signRouterAssertion } from '@emporium/auth';
import { randomUUID } from 'node:crypto';

const privateKey = process.env['BENCH_ROUTER_PRIVATE_KEY'];
if (!privateKey) throw new Error('BENCH_ROUTER_PRIVATE_KEY must hold the router private key');
const signingKey = assertionSigningKey(ROUTER_ISSUER, privateKey);

/**
 * Written without Hive's `defineConfig` types on purpose: graphql-yoga, under them, widens
 * graphql's GraphQLErrorExtensions for the whole TypeScript program, which the router's
 * Apollo-typed errors then no longer satisfy.
 */
export const gatewayConfig = {
  // Where the bench's supervisor asks whether a process is up (Hive's own default is /healthcheck).
  healthCheckEndpoint: '/health',
  propagateHeaders: {
    fromClientToSubgraphs: async ({ subgraphName }: { subgraphName: string }) => ({
      [ROUTER_ASSERTION_HEADER]: await signRouterAssertion(signingKey, subgraphName, {
        caller: null,
        requestId: randomUUID(),
      }),
    }),
  },
};
