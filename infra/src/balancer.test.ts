import { describe, expect, it } from 'vitest';
import { platformBackends, renderHaproxyConfig } from './balancer.ts';
import {
  BALANCER_SOURCE_ADDRESS,
  MAX_REPLICAS,
  SERVICE_STAGES,
  configuredReplicas,
  processName,
  replicaWaves,
  topology,
  type ServiceSpec,
} from './services.ts';

const balancer: ServiceSpec = { name: 'balancer', entry: '', port: 4990, env: {} };
const plan = (replicas: number): ReturnType<typeof topology> => topology(replicas, SERVICE_STAGES, () => balancer);

/** The lines of one `listen` section of a rendered configuration. */
function section(config: string, name: string): string[] {
  const lines = config.split('\n');
  const start = lines.indexOf(`listen ${name}`);
  if (start < 0) throw new Error(`no section ${name}`);
  const end = lines.findIndex((line, i) => i > start && line === '');
  return lines.slice(start + 1, end < 0 ? undefined : end).map((line) => line.trim());
}

describe('replicas', () => {
  it('changes nothing with one replica: the same processes, ports and stages, and no balancer', () => {
    const single = plan(1);
    expect(single.stages).toBe(SERVICE_STAGES);
    expect(single.balanced).toEqual([]);
  });

  it('runs N of every router, subgraph and worker on ports of their own, and one provider and storefront', () => {
    const processes = plan(2).stages.flat();
    const where = Object.fromEntries(processes.map((service) => [processName(service), service.port]));
    expect(where).toMatchObject({
      'router-1': 14000,
      'router-2': 24000,
      'identity-1': 14001,
      'payment-2': 24006,
      'order-worker-1': 14105,
      'search-indexer-2': 24103,
      'payment-provider': 4900,
      storefront: 3000,
      balancer: 4990,
    });
    expect(processes.filter((service) => service.name === 'cart-worker')).toHaveLength(2);
    // Each replica is told its port, and the router its admin (metrics) port too.
    const router2 = processes.find((service) => processName(service) === 'router-2');
    expect(router2?.env).toMatchObject({ ROUTER_PORT: '24000', ROUTER_ADMIN_PORT: '24100' });
    expect(router2?.metricsPort).toBe(24100);
    const worker = processes.find((service) => processName(service) === 'cart-worker-2');
    expect(worker?.env).toMatchObject({ CART_WORKER_PORT: '24104' });
  });

  it("starts a stage's replicas a wave at a time, every service's first replica first", () => {
    for (const stage of plan(3).stages) {
      const waves = replicaWaves(stage);
      expect(waves.flat()).toHaveLength(stage.length);
      waves.forEach((wave, i) => {
        expect(new Set(wave.map((service) => service.replica ?? 1))).toEqual(new Set([i + 1]));
      });
    }
    // Stage one (the subgraphs and workers) starts as three waves, each with one identity.
    const [subgraphs = []] = plan(3).stages;
    const identities = replicaWaves(subgraphs).map((wave) => wave.filter((service) => service.name === 'identity'));
    expect(identities.map((wave) => wave.length)).toEqual([1, 1, 1]);
    expect(replicaWaves(SERVICE_STAGES.flat())).toEqual([SERVICE_STAGES.flat()]);
  });

  it('uses no port that fetch refuses to call, for any replica count allowed', () => {
    // The fetch standard's blocked ports above 1024: a replica on one could never be checked.
    const blocked = [1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669];
    const ports = plan(MAX_REPLICAS)
      .stages.flat()
      .flatMap((service) => [...new Set([service.port, service.metricsPort ?? service.port])]);
    expect(ports.filter((port) => blocked.includes(port) || port === 6679 || port === 6697 || port === 10080)).toEqual(
      [],
    );
    // And no two processes share one.
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('starts the balancer after the subgraphs and before the routers, which trust it alone', () => {
    const stages = plan(3).stages.map((stage) => stage.map(processName));
    expect(stages[0]).toContain('order-3');
    expect(stages[1]).toEqual(['balancer']);
    expect(stages[2]).toEqual(expect.arrayContaining(['router-1', 'router-2', 'router-3', 'storefront']));
    const router = plan(2)
      .stages.flat()
      .find((service) => processName(service) === 'router-1');
    expect(router?.env['TRUSTED_PROXIES']).toBe(BALANCER_SOURCE_ADDRESS);
    // Workers have no balancer in front of them and keep trusting nobody's headers.
    expect(
      plan(2)
        .balanced.map(({ service }) => service.name)
        .sort(),
    ).toEqual(['cart', 'identity', 'order', 'payment', 'product', 'router', 'search'].sort());
  });

  it('reads EMPORIUM_REPLICAS, 1 by default, and refuses a count it cannot run', () => {
    expect(configuredReplicas({})).toBe(1);
    expect(configuredReplicas({ EMPORIUM_REPLICAS: '3' })).toBe(3);
    expect(() => configuredReplicas({ EMPORIUM_REPLICAS: '0' })).toThrow(/EMPORIUM_REPLICAS/);
    expect(() => configuredReplicas({ EMPORIUM_REPLICAS: '50' })).toThrow(/EMPORIUM_REPLICAS/);
  });
});

describe('HAProxy configuration', () => {
  const config = renderHaproxyConfig(platformBackends(plan(2).balanced));

  it('puts the router replicas behind :4000, round robin, checked on /ready, with X-Forwarded-For', () => {
    expect(section(config, 'router')).toEqual([
      'bind 127.0.0.1:4000',
      'balance roundrobin',
      'log global',
      'option httplog',
      'option dontlog-normal',
      'option dontlognull',
      'option forwardfor',
      'option httpchk',
      'http-check send meth GET uri /ready',
      'http-check expect status 200',
      'server router-1 127.0.0.1:14000 check',
      'server router-2 127.0.0.1:24000 check',
      'option allbackups',
      'server router-1-panic 127.0.0.1:14000 backup',
      'server router-2-panic 127.0.0.1:24000 backup',
    ]);
  });

  it('puts each subgraph behind its usual port, checked on /health, without X-Forwarded-For', () => {
    const order = section(config, 'order');
    expect(order).toContain('bind 127.0.0.1:4005');
    expect(order).toContain('http-check send meth GET uri /health');
    expect(order).not.toContain('option forwardfor');
    expect(order.filter((line) => line.startsWith('server ') && line.endsWith(' check'))).toEqual([
      'server order-1 127.0.0.1:14005 check',
      'server order-2 127.0.0.1:24005 check',
    ]);
    for (const name of ['identity', 'product', 'search', 'cart', 'payment'])
      expect(section(config, name)).toHaveLength(14);
  });

  it('sends traffic to every replica, unchecked, when all of a service fail their checks at once', () => {
    const cart = section(config, 'cart');
    // Backups take traffic only when no checked server is up, and then all of them do.
    expect(cart).toContain('option allbackups');
    expect(cart.filter((line) => line.includes(' backup'))).toEqual([
      'server cart-1-panic 127.0.0.1:14004 backup',
      'server cart-2-panic 127.0.0.1:24004 backup',
    ]);
  });

  it('keeps WebSockets open, retries refused connections elsewhere and connects from its own address', () => {
    expect(config).toContain('timeout tunnel 1h');
    expect(config).toContain('option redispatch 1');
    expect(config).toContain('retry-on conn-failure empty-response');
    expect(config).toContain(`source ${BALANCER_SOURCE_ADDRESS}`);
    expect(config).toContain('monitor-uri /health');
    expect(config).toContain('bind 127.0.0.1:4990');
    // Sessions that end badly (a timeout, an abort, a 5xx) reach its log; others do not.
    expect(config).toContain('log stderr format raw local0 info');
    // No stickiness: nothing pins a client to a replica.
    expect(config).not.toMatch(/\bstick|\bcookie\b|balance source/);
  });
});
