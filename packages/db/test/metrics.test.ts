import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OUTBOX_TABLE_DDL,
  OUTBOX_WAL_POSITION_DDL,
  OutboxEntrySchema,
  createOrm,
  measureDatabase,
  type MikroORM,
} from '@emporium/db';
import { createLogger } from '@emporium/logging';
import { Registry } from 'prom-client';
import { createScratchDatabase, type ScratchDatabase } from '@emporium/testing/database';

/**
 * The database series as Prometheus scrapes them, on a scratch database of the local
 * server with a logical replication slot of its own (as Debezium's connectors create).
 */
const logger = createLogger('test', { level: 'silent' });
let database: ScratchDatabase;
let orm: MikroORM;
const slot = `metrics_test_${process.pid}`;

beforeAll(async () => {
  database = await createScratchDatabase('db_metrics');
  orm = await createOrm({
    ...database,
    entities: [OutboxEntrySchema],
    migrations: [],
    logger: logger,
  });
  await orm.em.getConnection().execute(`select pg_create_logical_replication_slot(?, 'pgoutput')`, [slot]);
});

afterAll(async () => {
  // A slot holds WAL back for good, and blocks dropping its database: it goes first.
  await orm.em
    .getConnection()
    .execute('select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = ?', [slot]);
  await orm.close();
  await database.drop();
});

/** A series' value for `labels` in `registry`'s current figures (collected as on a scrape). */
async function valueOf(registry: Registry, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return undefined;
  const { values } = await metric.get();
  return values.find((value) => Object.entries(labels).every(([key, v]) => value.labels[key] === v))?.value;
}

describe('measureDatabase', () => {
  it('reports connections in use, idle and waiting, the acquire time, and the slot lag on scrape', async () => {
    const registry = new Registry();
    await measureDatabase(orm, registry, { service: database.service, replicationSlots: true });
    const labels = { database: database.service };
    const pool = await orm.em.getConnection().getNativeClient();
    const held = await pool.connect();
    try {
      expect(await valueOf(registry, 'db_pool_connections', { ...labels, state: 'in_use' })).toBeGreaterThanOrEqual(1);
      expect(await valueOf(registry, 'db_pool_waiting_requests', labels)).toBe(0);
      expect(await valueOf(registry, 'db_pool_max_connections', labels)).toBe(10);
    } finally {
      held.release();
    }
    expect(await valueOf(registry, 'db_pool_connections', { ...labels, state: 'idle' })).toBeGreaterThanOrEqual(1);
    expect(
      await valueOf(registry, 'db_pool_acquire_duration_seconds', { ...labels, le: '+Inf' }),
    ).toBeGreaterThanOrEqual(1);

    // Nobody reads the slot: WAL written now is WAL it lags behind.
    const before = (await valueOf(registry, 'db_replication_slot_lag_bytes', { ...labels, slot })) ?? -1;
    expect(before).toBeGreaterThanOrEqual(0);
    await orm.em.getConnection().execute('create table wal_filler as select generate_series(1, 1000) as n');
    const after = (await valueOf(registry, 'db_replication_slot_lag_bytes', { ...labels, slot })) ?? -1;
    expect(after).toBeGreaterThan(before);
    expect(await valueOf(registry, 'db_replication_slot_active', { ...labels, slot })).toBe(0);
    const text = await registry.metrics();
    expect(text).toContain(`db_replication_slot_lag_bytes{database="${database.service}",slot="${slot}"}`);
  });

  it('still answers a scrape when the slot query fails, without the slot series and with the failure counted', async () => {
    // A database that goes away under a process: its pool reconnects, and fails.
    const doomed = await createScratchDatabase('db_metrics_gone');
    const other = await createOrm({ ...doomed, entities: [OutboxEntrySchema], migrations: [], logger });
    try {
      const registry = new Registry();
      await measureDatabase(other, registry, { service: doomed.service, replicationSlots: true });
      expect(await registry.metrics()).toContain('db_pool_connections{');
      await doomed.drop();
      const text = await registry.metrics();
      expect(text).toContain(`db_pool_connections{database="${doomed.service}",state="idle"}`);
      expect(text).not.toContain('db_replication_slot_lag_bytes{');
      // The failure is counted as the query fails, after this scrape read the counter.
      expect(await registry.metrics()).toContain(
        `db_metrics_collect_errors_total{database="${doomed.service}",what="replication_slots"}`,
      );
    } finally {
      await other.close();
      await doomed.drop();
    }
  });

  it("reports the outbox rows Debezium has not published and the oldest one's age, until its slot confirms them", async () => {
    // An outbox as the services migrate it, and a slot named as the outbox connectors' are.
    const outboxSlot = `metrics_test_${process.pid}_outbox`;
    const connection = orm.em.getConnection();
    await connection.execute(OUTBOX_TABLE_DDL);
    for (const statement of OUTBOX_WAL_POSITION_DDL) await connection.execute(statement);
    await connection.execute(`select pg_create_logical_replication_slot(?, 'pgoutput')`, [outboxSlot]);
    try {
      const registry = new Registry();
      await measureDatabase(orm, registry, { service: database.service, replicationSlots: true, outbox: true });
      const labels = { database: database.service };
      expect(await valueOf(registry, 'db_outbox_unpublished_rows', labels)).toBe(0);
      expect(await valueOf(registry, 'db_outbox_oldest_unpublished_seconds', labels)).toBe(0);

      const insert = `insert into outbox (id, aggregatetype, aggregateid, type, payload, created_at)
        values (gen_random_uuid(), 'order', 'o1', 'OrderPlaced', '{}', now() - make_interval(secs => ?))`;
      await connection.execute(insert, [30]);
      await connection.execute(insert, [5]);
      expect(await valueOf(registry, 'db_outbox_unpublished_rows', labels)).toBe(2);
      expect(await valueOf(registry, 'db_outbox_oldest_unpublished_seconds', labels)).toBeGreaterThanOrEqual(30);

      // Debezium confirming what it published: the slot moves past both rows.
      await connection.execute('select pg_replication_slot_advance(?, pg_current_wal_lsn())', [outboxSlot]);
      expect(await valueOf(registry, 'db_outbox_unpublished_rows', labels)).toBe(0);
      expect(await valueOf(registry, 'db_outbox_oldest_unpublished_seconds', labels)).toBe(0);
    } finally {
      await connection.execute(
        'select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = ?',
        [outboxSlot],
      );
    }
  });
});
