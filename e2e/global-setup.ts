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
import { writeScrapeTargets } from '../infra/src/components/prometheus.ts';
import { config } from '../infra/src/config.ts';
import {
  LOCAL_SECRETS,
  PAYMENT_PROVIDER_CONTROL_PORT,
  SERVICE_STAGES,
  configuredReplicas,
  platformEnv,
} from '../infra/src/services.ts';
import { registerConnectors } from '../infra/src/connectors.ts';
import { waitForSearchIndex } from '../infra/src/search-ready.ts';
import { seed } from '../infra/src/seed.ts';
import { findComponent, up } from '../infra/src/stack.ts';
import { startServices, type RunningServices } from '../infra/src/supervisor.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /**
     * The running platform's secrets (fresh per run, see LOCAL_SECRETS), for tests that start
     * extra routers or subgraphs, or that play the provider or an attacker who holds a key.
     */
    platformSecrets: PlatformSecrets;
    /** The provider simulator's control endpoints (loopback), which take `platformSecrets.providerControlKey`. */
    providerControlUrl: string;
    /** POST <controlUrl>/services/<name>/stop|start and /components/<name>/stop|start. */
    controlUrl: string;
  }
}

/** What the e2e tests may know of this run's secrets; module state would differ per test worker. */
export interface PlatformSecrets {
  routerPrivateKey: string;
  routerPublicKey: string;
  orderServicePrivateKey: string;
  orderServicePublicKey: string;
  providerSecretKey: string;
  webhookSecret: string;
  providerControlKey: string;
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
        // up() points Prometheus at the single processes' ports; with replicas those are the
        // balancer's or nobody's, so point it back at the replicas that run.
        if (running.topology.replicas > 1) writeScrapeTargets(running.topology.stages.flat());
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
  // EMPORIUM_REPLICAS=N runs the suite against N of everything behind HAProxy, as `npm start -- --replicas N`.
  const running = await startServices(SERVICE_STAGES, {
    env,
    logDir: join(config.stateDir, 'logs', 'e2e'),
    replicas: configuredReplicas(),
  });
  const control = controlServer(running);
  try {
    await waitForSearchIndex();
    await new Promise<void>((resolve) => control.listen(0, LOCAL_HOST, resolve));
  } catch (error) {
    await running.stop();
    throw error;
  }
  project.provide('platformSecrets', {
    routerPrivateKey: LOCAL_SECRETS.router.privateKey,
    routerPublicKey: LOCAL_SECRETS.router.publicKey,
    orderServicePrivateKey: LOCAL_SECRETS.orderService.privateKey,
    orderServicePublicKey: LOCAL_SECRETS.orderService.publicKey,
    providerSecretKey: LOCAL_SECRETS.provider.secretKey,
    webhookSecret: LOCAL_SECRETS.provider.webhookSecret,
    providerControlKey: LOCAL_SECRETS.provider.controlKey,
  });
  project.provide('providerControlUrl', `http://${LOCAL_HOST}:${PAYMENT_PROVIDER_CONTROL_PORT}`);
  project.provide('controlUrl', `http://${LOCAL_HOST}:${(control.address() as AddressInfo).port}`);
  return async () => {
    control.close();
    await running.stop();
  };
}
