/**
 * `npm run bench [-- scenario ...]`: runs the load scenarios against real processes on this
 * machine and rewrites their sections of BENCHMARKS.md.
 */
import { join, resolve } from 'node:path';
import { writeSections, type BenchSection } from './report.ts';
import { startPlatform, type BenchPlatform } from './platform.ts';
import { capacityScenario } from './scenarios/capacity.ts';
import { chaosScenario } from './scenarios/chaos.ts';
import { checkoutScenario } from './scenarios/checkout.ts';
import { idleStack } from './scenarios/idle.ts';
import { observabilityCost } from './scenarios/observability-cost.ts';
import { paymentScenario } from './scenarios/payment.ts';
import { peerScenario } from './scenarios/peer.ts';
import { productDetails } from './scenarios/product-details.ts';
import { purchaseScenario } from './scenarios/purchase.ts';
import { searchScenario } from './scenarios/search.ts';
import { searchDedup } from './scenarios/search-dedup.ts';
import { stackColdStart } from './scenarios/stack-cold-start.ts';
import { subscriptionCapacity, subscriptionLatency } from './scenarios/subscriptions.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const scratchDir = process.getuid?.() === 0 ? '/var/lib/emporium/bench' : join(repoRoot, '.emporium', 'bench');

/** Scenarios that drive the running platform share one start of it. */
let platform: Promise<BenchPlatform> | undefined;
const withPlatform = (run: (platform: BenchPlatform) => Promise<BenchSection>) => async () =>
  run(await (platform ??= startPlatform(10_000)));

const SCENARIOS: Record<string, () => Promise<BenchSection>> = {
  'stack-cold-start': () => stackColdStart({ repoRoot, scratchDir, runs: 3 }),
  // Before any load, so nothing queued behind one is in the figure.
  'idle-stack': withPlatform(idleStack),
  'product-details': withPlatform(productDetails),
  search: withPlatform(searchScenario),
  'search-dedup': withPlatform(searchDedup),
  peer: withPlatform(peerScenario),
  checkout: withPlatform(checkoutScenario),
  purchase: withPlatform(purchaseScenario),
  payment: withPlatform(paymentScenario),
  'subscription-latency': withPlatform(subscriptionLatency),
  'subscription-capacity': withPlatform(subscriptionCapacity),
  'observability-cost': withPlatform(observabilityCost),
  capacity: withPlatform(capacityScenario),
  // Last: it needs the platform in replicas, so it stops a single-process one the others used.
  chaos: async () => {
    if (platform) await (await platform).services.stop();
    platform = startPlatform(10_000, { replicas: 2 });
    return chaosScenario(await platform);
  },
};

async function main(requested: readonly string[]): Promise<void> {
  const names = requested.length > 0 ? requested : Object.keys(SCENARIOS);
  const unknown = names.filter((name) => !(name in SCENARIOS));
  if (unknown.length > 0)
    throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}`);
  try {
    for (const name of names) {
      const scenario = SCENARIOS[name];
      if (!scenario) continue;
      console.log(`bench: ${name}`);
      const section = await scenario();
      writeSections(join(repoRoot, 'BENCHMARKS.md'), [section]);
      console.log(section.body);
    }
  } finally {
    // A failed scenario must not leave the platform's processes holding their ports.
    if (platform) await (await platform).services.stop();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
