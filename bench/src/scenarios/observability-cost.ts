/**
 * What tracing costs: the same read load through the router with every process tracing at
 * its default sampling (a tenth of new traces, exported to the local Zipkin) and with
 * tracing switched off (`OTEL_SDK_DISABLED=true`), in alternating rounds of one run.
 * Metrics stay on in both arms: they are always on in production, so they are part of the
 * baseline rather than of the cost measured here.
 */
import { join } from 'node:path';
import { config } from '../../../infra/src/config.ts';
import { ROUTER, SERVICE_STAGES, serviceUrl } from '../../../infra/src/services.ts';
import { startServices } from '../../../infra/src/supervisor.ts';
import { cpuAboveIdle, cpuRates, cpuSeconds } from '../cpu.ts';
import { postGraphQL, runLoad, type LoadResult } from '../load.ts';
import type { BenchPlatform } from '../platform.ts';
import type { BenchSection } from '../report.ts';
import { median, percentile } from '../stats.ts';
import { THROUGH_ROUTER } from './product-details.ts';

const CONCURRENCY = 16;
// Three alternations of 2000: with two of 1500 the throughput figure swung by more than the
// cost it measures on this shared machine; this still keeps the scenario under ten minutes.
const REQUESTS_PER_ROUND = 2000;
const ROUNDS = 3;

type Arm = 'on' | 'off';
const ARM_ENV: Record<Arm, Record<string, string>> = {
  on: { OTEL_SDK_DISABLED: 'false' },
  off: { OTEL_SDK_DISABLED: 'true' },
};

interface ArmResult {
  load: LoadResult;
  /** CPU seconds above idle, all processes, summed over the arm's rounds. */
  cpu: Map<string, number>;
}

/** Restarts every service with tracing on or off; the platform keeps the running set. */
async function restartServices(platform: BenchPlatform, arm: Arm): Promise<void> {
  await platform.services.stop();
  platform.services = await startServices(SERVICE_STAGES, {
    env: { ...platform.env, ...ARM_ENV[arm] },
    logDir: join(config.stateDir, 'logs', 'bench'),
  });
}

export async function observabilityCost(platform: BenchPlatform): Promise<BenchSection> {
  const routerUrl = serviceUrl(ROUTER, '/graphql');
  const ids: string[] = [];
  const results: Record<Arm, ArmResult> = {
    on: { load: { latenciesMs: [], errors: 0, elapsedMs: 0 }, cpu: new Map() },
    off: { load: { latenciesMs: [], errors: 0, elapsedMs: 0 }, cpu: new Map() },
  };
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const arm of ['on', 'off'] as const) {
        await restartServices(platform, arm);
        if (ids.length === 0) {
          const page = (await (
            await fetch(routerUrl, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ query: '{ products(first: 100) { edges { node { id } } } }' }),
            })
          ).json()) as { data: { products: { edges: { node: { id: string } }[] } } };
          ids.push(...page.data.products.edges.map((edge) => edge.node.id));
        }
        const send = (i: number) => postGraphQL(routerUrl, THROUGH_ROUTER, { id: ids[i % ids.length] });
        // Fresh processes: warm their JIT, pools and plan cache, then let them settle.
        await runLoad({ concurrency: CONCURRENCY, requests: 300, send });
        const idle = await cpuRates(platform, 3000);
        const before = cpuSeconds(platform);
        const load = await runLoad({ concurrency: CONCURRENCY, requests: REQUESTS_PER_ROUND, send });
        const used = cpuAboveIdle(before, cpuSeconds(platform), idle, load.elapsedMs / 1000);
        const target = results[arm];
        target.load.latenciesMs.push(...load.latenciesMs);
        target.load.errors += load.errors;
        target.load.elapsedMs += load.elapsedMs;
        for (const [part, seconds] of used) target.cpu.set(part, (target.cpu.get(part) ?? 0) + seconds);
      }
    }
  } finally {
    // Leave the platform as the other scenarios expect it: tracing at its defaults.
    await restartServices(platform, 'on');
  }

  const throughput = (arm: Arm) => (results[arm].load.latenciesMs.length / results[arm].load.elapsedMs) * 1000;
  const cpuMs = (arm: Arm, part?: string) => {
    const { cpu, load } = results[arm];
    const seconds = part === undefined ? [...cpu.values()].reduce((a, b) => a + b, 0) : (cpu.get(part) ?? 0);
    return (seconds * 1000) / Math.max(1, load.latenciesMs.length);
  };
  const parts = [...results.on.cpu.keys()].filter((part) => cpuMs('on', part) >= 0.05 || cpuMs('off', part) >= 0.05);
  const row = (arm: Arm) => {
    const { load } = results[arm];
    return `| tracing ${arm} | ${throughput(arm).toFixed(0)} | ${median(load.latenciesMs).toFixed(1)} ms | ${percentile(
      load.latenciesMs,
      99,
    ).toFixed(1)} ms | ${cpuMs(arm).toFixed(2)} ms | ${load.errors} |`;
  };
  const throughputCost = 1 - throughput('on') / throughput('off');
  const cpuCost = cpuMs('on') / cpuMs('off') - 1;
  return {
    id: 'observability-cost',
    title: 'Observability: throughput with tracing on and off',
    body: `
ProductDetails through the router (product and identity subgraphs behind it) for
${ids.length} seeded products in turn, ${CONCURRENCY} concurrent clients, ${ROUNDS} rounds
of ${REQUESTS_PER_ROUND} requests per arm, alternating. Before each round every service is
restarted with tracing on (default sampling: a tenth of new traces, exported to the local
Zipkin) or off (\`OTEL_SDK_DISABLED=true\`), then warmed with 300 requests. Prometheus
metrics are on in both arms. CPU is every process's (engines and load generator included)
above its idle rate, per request. Traced: the router's request, plan and fetches (Apollo
Gateway's spans) with an HTTP client span per fetch, each subgraph's HTTP server span and its
SQL statements (no span per pool checkout).

| arm | requests/s | p50 | p99 | CPU per request | errors |
| --- | --- | --- | --- | --- | --- |
${row('on')}
${row('off')}

Throughput lost to tracing: **${(throughputCost * 100).toFixed(1)}%** (target ≤ 10%); CPU per
request: **${cpuCost >= 0 ? '+' : ''}${(cpuCost * 100).toFixed(1)}%**.

| process | CPU per request, on | off |
| --- | --- | --- |
${parts.map((part) => `| ${part} | ${cpuMs('on', part).toFixed(2)} ms | ${cpuMs('off', part).toFixed(2)} ms |`).join('\n')}
`,
  };
}
