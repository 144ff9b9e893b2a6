/**
 * The load balancer in front of replicas (`npm start -- --replicas N`, EMPORIUM_REPLICAS=N):
 * Debian's HAProxy, run by the service supervisor beside the services it fronts. It belongs
 * with the services, not with the engines of the stack: its configuration is made of the
 * replicas' ports, which only exist for a start with N > 1, and it must go when they go (a
 * balancer left running on :4000 after Ctrl-C would answer 503 to a later `npm start`).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_HOST } from '@emporium/config';
import { config } from './config.ts';
import {
  BALANCER_ADMIN_PORT,
  BALANCER_SOURCE_ADDRESS,
  processName,
  type BalancedService,
  type ServiceSpec,
} from './services.ts';

/** Debian's package puts it here; bootstrap.sh installs it when run as root. */
export const HAPROXY_BINARY = '/usr/sbin/haproxy';

/** One balanced port: what listens on it and the replicas its traffic is spread over. */
export interface Backend {
  /** A name HAProxy accepts: letters, digits, `-`, `_`. */
  name: string;
  /** The port clients and other services use (the service's well-known one). */
  port: number;
  servers: readonly { name: string; port: number }[];
  /** GET this on each replica every second; two failures take it out, two answers put it back. */
  checkPath: string;
  /** Add X-Forwarded-For (the client the balancer saw), for a replica that keys limits on it. */
  forwardFor: boolean;
}

export interface BalancerConfigOptions {
  /** Where the frontends listen and the replicas are: loopback. */
  host?: string;
  /** Its own /health, /stats and /metrics. */
  adminPort?: number;
  /** The address it connects to replicas from; the routers trust X-Forwarded-For from it alone. */
  sourceAddress?: string;
}

/**
 * HAProxy's configuration for `backends`. Round robin per request (HTTP keep-alive does not
 * pin a client to a replica), no stickiness: a replica holds nothing a client needs again
 * (limits and WebSocket caps are counted in Redis, subscriptions are per socket). A WebSocket
 * upgrade becomes a tunnel that `timeout tunnel` keeps open while idle. A connection a replica
 * refuses (it is stopping or gone) is tried on another one, so a replica's death costs only the
 * requests it had in flight.
 */
/** Names a replica's unchecked entry, used only when every checked one is down. */
const PANIC_SUFFIX = '-panic';

export function renderHaproxyConfig(backends: readonly Backend[], options: BalancerConfigOptions = {}): string {
  const host = options.host ?? LOCAL_HOST;
  const lines = [
    '# Written by infra/src/balancer.ts for a start with replicas; rewritten at every start.',
    'global',
    // In the foreground HAProxy reports server state changes (UP, DOWN) on its stderr, which
    // reaches the supervisor's log. Requests go there too, but only those that ended badly
    // (dontlog-normal): a timeout, an abort or a 5xx, with the termination state that says
    // which side ended it, e.g. 'CD' (the client), 'SH' (the server, before its headers).
    '  log stderr format raw local0 info',
    '  maxconn 4096',
    '',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    // Longer than the router's budget for a subgraph call (8 s), so the router's fires first.
    '  timeout client 30s',
    '  timeout server 30s',
    '  timeout http-request 10s',
    '  timeout http-keep-alive 10s',
    '  timeout queue 5s',
    // An upgraded connection (a WebSocket) is a tunnel: idle subscriptions stay open an hour.
    '  timeout tunnel 1h',
    '  timeout client-fin 5s',
    '  timeout server-fin 5s',
    // A refused connection, or one a replica closed before answering (its keep-alive race), is
    // tried on another replica; a request a replica began to answer is never sent twice.
    '  retries 2',
    '  option redispatch 1',
    '  retry-on conn-failure empty-response',
    `  source ${options.sourceAddress ?? BALANCER_SOURCE_ADDRESS}`,
    // A busy replica (a router taking a storm of reconnecting subscribers) may answer its check
    // late: three slow or failed checks in a row, not two 1 s timeouts, take it out, or one
    // replica's death could take the survivor out with it (bench chaos). A dead one refuses
    // connections at once, and its requests are redispatched meanwhile.
    '  timeout check 3s',
    '  default-server inter 1s fastinter 500ms downinter 1s rise 2 fall 3',
    '',
    'frontend balancer',
    `  bind ${host}:${options.adminPort ?? BALANCER_ADMIN_PORT}`,
    '  monitor-uri /health',
    '  http-request use-service prometheus-exporter if { path /metrics }',
    '  stats enable',
    '  stats uri /stats',
    '  stats refresh 5s',
    '  no log',
  ];
  for (const backend of backends) {
    lines.push(
      '',
      `listen ${backend.name}`,
      `  bind ${host}:${backend.port}`,
      '  balance roundrobin',
      '  log global',
      '  option httplog',
      '  option dontlog-normal',
      // Connections closed without a request (a client's idle keep-alive) are not news.
      '  option dontlognull',
      ...(backend.forwardFor ? ['  option forwardfor'] : []),
      '  option httpchk',
      `  http-check send meth GET uri ${backend.checkPath}`,
      '  http-check expect status 200',
      ...backend.servers.map((server) => `  server ${server.name} ${host}:${server.port} check`),
      // Panic mode, as Envoy's panic threshold: when every replica fails its checks at once, the
      // likely cause is load (a saturated event loop answers /health late), not that all died,
      // and refusing every request with 503 would turn an overload into an outage. The same
      // replicas as unchecked backups then take the traffic; a dead one refuses the connection
      // and the request is redispatched to another.
      '  option allbackups',
      ...backend.servers.map((server) => `  server ${server.name}${PANIC_SUFFIX} ${host}:${server.port} backup`),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The backends for the platform's balanced services: each on its well-known port, over its replicas. */
export function platformBackends(balanced: readonly BalancedService[]): Backend[] {
  return balanced.map(({ service, replicas }) => ({
    name: service.name,
    port: service.port,
    servers: replicas.map((replica) => ({ name: processName(replica), port: replica.port })),
    checkPath: service.scaling?.replicas.checkPath ?? '/health',
    forwardFor: service.scaling?.replicas.envBehindBalancer?.['TRUSTED_PROXIES'] !== undefined,
  }));
}

/**
 * The balancer as a process the supervisor runs (foreground, `-db`) and health-checks on its
 * admin port. Writes its configuration, under the stack's state directory unless `dir` says otherwise.
 */
export function balancerService(
  balanced: readonly BalancedService[],
  dir = join(config.stateDir, 'balancer'),
): ServiceSpec {
  if (!existsSync(HAPROXY_BINARY)) {
    throw new Error(`${HAPROXY_BINARY} is missing: install Debian's haproxy package (apt-get install haproxy)`);
  }
  mkdirSync(dir, { recursive: true });
  const configFile = join(dir, 'haproxy.cfg');
  writeFileSync(configFile, renderHaproxyConfig(platformBackends(balanced)));
  return {
    name: 'balancer',
    entry: '',
    command: [HAPROXY_BINARY, '-db', '-f', configFile],
    port: BALANCER_ADMIN_PORT,
    env: {},
    metricsPort: BALANCER_ADMIN_PORT,
  };
}

/** One server row of HAProxy's statistics. */
export interface ServerState {
  backend: string;
  server: string;
  /** `UP`, `DOWN`, `UP 1/2` (going down), `DOWN 1/2` (coming up), `MAINT`, `no check`. */
  status: string;
}

/** Each server's state, read from the balancer's `/stats;csv`. */
export async function serverStates(adminPort = BALANCER_ADMIN_PORT, host = LOCAL_HOST): Promise<ServerState[]> {
  const response = await fetch(`http://${host}:${adminPort}/stats;csv`, { signal: AbortSignal.timeout(2000) });
  if (!response.ok) throw new Error(`the balancer's statistics answered ${response.status}`);
  const [header = '', ...rows] = (await response.text()).trim().split('\n');
  const columns = header.replace(/^# /, '').split(',');
  const at = (name: string): number => columns.indexOf(name);
  return (
    rows
      .map((row) => row.split(','))
      // The replicas as checked; their panic-mode entries are a second path to the same ones.
      .filter((cells) => {
        const name = cells[at('svname')] ?? '';
        return !['FRONTEND', 'BACKEND'].includes(name) && !name.endsWith(PANIC_SUFFIX);
      })
      .map((cells) => ({
        backend: cells[at('pxname')] ?? '',
        server: cells[at('svname')] ?? '',
        status: cells[at('status')] ?? '',
      }))
  );
}

/** Whether the balancer sends traffic to every one of `servers` (process names) by now. */
export async function serversUp(servers: readonly string[], adminPort = BALANCER_ADMIN_PORT): Promise<boolean> {
  const states = await serverStates(adminPort).catch(() => []);
  return servers.every((server) => states.some((state) => state.server === server && state.status === 'UP'));
}
