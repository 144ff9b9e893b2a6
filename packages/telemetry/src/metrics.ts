import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { collectDefaultMetrics, Registry } from 'prom-client';

/** Where Prometheus scrapes every Emporium process. */
export const METRICS_PATH = '/metrics';

/**
 * Seconds: from a cached lookup (a few ms) to a subgraph call at its timeout (8 s by
 * default), with the most resolution where the contract's operations usually land.
 */
export const DURATION_BUCKETS: readonly number[] = [0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** How often the event-loop delay histogram samples the loop. */
export const EVENT_LOOP_RESOLUTION_MS = 100;

/**
 * A process's metrics: Node's own (CPU, memory, GC, event-loop lag, handles) plus whatever
 * the process registers on it. Every series carries `service`, so the figures of processes
 * that share a dashboard stay apart. One registry per process (or per server a test
 * starts), never prom-client's global one, so two in one process never collide.
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  // The event-loop delay histogram (nodejs_eventloop_lag_p99_seconds and its kin) is fed by a
  // timer at this resolution: a loop blocked by a long synchronous task delays the timer and
  // shows there. prom-client's 10 ms wakes every process 100 times a second and cost ~5
  // millicores each when idle (a tenth of the idle platform); 100 ms costs ~1 and still
  // catches the stalls worth an alert. Node records the time between the timer's runs, so a
  // free loop reads the resolution itself (~0.1 s) and a stall reads above it.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_RESOLUTION_MS });
  return registry;
}

/**
 * Keeps a label's distinct values bounded: the first `max` values pass as they are, later
 * ones read `other`. Operation names come from clients, and every distinct value is a
 * series Prometheus keeps, so unbounded names would be a way to exhaust its memory.
 */
export class BoundedLabel {
  readonly #seen = new Set<string>();
  readonly #max: number;

  constructor(max = 200) {
    this.#max = max;
  }

  value(raw: string): string {
    if (this.#seen.has(raw)) return raw;
    if (this.#seen.size >= this.#max) return 'other';
    this.#seen.add(raw);
    return raw;
  }
}

/**
 * Answers GET /metrics in Prometheus's text format; false for any other request, so it
 * composes with a server's other routes (the graphql-server kit's `routes`).
 */
export function metricsRoute(registry: Registry): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    if (req.method !== 'GET' || (req.url ?? '/').split('?')[0] !== METRICS_PATH) return false;
    const body = await registry.metrics();
    res.writeHead(200, { 'content-type': registry.contentType }).end(body);
    return true;
  };
}

/**
 * A server of its own for /metrics (and /health), for a process whose main port is public:
 * the router's admin port. Resolves once it listens.
 */
export async function serveMetrics(registry: Registry, port: number, host: string): Promise<Server> {
  const route = metricsRoute(registry);
  const server = createServer((req, res) => {
    route(req, res).then(
      (answered) => {
        if (answered) return;
        const health = req.method === 'GET' && req.url === '/health';
        res
          .writeHead(health ? 200 : 404, { 'content-type': 'application/json' })
          .end(JSON.stringify(health ? { status: 'ok' } : { error: 'not found' }));
      },
      () => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'metrics unavailable' }));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
