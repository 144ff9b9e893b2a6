/**
 * Prometheus series of a service's database: its connection pool (read from the pool on
 * each scrape, so a request pays nothing but a timer around acquiring a connection) and,
 * where asked, how far Debezium's replication slots lag behind the WAL. Registered on the
 * process's own registry, labelled with the database's service name.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * Seconds a caller waits for a pooled connection: nothing (an idle one) to the workers'
 * acquire bound (10 s), with resolution where a burst starts to queue.
 */
export const ACQUIRE_BUCKETS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/**
 * A scrape must answer even while the database does not: the slot query gets this long,
 * then the scrape goes on without its series (and counts the failure).
 */
export const SLOT_QUERY_TIMEOUT_MS = 2000;

/** Slots reported per database at most: a handful exist (one per connector), the bound keeps series finite. */
const MAX_SLOTS = 20;

/**
 * The slots of the connected database (pg_replication_slots is readable by every role, and
 * pg_current_wal_lsn() executable by every role, so the service's own least-privileged user
 * suffices). Lag is what the server has written past what the slot's consumer confirmed.
 * The WAL is the whole server's: while this database is idle the lag also counts what other
 * databases wrote, until the connector's next heartbeat (10 s) confirms past it, so an alert
 * should look for lag that keeps growing, not for a fixed number of bytes.
 */
export const SLOT_LAG_SQL = `select slot_name, active,
  pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::float8 as lag_bytes
  from pg_replication_slots
  where database = current_database() and confirmed_flush_lsn is not null
  order by slot_name limit ${MAX_SLOTS}`;

/**
 * The outbox rows Debezium has not yet published and the age of the oldest: rows written
 * at or past the position the outbox connector's slot (named `*_outbox`, see cdc-connectors/)
 * confirmed. An index range scan over the backlog only. With no outbox slot yet, nothing
 * counts as unpublished: the slot series show that the connector is missing.
 */
export const OUTBOX_BACKLOG_SQL = `select count(*)::int as rows,
  coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as oldest_seconds
  from outbox
  where written_lsn >= (select min(confirmed_flush_lsn) from pg_replication_slots
    where database = current_database() and slot_name like '%\\_outbox')`;

/** The one row of {@link OUTBOX_BACKLOG_SQL}. */
export interface OutboxBacklog {
  rows: number;
  oldest_seconds: number;
}

/** One row of {@link SLOT_LAG_SQL}. */
export interface SlotRow {
  slot_name: string;
  active: boolean;
  lag_bytes: number | string | null;
}

/** A slot's figures as gauges hold them; rows without a position are left out. */
export function slotFigures(rows: readonly SlotRow[]): SlotFigure[] {
  return rows.flatMap((row) => {
    const lag = Number(row.lag_bytes);
    if (row.lag_bytes === null || !Number.isFinite(lag)) return [];
    // A consumer may confirm a position past the server's write position in flight; that is no lag.
    return [{ slot: row.slot_name, active: row.active ? 1 : 0, lagBytes: Math.max(0, lag) }];
  });
}

/** Options of {@link measureDatabase}. */
export interface DatabaseMetricsOptions {
  /** The service whose database this is (`emporium_<service>`): the `database` label. */
  service: string;
  /**
   * Also report the replication slots of this database on each scrape (one cheap catalogue
   * query). One process per database is enough: the service's worker, or the subgraph of a
   * service without one.
   */
  replicationSlots?: boolean;
  /**
   * The database holds an outbox that Debezium publishes: report its unpublished rows and
   * the oldest one's age on each scrape (with the slots, by the same one process).
   */
  outbox?: boolean;
}

/** One slot's figures as the gauges hold them. */
export interface SlotFigure {
  slot: string;
  active: number;
  lagBytes: number;
}

/** One measured database, as the gauges read it on a scrape. */
interface MeasuredDatabase {
  database: string;
  pool: pg.Pool;
  /** The slots' figures, or null when they could not be read; absent when slots are not measured. */
  slots?: () => Promise<SlotFigure[] | null>;
  /** The outbox backlog, or null when it could not be read; absent for a database without an outbox. */
  outbox?: () => Promise<OutboxBacklog | null>;
}

/** Per registry: the databases measured on it (prom-client refuses a series name twice, so they share the series). */
const byRegistry = new WeakMap<Registry, { measured: MeasuredDatabase[]; acquire: Histogram<'database'> }>();

/**
 * Sets `gauge` from each database's slot figures; a slot no longer reported (dropped, or
 * the query failed) is removed, so nothing stale is served.
 */
async function collectSlots(
  gauge: Gauge<'database' | 'slot'>,
  measured: readonly MeasuredDatabase[],
  value: (figure: SlotFigure) => number,
): Promise<void> {
  gauge.reset();
  await Promise.all(
    measured.map(async ({ database, slots }) => {
      for (const figure of (await slots?.()) ?? []) gauge.set({ database, slot: figure.slot }, value(figure));
    }),
  );
}

function seriesOf(registry: Registry): { measured: MeasuredDatabase[]; acquire: Histogram<'database'> } {
  const known = byRegistry.get(registry);
  if (known) return known;
  const measured: MeasuredDatabase[] = [];
  const registers = [registry];
  // Each gauge reads the pools itself: prom-client collects a registry's series concurrently.
  new Gauge({
    name: 'db_pool_connections',
    help: 'Pooled PostgreSQL connections by state (in_use, idle), read at scrape',
    labelNames: ['database', 'state'] as const,
    registers,
    collect() {
      for (const { database, pool } of measured) {
        this.set({ database, state: 'in_use' }, pool.totalCount - pool.idleCount);
        this.set({ database, state: 'idle' }, pool.idleCount);
      }
    },
  });
  new Gauge({
    name: 'db_pool_waiting_requests',
    help: 'Callers waiting for a pooled PostgreSQL connection, read at scrape',
    labelNames: ['database'] as const,
    registers,
    collect() {
      for (const { database, pool } of measured) this.set({ database }, pool.waitingCount);
    },
  });
  new Gauge({
    name: 'db_pool_max_connections',
    help: 'The size the PostgreSQL pool may grow to',
    labelNames: ['database'] as const,
    registers,
    collect() {
      for (const { database, pool } of measured) this.set({ database }, pool.options.max);
    },
  });
  const acquire = new Histogram({
    name: 'db_pool_acquire_duration_seconds',
    help: 'Time from asking the pool for a PostgreSQL connection to holding one (opening one included)',
    labelNames: ['database'] as const,
    buckets: [...ACQUIRE_BUCKETS],
    registers,
  });
  new Gauge({
    name: 'db_replication_slot_lag_bytes',
    help: "WAL bytes written past what a replication slot's consumer (Debezium) confirmed, read at scrape",
    labelNames: ['database', 'slot'] as const,
    registers,
    collect() {
      return collectSlots(this, measured, (figure) => figure.lagBytes);
    },
  });
  new Gauge({
    name: 'db_replication_slot_active',
    help: 'Whether a consumer is attached to the replication slot (1) or not (0), read at scrape',
    labelNames: ['database', 'slot'] as const,
    registers,
    collect() {
      return collectSlots(this, measured, (figure) => figure.active);
    },
  });
  const backlog = async (gauge: Gauge<'database'>, value: (figures: OutboxBacklog) => number): Promise<void> => {
    gauge.reset();
    await Promise.all(
      measured.map(async ({ database, outbox }) => {
        const figures = await outbox?.();
        if (figures) gauge.set({ database }, value(figures));
      }),
    );
  };
  new Gauge({
    name: 'db_outbox_unpublished_rows',
    help: 'Outbox rows written past the position the outbox connector (Debezium) confirmed, read at scrape',
    labelNames: ['database'] as const,
    registers,
    collect() {
      return backlog(this, (figures) => figures.rows);
    },
  });
  new Gauge({
    name: 'db_outbox_oldest_unpublished_seconds',
    help: 'Age of the oldest outbox row Debezium has not yet published (0 when none), read at scrape',
    labelNames: ['database'] as const,
    registers,
    collect() {
      return backlog(this, (figures) => figures.oldest_seconds);
    },
  });
  const entry = { measured, acquire };
  byRegistry.set(registry, entry);
  return entry;
}

/** Resolves with `promise`, or rejects once `ms` passed; the timer never holds the process open. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer within ${ms} ms`));
    }, ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

/**
 * Shares one run of `query` among the callers that ask while it is in flight: the gauges of
 * one scrape are collected together and need one query between them, not one each.
 */
export function sharedWhileInFlight<T>(query: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | null = null;
  return () => {
    inFlight ??= query().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };
}

/**
 * Times each acquisition of a connection from `pool`. The ORM's query builder asks with a
 * promise; pg's own `pool.query` passes a callback: both are measured, and the result is
 * the pool's own.
 */
export function timeAcquisitions(pool: pg.Pool, observe: (seconds: number) => void): void {
  const connect = pool.connect.bind(pool) as (
    callback?: (error: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void,
  ) => Promise<pg.PoolClient> | undefined;
  const timed = (callback?: Parameters<typeof connect>[0]): Promise<pg.PoolClient> | undefined => {
    const started = process.hrtime.bigint();
    const seconds = (): number => Number(process.hrtime.bigint() - started) / 1e9;
    if (callback) {
      return connect((error, client, done) => {
        if (!error) observe(seconds());
        callback(error, client, done);
      });
    }
    const acquired = connect();
    return acquired?.then((client) => {
      observe(seconds());
      return client;
    });
  };
  Object.assign(pool, { connect: timed });
}

/**
 * Registers the pool series of `orm`'s database on `registry` and starts timing connection
 * acquisitions; with `replicationSlots`, the slot lag too. Series are read at scrape time,
 * so an idle process costs nothing; a slot query that fails or hangs leaves its series out
 * of that scrape (counted in db_metrics_collect_errors_total, logged nowhere: a scrape every
 * few seconds would flood the log) and never fails /metrics.
 */
export async function measureDatabase(
  orm: MikroORM,
  registry: Registry,
  options: DatabaseMetricsOptions,
): Promise<void> {
  const { measured, acquire } = seriesOf(registry);
  const database = options.service;
  const connection = orm.em.getConnection();
  const pool = await connection.getNativeClient();
  timeAcquisitions(pool, (seconds) => {
    acquire.observe({ database }, seconds);
  });
  if (!options.replicationSlots) {
    measured.push({ database, pool });
    return;
  }
  const errors =
    (registry.getSingleMetric('db_metrics_collect_errors_total') as Counter<'database' | 'what'> | undefined) ??
    new Counter({
      name: 'db_metrics_collect_errors_total',
      help: 'Database figures a scrape could not read (their series are left out of that scrape)',
      labelNames: ['database', 'what'] as const,
      registers: [registry],
    });
  const slots = sharedWhileInFlight(async (): Promise<SlotFigure[] | null> => {
    try {
      return slotFigures(await within(connection.execute<SlotRow[]>(SLOT_LAG_SQL), SLOT_QUERY_TIMEOUT_MS));
    } catch {
      errors.inc({ database, what: 'replication_slots' });
      return null;
    }
  });
  const outbox = options.outbox
    ? sharedWhileInFlight(async (): Promise<OutboxBacklog | null> => {
        try {
          const [row] = await within(connection.execute<OutboxBacklog[]>(OUTBOX_BACKLOG_SQL), SLOT_QUERY_TIMEOUT_MS);
          // Both are cast in SQL to types pg returns as numbers (int, float8).
          return row ?? null;
        } catch {
          errors.inc({ database, what: 'outbox' });
          return null;
        }
      })
    : undefined;
  measured.push({ database, pool, slots, ...(outbox ? { outbox } : {}) });
}
