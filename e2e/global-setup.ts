/**
 * Boots the platform for the e2e layer the way `npm start` does: the stack, demo data, then
 * every service as its own process. Service logs go to the stack's state directory.
 *
 * Recovery tests must stop and restart pieces of the running platform, which live in this
 * process; a control endpoint on loopback, known only to the test workers, does that.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { LOCAL_HOST } from '@emporium/config';
import { config } from '../infra/src/config.ts';
import { SERVICE_STAGES, platformEnv } from '../infra/src/services.ts';
import { registerConnectors } from '../infra/src/connectors.ts';
import { waitForSearchIndex } from '../infra/src/search-ready.ts';
import { seed } from '../infra/src/seed.ts';
import { findComponent, up } from '../infra/src/stack.ts';
import { startServices, type RunningServices } from '../infra/src/supervisor.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The secret the running router and subgraphs share, for tests that start extra routers. */
    routerSigningSecret: string;
    /** POST <controlUrl>/services/<name>/stop|start and /components/<name>/stop|start. */
    controlUrl: string;
  }
}

/** Enough catalogue for the tests; a database that already has one keeps it. */
const E2E_PRODUCTS = 2000;

/**
 * Short reservations, so the tests see them expire (long enough for any test to pay for the
 * order it just placed), and quick reconciliation; everything else keeps its defaults.
 */
export const E2E_ENV = {
  ORDER_RESERVATION_TTL_SECONDS: '45',
  ORDER_EXPIRY_SWEEP_SECONDS: '1',
  // A lost webhook is noticed within seconds instead of the production default.
  PAYMENT_RECONCILE_AFTER_SECONDS: '2',
  PAYMENT_RECONCILE_INTERVAL_SECONDS: '1',
};

function controlServer(running: RunningServices): Server {
  return createServer((req, res) => {
    const match = /^\/(services|components)\/([\w-]+)\/(stop|start)$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) {
      res.writeHead(404).end();
      return;
    }
    const [, kind, name = '', action] = match;
    const work = async (): Promise<void> => {
      if (kind === 'services') {
        await (action === 'stop' ? running.stopService(name) : running.startService(name));
      } else if (action === 'stop') {
        await findComponent(name).stop();
      } else {
        await up(() => undefined);
      }
    };
    work().then(
      () => res.writeHead(204).end(),
      (error: unknown) => res.writeHead(500).end(error instanceof Error ? error.message : String(error)),
    );
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await up(() => undefined);
  await seed({ products: E2E_PRODUCTS });
  await registerConnectors();
  const env: Record<string, string> = { ...platformEnv(), ...E2E_ENV };
  const running = await startServices(SERVICE_STAGES, { env, logDir: join(config.stateDir, 'logs', 'e2e') });
  const control = controlServer(running);
  try {
    await waitForSearchIndex();
    await new Promise<void>((resolve) => control.listen(0, LOCAL_HOST, resolve));
  } catch (error) {
    await running.stop();
    throw error;
  }
  project.provide('routerSigningSecret', env['ROUTER_SIGNING_SECRET'] ?? '');
  project.provide('controlUrl', `http://${LOCAL_HOST}:${(control.address() as AddressInfo).port}`);
  return async () => {
    control.close();
    await running.stop();
  };
}
