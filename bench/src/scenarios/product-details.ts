import { ROUTER_ISSUER, assertionSigningKey, signRouterAssertion, ROUTER_ASSERTION_HEADER } from '@emporium/auth';
import { LOCAL_SECRETS, ROUTER, SUBGRAPHS, serviceUrl } from '../../../infra/src/services.ts';
import { runLoad, postGraphQL, type LoadResult } from '../load.ts';
import type { BenchSection } from '../report.ts';
import { median, percentile } from '../stats.ts';

/** The contract's ProductDetails, less `inventory` (the cart subgraph's, which a direct call cannot reach). */
export const THROUGH_ROUTER = `query ProductDetails($id: ID!) {
  product(id: $id) { id name description brand color price { amount currencyCode } images { url altText }
    category { id name } seller { id name } rating { average count }
    reviews(first: 5) { totalCount edges { node { id rating title body createdAt author { displayName } } } } }
}`;
/** What the product subgraph alone can answer: the same, with authors as bare references. */
const DIRECT = THROUGH_ROUTER.replace('author { displayName }', 'author { id }');

const CONCURRENCY = 16;
const REQUESTS = 3000;

const row = (label: string, result: LoadResult): string =>
  `| ${label} | ${median(result.latenciesMs).toFixed(1)} ms | ${percentile(result.latenciesMs, 99).toFixed(1)} ms | ${(
    (result.latenciesMs.length / result.elapsedMs) *
    1000
  ).toFixed(0)} | ${result.errors} |`;

/**
 * ProductDetails through the router against the product subgraph called directly (with a
 * valid router assertion), same product ids, same closed-loop load, alternating rounds so
 * machine noise hits both alike.
 */
export async function productDetails(): Promise<BenchSection> {
  const routerUrl = serviceUrl(ROUTER, '/graphql');
  const product = SUBGRAPHS.find((subgraph) => subgraph.name === 'product');
  if (!product) throw new Error('no product subgraph');
  const productUrl = serviceUrl(product, '/graphql');
  // This process started the platform, so its router key is the running router's.
  const signingKey = assertionSigningKey(ROUTER_ISSUER, LOCAL_SECRETS.router.privateKey);

  const page = (await (
    await fetch(routerUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ products(first: 100) { edges { node { id } } } }' }),
    })
  ).json()) as { data: { products: { edges: { node: { id: string } }[] } } };
  const ids = page.data.products.edges.map((edge) => edge.node.id);

  const viaRouter = (i: number) => postGraphQL(routerUrl, THROUGH_ROUTER, { id: ids[i % ids.length] });
  const direct = async (i: number) =>
    postGraphQL(
      productUrl,
      DIRECT,
      { id: ids[i % ids.length] },
      {
        [ROUTER_ASSERTION_HEADER]: await signRouterAssertion(signingKey, 'product', {
          caller: null,
          requestId: `bench-${i}`,
        }),
      },
    );

  // Warm both paths (JIT, connection pools, planner cache) before measuring.
  await runLoad({ concurrency: CONCURRENCY, requests: 300, send: viaRouter });
  await runLoad({ concurrency: CONCURRENCY, requests: 300, send: direct });
  const router: LoadResult = { latenciesMs: [], errors: 0, elapsedMs: 0 };
  const subgraph: LoadResult = { latenciesMs: [], errors: 0, elapsedMs: 0 };
  for (let round = 0; round < 3; round += 1) {
    for (const [target, send] of [
      [router, viaRouter],
      [subgraph, direct],
    ] as const) {
      const result = await runLoad({ concurrency: CONCURRENCY, requests: REQUESTS / 3, send });
      target.latenciesMs.push(...result.latenciesMs);
      target.errors += result.errors;
      target.elapsedMs += result.elapsedMs;
    }
  }
  const ratio = median(router.latenciesMs) / median(subgraph.latenciesMs);
  return {
    id: 'product-details',
    title: 'ProductDetails: router against the product subgraph',
    body: `
The contract's ProductDetails (without \`inventory\`, the cart subgraph's field) for
${ids.length} seeded products in turn, ${REQUESTS} requests per target with ${CONCURRENCY}
concurrent clients on loopback, in three alternating rounds after a warm-up. Direct calls
carry a valid router assertion and resolve review authors as bare references; through the
router, authors' names come from the identity subgraph (a second subgraph fetch), and the
product subgraph's part comes from the router's entity cache once the warm-up has read it.

| target | p50 | p99 | requests/s | errors |
| --- | --- | --- | --- | --- |
${row('router (product + identity)', router)}
${row('product subgraph directly', subgraph)}

Median through the router / median direct: **${ratio.toFixed(2)}×**.
`,
  };
}
