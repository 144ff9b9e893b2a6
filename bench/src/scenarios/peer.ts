/**
 * Issue 16: the router beside a peer, Hive Gateway (its defaults), on the same supergraph,
 * subgraphs and queries, in alternating rounds of one run; and beside the product subgraph
 * called directly, for the query it can answer alone. Both gateways sign the same router
 * assertion for each subgraph request (bench/src/peer/hive-gateway.config.ts).
 */
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { ROUTER_ASSERTION_HEADER, ROUTER_ISSUER, assertionSigningKey, signRouterAssertion } from '@emporium/auth';
import { LOCAL_HOST } from '@emporium/config';
import { LOCAL_SECRETS, ROUTER, SUBGRAPHS, serviceUrl, type ServiceSpec } from '../../../infra/src/services.ts';
import { cpuAboveIdle, cpuRates, cpuSeconds } from '../cpu.ts';
import { postGraphQL, runLoad, type LoadResult } from '../load.ts';
import { startBeside, type BenchPlatform } from '../platform.ts';
import type { BenchSection } from '../report.ts';
import { median, percentile } from '../stats.ts';
import { SEARCH } from './search.ts';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..');
const CONCURRENCY = 16;
const ROUNDS = 3;
const ROUND_MS = 6000;
const WARMUP_REQUESTS = 300;
const PRODUCT_IDS = 200;
const HIVE_PORT = 4097;

/** Every field from the product subgraph: one subgraph fetch, whatever the gateway. */
const PRODUCT_ONLY = `query ProductOnly($id: ID!) {
  product(id: $id) { id name description brand color price { amount currencyCode } images { url altText }
    category { id name } seller { id name } rating { average count } }
}`;
/** The contract's ProductDetails: product, then the cart (inventory) and identity (authors) subgraphs. */
const PRODUCT_DETAILS = `query ProductDetails($id: ID!) {
  product(id: $id) { id name description brand color price { amount currencyCode } images { url altText }
    category { id name } seller { id name } inventory { available inStock } rating { average count }
    reviews(first: 5) { totalCount edges { node { id rating title body createdAt author { displayName } } } } }
}`;

type Target = 'router' | 'hive' | 'direct';

interface Workload {
  label: string;
  query: string;
  variables: (index: number) => Record<string, unknown>;
  targets: readonly Target[];
}

interface Measured {
  load: LoadResult;
  /** CPU seconds above idle over the target's rounds: its gateway process, and every process. */
  gateway: number;
  all: number;
}

/** Hive Gateway as a service of the bench's own: its CLI, default settings, one process. */
function hiveSpec(): ServiceSpec {
  const bin = join(
    dirname(createRequire(import.meta.url).resolve('@graphql-hive/gateway/package.json')),
    'dist',
    'bin.js',
  );
  return {
    name: 'hive-gateway',
    entry: '',
    port: HIVE_PORT,
    env: { BENCH_ROUTER_PRIVATE_KEY: LOCAL_SECRETS.router.privateKey },
    command: [
      process.execPath,
      bin,
      'supergraph',
      join(REPO_ROOT, 'schema', 'supergraph.graphql'),
      '--host',
      LOCAL_HOST,
      '--port',
      String(HIVE_PORT),
      '--config-path',
      join(REPO_ROOT, 'bench', 'src', 'peer', 'hive-gateway.config.ts'),
    ],
  };
}

async function productIds(): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  while (ids.length < PRODUCT_IDS) {
    const response = await fetch(serviceUrl(ROUTER, '/graphql'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query:
          'query ($after: String) { products(first: 100, after: $after) { edges { node { id } } pageInfo { endCursor } } }',
        variables: { after },
      }),
    });
    const page = (await response.json()) as {
      data: { products: { edges: { node: { id: string } }[]; pageInfo: { endCursor: string | null } } };
    };
    ids.push(...page.data.products.edges.map((edge) => edge.node.id));
    after = page.data.products.pageInfo.endCursor;
    if (after === null) break;
  }
  return ids.slice(0, PRODUCT_IDS);
}

const rps = (load: LoadResult): number => (load.latenciesMs.length / load.elapsedMs) * 1000;
const ms = (value: number): string => `${value.toFixed(1)} ms`;

export async function peerScenario(platform: BenchPlatform): Promise<BenchSection> {
  const { extra: hive, accounted } = await startBeside(platform, [hiveSpec()]);
  const product = SUBGRAPHS.find((subgraph) => subgraph.name === 'product');
  if (!product) throw new Error('no product subgraph');
  // This process started the platform, so its router key is the running router's.
  const signingKey = assertionSigningKey(ROUTER_ISSUER, LOCAL_SECRETS.router.privateKey);
  const urls: Record<Target, string> = {
    router: serviceUrl(ROUTER, '/graphql'),
    hive: `http://${LOCAL_HOST}:${HIVE_PORT}/graphql`,
    direct: serviceUrl(product, '/graphql'),
  };
  const gatewayOf: Record<Target, string> = { router: 'router', hive: 'hive-gateway', direct: 'product' };

  const ids = await productIds();
  const byId = (index: number) => ({ id: ids[index % ids.length] });
  const workloads: Workload[] = [
    {
      label: 'product only (200 ids in turn)',
      query: PRODUCT_ONLY,
      variables: byId,
      targets: ['router', 'hive', 'direct'],
    },
    {
      label: 'ProductDetails (product + cart + identity)',
      query: PRODUCT_DETAILS,
      variables: byId,
      targets: ['router', 'hive'],
    },
    {
      label: 'SearchProducts, one popular term again and again',
      query: SEARCH,
      variables: () => ({ query: 'camera', first: 20 }),
      targets: ['router', 'hive'],
    },
  ];

  const send = (workload: Workload, target: Target) => async (index: number) => {
    const headers: Record<string, string> =
      target === 'direct'
        ? {
            [ROUTER_ASSERTION_HEADER]: await signRouterAssertion(signingKey, 'product', {
              caller: null,
              requestId: `bench-peer-${index}`,
            }),
          }
        : {};
    await postGraphQL(urls[target], workload.query, workload.variables(index), headers);
  };

  const results = new Map<string, Map<Target, Measured>>();
  try {
    for (const workload of workloads) {
      const measured = new Map<Target, Measured>(
        workload.targets.map((target) => [
          target,
          { load: { latenciesMs: [], errors: 0, elapsedMs: 0 }, gateway: 0, all: 0 },
        ]),
      );
      for (const target of workload.targets) {
        await runLoad({ concurrency: CONCURRENCY, requests: WARMUP_REQUESTS, send: send(workload, target) });
      }
      const idle = await cpuRates(accounted, 4000);
      for (let round = 0; round < ROUNDS; round += 1) {
        for (const target of workload.targets) {
          const before = cpuSeconds(accounted);
          const load = await runLoad({
            concurrency: CONCURRENCY,
            requests: Number.MAX_SAFE_INTEGER,
            durationMs: ROUND_MS,
            send: send(workload, target),
          });
          const used = cpuAboveIdle(before, cpuSeconds(accounted), idle, load.elapsedMs / 1000);
          const entry = measured.get(target);
          if (!entry) continue;
          entry.load.latenciesMs.push(...load.latenciesMs);
          entry.load.errors += load.errors;
          entry.load.elapsedMs += load.elapsedMs;
          entry.load.firstError ??= load.firstError;
          entry.gateway += used.find(([part]) => part === gatewayOf[target])?.[1] ?? 0;
          entry.all += used.reduce((sum, [, seconds]) => sum + seconds, 0);
        }
      }
      results.set(workload.label, measured);
    }
  } finally {
    await hive.stop();
  }

  const sections: string[] = [];
  const verdicts: string[] = [];
  for (const workload of workloads) {
    const measured = results.get(workload.label);
    if (!measured) continue;
    const rows = workload.targets.map((target) => {
      const entry = measured.get(target);
      if (!entry) return '';
      const count = Math.max(1, entry.load.latenciesMs.length);
      const name =
        target === 'router' ? 'router' : target === 'hive' ? 'Hive Gateway 2.15' : 'product subgraph directly';
      return `| ${name} | ${rps(entry.load).toFixed(0)} | ${ms(median(entry.load.latenciesMs))} | ${ms(percentile(entry.load.latenciesMs, 99))} | ${ms((entry.gateway * 1000) / count)} | ${ms((entry.all * 1000) / count)} | ${entry.load.errors}${entry.load.firstError ? ` (${entry.load.firstError})` : ''} |`;
    });
    sections.push(`**${workload.label}**

| target | requests/s | p50 | p99 | gateway CPU per request | all processes' CPU per request | errors |
| --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}`);
    const router = measured.get('router');
    const peer = measured.get('hive');
    const direct = measured.get('direct');
    if (router && peer) {
      verdicts.push(
        `| ${workload.label}: router / Hive, requests/s | **${(rps(router.load) / rps(peer.load)).toFixed(2)}×** | ≥ 1.2× |`,
        `| ${workload.label}: p99, router vs Hive | ${ms(percentile(router.load.latenciesMs, 99))} vs ${ms(percentile(peer.load.latenciesMs, 99))} | no worse |`,
      );
    }
    if (router && direct) {
      verdicts.push(
        `| ${workload.label}: router / product subgraph directly, requests/s | **${(rps(router.load) / rps(direct.load)).toFixed(2)}×** | ≥ 0.85× |`,
      );
    }
  }

  return {
    id: 'peer',
    title: 'Issue 16: the router beside Hive Gateway and beside a subgraph alone',
    body: `
The platform's router and Hive Gateway 2.15 (\`@graphql-hive/gateway\`, its CLI with default
settings, one process) serve the same supergraph over the same subgraphs; each signs a router
assertion for every subgraph request, as the subgraphs require (the peer's only configuration
besides its health path). The product subgraph is also called directly, with an assertion, for
the query it answers alone. ${CONCURRENCY} concurrent clients on loopback, closed loop, ${ROUNDS} rounds of
${ROUND_MS / 1000} s per target, the targets alternating within each round, after ${WARMUP_REQUESTS} warm-up requests
each. CPU is above each process's idle rate, per answered request: the gateway's own process
(for the direct arm, the product subgraph's), and every process of the platform, engines and
the load generator included. The machine has 2 cores and runs everything, so compare the targets,
which ran interleaved in the same minutes.

${sections.join('\n\n')}

| comparison | figure | target |
| --- | --- | --- |
${verdicts.join('\n')}
`,
  };
}
