/**
 * The runtime kit: what every service process (a subgraph's index.ts, a worker.ts) does the
 * same way, written once. Start-up in the order tracing needs, the database opened, migrated
 * and measured, consumers and timed jobs run with their readiness and crash handling, and a
 * shutdown that stops intake first, then work, then resources, then tracing.
 *
 * Only the logger and tracing are loaded with this module: tracing hooks modules (node:http,
 * pg, undici) as they load, so the database, Kafka and HTTP server code this kit drives is
 * imported only after `startProcess` has started tracing, and the service's own modules
 * must be too (dynamic imports after `startProcess`).
 */
import type { DatabaseTimeouts, MikroORM, OrmOptions } from '@emporium/db';
import type { ReadinessChecks } from '@emporium/graphql-server';
import type { createKafka } from '@emporium/kafka';
import { createLogger, type Logger } from '@emporium/logging';
import {
  createMetricsRegistry,
  metricsRoute,
  startTracing,
  type Instrumented,
  type Registry,
  type TracingConfig,
} from '@emporium/telemetry';

type Kafka = ReturnType<typeof createKafka>;

/** What every service's config holds for its process. */
export interface ProcessConfig {
  logLevel: string;
  tracing: TracingConfig;
}

/**
 * When a stop runs at shutdown: `intake` (servers, health) first, so nothing new arrives;
 * then `work` (consumers, jobs), all at once, each finishing what it holds; then `resources`
 * (pools, clients), last opened first closed.
 */
export type StopPhase = 'intake' | 'work' | 'resources';

/** Something that runs until stopped: a consumer, a job. */
export interface Stoppable {
  stop(): Promise<void>;
}

/** A consumer as the kit runs it (startEventConsumer's and startChangeConsumer's). */
export interface RunningConsumer extends Stoppable {
  /** Resolves while it is in its group and in touch with the brokers. */
  ready(): Promise<void>;
  /** Resolves with the error that stopped it for good. */
  readonly crashed: Promise<Error>;
}

/** Options of {@link ServiceProcess.openDatabase}. */
export interface DatabaseOptions {
  /** Its database is `emporium_<service>` on the server at `serverUrl`. */
  service: string;
  serverUrl: string;
  entities: OrmOptions['entities'];
  migrations: OrmOptions['migrations'];
  /**
   * `requests` (the default): a subgraph's short statement bounds. `outbox-worker`: the
   * worker that owns the database's outbox and event tables, with background work's longer
   * bounds; it reports the lag of Debezium's replication slots (one process per database
   * does) and prunes the event tables.
   */
  workload?: 'requests' | 'outbox-worker';
  /** Timeouts beyond the workload's defaults. */
  timeouts?: DatabaseTimeouts;
  /** Report the slots' lag from a subgraph: for a service without a worker (product). */
  replicationSlots?: boolean;
}

/** A timed job: runs now, then `intervalMs` after each run ends, until shutdown. */
export interface JobOptions {
  what: string;
  intervalMs: number;
  /** Gets a probe for shutdown, so a run that loops over batches can end early. */
  task: (stopping: () => boolean) => Promise<void>;
}

export interface ServiceProcess {
  /** The process's name: its log name, metrics prefix and Kafka client id. */
  readonly name: string;
  readonly logger: Logger;
  readonly metrics: Registry;
  /** The checks of GET /ready, gathered from what the process opened; read at each request. */
  readonly readiness: ReadinessChecks;
  /** Adds a check to GET /ready. */
  check(name: string, probe: () => Promise<unknown>): void;
  /** Runs `stop` at shutdown, in `phase`. */
  onStop(phase: StopPhase, stop: () => Promise<void>): void;
  /** Opens, migrates and measures the service's database; checked by /ready, closed at shutdown. */
  openDatabase(options: DatabaseOptions): Promise<MikroORM>;
  /** A Kafka client for this process. */
  kafka(brokers: readonly string[]): Promise<Kafka>;
  /** Runs a started consumer: checked by /ready as `check`, the process exits if it crashes for good. */
  consume(check: string, consumer: RunningConsumer): Promise<void>;
  /** Runs a timed job until shutdown. */
  every(job: JobOptions): Promise<void>;
  /** A worker's HTTP face: GET /health, GET /ready from the checks above, GET /metrics. */
  serveHealth(port: number, host: string): Promise<void>;
  /** Hands the process to its signals: SIGTERM or SIGINT runs the stops, then exits. */
  runUntilSignalled(): Promise<void>;
}

/**
 * Starts a service process: its logger, then tracing (before anything it instruments
 * loads), then a metrics registry. `instrument` defaults to what a database-backed service
 * loads: node:http, undici and pg.
 */
export async function startProcess(
  name: string,
  config: ProcessConfig,
  options: { instrument?: readonly Instrumented[] } = {},
): Promise<ServiceProcess> {
  const logger = createLogger(name, { level: config.logLevel });
  const tracing = await startTracing(config.tracing, {
    instrument: options.instrument ?? ['http', 'undici', 'pg'],
    logger,
  });
  const metrics = createMetricsRegistry(name);
  const checks: Record<string, () => Promise<unknown>> = {};
  const stops: Record<StopPhase, (() => Promise<void>)[]> = { intake: [], work: [], resources: [] };
  const onStop = (phase: StopPhase, stop: () => Promise<void>): void => {
    stops[phase].push(stop);
  };
  const check = (checkName: string, probe: () => Promise<unknown>): void => {
    if (checkName in checks) throw new Error(`readiness check '${checkName}' is registered twice`);
    checks[checkName] = probe;
  };

  const every = async (job: JobOptions): Promise<void> => {
    const { runPeriodically } = await import('@emporium/graphql-server');
    const running = runPeriodically({ ...job, logger });
    onStop('work', () => running.stop());
  };

  return {
    name,
    logger,
    metrics,
    readiness: checks,
    check,
    onStop,
    every,
    async openDatabase(database) {
      const db = await import('@emporium/db');
      const where = { service: database.service, serverUrl: database.serverUrl };
      const outboxWorker = database.workload === 'outbox-worker';
      const timeouts = { ...(outboxWorker ? db.WORKER_DATABASE_TIMEOUTS : {}), ...database.timeouts };
      const orm = await db.createOrm({
        ...where,
        entities: database.entities,
        migrations: database.migrations,
        logger,
        timeouts,
      });
      onStop('resources', () => orm.close());
      await db.migrate(orm, where);
      await db.measureDatabase(orm, metrics, {
        service: database.service,
        ...(outboxWorker || database.replicationSlots ? { replicationSlots: true } : {}),
        ...(outboxWorker ? { outbox: true } : {}),
      });
      check('postgres', () => db.pingDatabase(orm));
      if (outboxWorker) {
        await every({
          what: 'pruning the event tables',
          intervalMs: db.EVENT_PRUNE_INTERVAL_MS,
          task: () => db.pruneEventTables(orm.em.fork()),
        });
      }
      return orm;
    },
    async kafka(brokers) {
      const { createKafka } = await import('@emporium/kafka');
      return createKafka({ clientId: name, brokers, logger });
    },
    async consume(checkName, consumer) {
      const { exitWhenCrashed } = await import('@emporium/graphql-server');
      exitWhenCrashed(logger, checkName, consumer.crashed);
      check(checkName, () => consumer.ready());
      onStop('work', () => consumer.stop());
    },
    async serveHealth(port, host) {
      const { serveWorkerHealth } = await import('@emporium/graphql-server');
      const server = await serveWorkerHealth(port, host, checks, metricsRoute(metrics));
      onStop('intake', async () => {
        server.close();
      });
      logger.info({ port }, `${name} running`);
    },
    async runUntilSignalled() {
      const lifecycle = await import('@emporium/graphql-server');
      lifecycle.runUntilSignalled(logger, async () => {
        for (const stop of stops.intake) await stop();
        await Promise.all(stops.work.map((stop) => stop()));
        // Last opened, first closed: a client built on the pool goes before the pool.
        for (const stop of stops.resources.toReversed()) await stop();
        // Last, so the spans of the work drained above are sent too.
        await tracing.shutdown();
      });
    },
  };
}
