/**
 * Issue 16: what sharing identical subgraph fetches in flight saves on a repeated search.
 * Two routers of this scenario's own, identical but for ROUTER_DEDUPLICATE_FETCHES, run beside
 * the platform's over the same subgraphs; the same closed-loop load goes to each in turn, in
 * alternating rounds of one run, so the machine's noise falls on both arms alike.
 */
import { LOCAL_HOST } from '@emporium/config';
import { ROUTER, type ServiceSpec } from '../../../infra/src/services.ts';
import { cpuAboveIdle, cpuRates, cpuSeconds } from '../cpu.ts';
import { postGraphQL, runLoad, type LoadResult } from '../load.ts';
import { startBeside, type BenchPlatform } from '../platform.ts';
import type { BenchSection } from '../report.ts';
import { median, percentile } from '../stats.ts';
import { SEARCH } from './search.ts';

const CONCURRENCY = 16;
const ROUNDS = 3;
/** Per arm and round; three rounds make 24 s per arm. */
const ROUND_MS = 8000;
/** One popular search, asked again and again: the case the issue measured against Hive Gateway. */
const VARIABLES = { query: 'camera', first: 20 };

type Arm = 'on' | 'off';
const ARMS: readonly Arm[] = ['on', 'off'];

/** A router like the platform's, on ports of its own, with deduplication on or off. */
const routerSpec = (arm: Arm, port: number): ServiceSpec => ({
  ...ROUTER,
  name: `router-dedup-${arm}`,
  port,
  env: {
    ...ROUTER.env,
    ROUTER_PORT: String(port),
    ROUTER_ADMIN_PORT: String(port + 100),
    ROUTER_DEDUPLICATE_FETCHES: String(arm === 'on'),
    LOG_LEVEL: 'warn',
  },
  metricsPort: port + 100,
});
const SPECS: Record<Arm, ServiceSpec> = { on: routerSpec('on', 4080), off: routerSpec('off', 4081) };

/** Sum of a counter's samples for one subgraph in a Prometheus text exposition. */
function subgraphCount(text: string, metric: string, subgraph: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${metric}{`) && line.includes(`subgraph="${subgraph}"`)) sum += Number(line.split(' ').pop());
  }
  return sum;
}

/** Fetches sent to the search and product subgraphs, and search fetches shared, by one arm's router so far. */
async function subgraphFetches(arm: Arm): Promise<{ search: number; product: number; shared: number }> {
  const text = await (await fetch(`http://${LOCAL_HOST}:${SPECS[arm].metricsPort ?? 0}/metrics`)).text();
  return {
    search: subgraphCount(text, 'router_subgraph_fetch_duration_seconds_count', 'search'),
    product: subgraphCount(text, 'router_subgraph_fetch_duration_seconds_count', 'product'),
    shared: subgraphCount(text, 'router_subgraph_fetches_shared_total', 'search'),
  };
}

interface ArmResult {
  load: LoadResult;
  /** CPU seconds above idle by process, all of them, summed over the arm's rounds. */
  cpu: Map<string, number>;
  searchFetches: number;
  productFetches: number;
  shared: number;
}

export async function searchDedup(platform: BenchPlatform): Promise<BenchSection> {
  // Both routers are part of the platform for the CPU accounting (the idle one costs its idle rate).
  const { extra: routers, accounted } = await startBeside(platform, [SPECS.on, SPECS.off]);
  const results: Record<Arm, ArmResult> = {
    on: {
      load: { latenciesMs: [], errors: 0, elapsedMs: 0 },
      cpu: new Map(),
      searchFetches: 0,
      productFetches: 0,
      shared: 0,
    },
    off: {
      load: { latenciesMs: [], errors: 0, elapsedMs: 0 },
      cpu: new Map(),
      searchFetches: 0,
      productFetches: 0,
      shared: 0,
    },
  };
  const sender = (arm: Arm) => () => postGraphQL(`http://${LOCAL_HOST}:${SPECS[arm].port}/graphql`, SEARCH, VARIABLES);
  try {
    // Warm both (JIT, connection pools, plan cache) before measuring.
    for (const arm of ARMS) await runLoad({ concurrency: CONCURRENCY, requests: 300, send: sender(arm) });
    const idle = await cpuRates(accounted, 5000);
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const arm of ARMS) {
        const fetchesBefore = await subgraphFetches(arm);
        const before = cpuSeconds(accounted);
        const load = await runLoad({
          concurrency: CONCURRENCY,
          requests: Number.MAX_SAFE_INTEGER,
          durationMs: ROUND_MS,
          send: sender(arm),
        });
        const used = cpuAboveIdle(before, cpuSeconds(accounted), idle, load.elapsedMs / 1000);
        const fetchesAfter = await subgraphFetches(arm);
        const target = results[arm];
        target.load.latenciesMs.push(...load.latenciesMs);
        target.load.errors += load.errors;
        target.load.elapsedMs += load.elapsedMs;
        target.load.firstError ??= load.firstError;
        target.searchFetches += fetchesAfter.search - fetchesBefore.search;
        target.productFetches += fetchesAfter.product - fetchesBefore.product;
        target.shared += fetchesAfter.shared - fetchesBefore.shared;
        for (const [part, seconds] of used) target.cpu.set(part, (target.cpu.get(part) ?? 0) + seconds);
      }
    }
  } finally {
    await routers.stop();
  }

  const answered = (arm: Arm) => Math.max(1, results[arm].load.latenciesMs.length);
  const throughput = (arm: Arm) => (results[arm].load.latenciesMs.length / results[arm].load.elapsedMs) * 1000;
  const cpuMs = (arm: Arm, part?: string) => {
    const { cpu } = results[arm];
    const seconds = part === undefined ? [...cpu.values()].reduce((a, b) => a + b, 0) : (cpu.get(part) ?? 0);
    return (seconds * 1000) / answered(arm);
  };
  const parts = [...new Set([...results.on.cpu.keys(), ...results.off.cpu.keys()])]
    .filter((part) => cpuMs('on', part) >= 0.05 || cpuMs('off', part) >= 0.05)
    .sort((a, b) => cpuMs('off', b) - cpuMs('off', a));
  const row = (arm: Arm) => {
    const { load, searchFetches, productFetches } = results[arm];
    return `| dedup ${arm} | ${throughput(arm).toFixed(0)} | ${median(load.latenciesMs).toFixed(1)} ms | ${percentile(
      load.latenciesMs,
      99,
    ).toFixed(1)} ms | ${cpuMs(arm).toFixed(2)} ms | ${(searchFetches / answered(arm)).toFixed(3)} | ${(
      productFetches / answered(arm)
    ).toFixed(3)} | ${load.errors} |`;
  };
  const firstErrors = ARMS.flatMap((arm) =>
    results[arm].load.firstError ? [`First error with dedup ${arm}: ${results[arm].load.firstError}`] : [],
  );
  return {
    id: 'search-dedup',
    title: 'Issue 16: repeated search with in-flight deduplication on and off',
    body: `
SearchProducts for one popular term (\`${VARIABLES.query}\`, first ${VARIABLES.first}) again and again,
${CONCURRENCY} concurrent clients (closed loop) on loopback, through two routers of this
scenario's own that differ only in \`ROUTER_DEDUPLICATE_FETCHES\`, ${ROUNDS} alternating rounds of
${ROUND_MS / 1000} s per arm after a warm-up of 300 requests each. CPU is every process's
(the engines, both routers and the load generator included) above its idle rate, per answered
request. Upstream fetches are the router's own count of its calls to each subgraph (the
search subgraph finds the page, the product subgraph resolves its products).
The machine (2 cores) is shared with other engineers' test runs, so absolute figures are
noisy: compare the arms, which ran interleaved in the same minute.

| arm | requests/s | p50 | p99 | CPU per request | search fetches per request | product fetches per request | errors |
| --- | --- | --- | --- | --- | --- | --- | --- |
${row('on')}
${row('off')}

With deduplication on, ${results.on.shared} of ${results.on.shared + results.on.searchFetches} search fetches were
shared with one in flight. Throughput on / off: **${(throughput('on') / throughput('off')).toFixed(2)}×**;
CPU per request on / off: **${(cpuMs('on') / cpuMs('off')).toFixed(2)}×**.

| process | CPU per request, dedup on | off |
| --- | --- | --- |
${parts.map((part) => `| ${part} | ${cpuMs('on', part).toFixed(2)} ms | ${cpuMs('off', part).toFixed(2)} ms |`).join('\n')}
${firstErrors.length > 0 ? `\n${firstErrors.join('\n\n')}\n` : ''}`,
  };
}
