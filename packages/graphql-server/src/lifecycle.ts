import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '@emporium/logging';
import { answerReadiness, markStopping, type ReadinessChecks } from './readiness.ts';
import { listen, type Route } from './routes.ts';

/** A process exits within this of SIGTERM, as orchestrators expect (Kubernetes waits 30 s, then kills). */
export const SHUTDOWN_DEADLINE_MS = 10_000;

/**
 * How long in-flight HTTP requests may run on after shutdown starts, before their
 * connections are cut: inside {@link SHUTDOWN_DEADLINE_MS}, leaving time to close pools.
 */
export const DRAIN_GRACE_MS = 7_000;

/**
 * Runs `stop` once on SIGINT or SIGTERM, then exits 0: /ready answers 503 at once, in-flight
 * requests finish, WebSockets close with 1001, consumers commit, pools close. A second
 * signal, or a stop that outlasts `graceMs`, exits 1 at once. Apollo Server's own signal
 * handlers must be off (`stopOnTerminationSignals: false`): they re-raise the signal after
 * stopping, which reads as a second signal.
 */
export function runUntilSignalled(logger: Logger, stop: () => Promise<void>, graceMs = SHUTDOWN_DEADLINE_MS): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(1);
    stopping = true;
    markStopping();
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, graceMs).unref();
    stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/**
 * The HTTP face of a worker (a process with consumers but no API): GET /health (liveness)
 * and GET /ready (`readiness`, its own dependencies) for the supervisor or orchestrator, a
 * JSON 404 for anything else. `route` serves more on the same port: a worker's /metrics
 * (`metricsRoute` of @emporium/telemetry). Resolves once it listens.
 */
export async function serveWorkerHealth(
  port: number,
  host: string,
  readiness?: ReadinessChecks,
  route?: Route,
): Promise<Server> {
  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method === 'GET' && req.url === '/ready') {
      await answerReadiness(res, readiness);
      return;
    }
    const health = req.method === 'GET' && req.url === '/health';
    if (!health && (await route?.(req, res))) return;
    res
      .writeHead(health ? 200 : 404, { 'content-type': 'application/json' })
      .end(JSON.stringify(health ? { status: 'ok' } : { error: 'not found' }));
  };
  const server = createServer((req, res) => {
    answer(req, res).catch(() => {
      // A failed scrape must not take the worker down: the scraper sees a 500 and tries again.
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'internal error' }));
    });
  });
  await listen(server, port, host);
  return server;
}

/**
 * kafkajs restarts a consumer after retriable errors by itself; after any other the process
 * exits, so the supervisor (or orchestrator) starts a fresh one that resumes from the
 * committed offsets instead of running on without it.
 */
export function exitWhenCrashed(logger: Logger, consumer: string, crashed: Promise<Error>): void {
  void crashed.then((error) => {
    logger.error({ err: error, consumer }, 'consumer stopped for good; exiting');
    process.exit(1);
  });
}

/** A task that runs again and again until stopped. */
export interface PeriodicTask {
  /** Finishes the run in hand, then stops. */
  stop(): Promise<void>;
}

/**
 * Runs `task` now, then `intervalMs` after each run ends (runs never overlap). A failed run
 * is logged and tried again on the next tick. `task` gets a probe for stopping, so a run
 * that loops over batches can end early on shutdown.
 */
export function runPeriodically(options: {
  what: string;
  intervalMs: number;
  logger: Logger;
  task: (stopping: () => boolean) => Promise<void>;
}): PeriodicTask {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async (): Promise<void> => {
    try {
      await options.task(() => stopped);
    } catch (error) {
      options.logger.error({ err: error }, `${options.what} failed; retrying on the next tick`);
    }
  };
  let running: Promise<void> = Promise.resolve();
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(schedule);
    }, options.intervalMs);
  };
  running = tick().finally(schedule);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
