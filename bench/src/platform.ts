import { join } from 'node:path';
import { config } from '../../infra/src/config.ts';
import { registerConnectors } from '../../infra/src/connectors.ts';
import { waitForSearchIndex } from '../../infra/src/search-ready.ts';
import { seed } from '../../infra/src/seed.ts';
import { SERVICE_STAGES, platformEnv, type ServiceSpec } from '../../infra/src/services.ts';
import { up } from '../../infra/src/stack.ts';
import { startServices, type RunningServices } from '../../infra/src/supervisor.ts';

/** The platform as the benchmarks drive it: stack, seeded catalogue, every service. */
export interface BenchPlatform {
  env: Record<string, string>;
  /** Replaced by a scenario that restarts every service with other settings (observability-cost). */
  services: RunningServices;
}

export async function startPlatform(products: number, options: { replicas?: number } = {}): Promise<BenchPlatform> {
  await up(() => undefined);
  await seed({ products });
  await registerConnectors();
  const env = {
    ...platformEnv(),
    // The load generator is one address standing in for many shoppers; the router's
    // per-client allowance (100/s) would otherwise refuse the load it is meant to measure.
    RATE_LIMIT_PER_SECOND: '100000',
    RATE_LIMIT_BURST: '100000',
    // Likewise a few dozen shoppers place every order of a flash sale, most left unpaid.
    ORDER_MAX_UNPAID_PER_USER: '10000',
    // And thousands of live subscribers come from this one address.
    MAX_WEBSOCKETS_PER_ADDRESS: '100000',
    MAX_WEBSOCKETS_PER_USER: '100000',
  };
  const services = await startServices(SERVICE_STAGES, {
    env,
    logDir: join(config.stateDir, 'logs', 'bench'),
    // The chaos scenario runs every router, subgraph and worker twice behind the balancer.
    ...(options.replicas ? { replicas: options.replicas } : {}),
  });
  await waitForSearchIndex();
  return { env, services };
}

/**
 * Starts processes of a scenario's own beside the platform (a peer gateway, routers with other
 * settings) with the platform's environment, and returns them with the platform extended by
 * them, so CPU accounting counts them as part of it (an idle one costs its idle rate).
 */
export async function startBeside(
  platform: BenchPlatform,
  specs: readonly ServiceSpec[],
): Promise<{ extra: RunningServices; accounted: BenchPlatform }> {
  const extra = await startServices([[...specs]], {
    env: platform.env,
    logDir: join(config.stateDir, 'logs', 'bench'),
  });
  const children = new Map([...platform.services.children, ...extra.children]);
  return { extra, accounted: { ...platform, services: { ...platform.services, children } } };
}
