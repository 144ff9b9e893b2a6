/**
 * Boots the platform for the e2e layer the way `npm start` does: the stack, demo data, then
 * every service as its own process. Service logs go to the stack's state directory.
 */
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { config } from '../infra/src/config.ts';
import { SERVICE_STAGES, platformEnv } from '../infra/src/services.ts';
import { registerConnectors } from '../infra/src/connectors.ts';
import { waitForSearchIndex } from '../infra/src/search-ready.ts';
import { seed } from '../infra/src/seed.ts';
import { up } from '../infra/src/stack.ts';
import { startServices } from '../infra/src/supervisor.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The secret the running router and subgraphs share, for tests that start extra routers. */
    routerSigningSecret: string;
  }
}

/** Enough catalogue for the tests; a database that already has one keeps it. */
const E2E_PRODUCTS = 2000;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await up(() => undefined);
  await seed({ products: E2E_PRODUCTS });
  await registerConnectors();
  const env = platformEnv();
  const running = await startServices(SERVICE_STAGES, { env, logDir: join(config.stateDir, 'logs', 'e2e') });
  try {
    await waitForSearchIndex();
  } catch (error) {
    await running.stop();
    throw error;
  }
  project.provide('routerSigningSecret', env.ROUTER_SIGNING_SECRET ?? '');
  return () => running.stop();
}
