import { describe, expect, it } from 'vitest';
import { OPERATION_CLASSES, plan, type Assumptions, type Measured, type OperationCost } from './capacity-model.ts';

const free: OperationCost = { cpuSeconds: {}, kafkaMessages: 0, walBytes: 0 };

/** Measurements where only the given classes cost anything. */
const measured = (costs: Partial<Measured['operations']>, bytesPerProduct = 1000): Measured => ({
  operations: {
    ...Object.fromEntries(OPERATION_CLASSES.map((operation) => [operation, free])),
    ...costs,
  } as Measured['operations'],
  bytesPerProduct,
});

/** Round numbers: 86,400 sessions a day, so one operation per session is one per second on average. */
const assumptions: Assumptions = {
  dailyActiveUsers: 86_400,
  sessionsPerUserPerDay: 1,
  perSession: { browse: 100, search: 0, addToCart: 0, checkout: 10, pay: 10, subscribe: 0, statusPush: 0 },
  eveningPeak: 2,
  saleDayPeak: 1.5,
  purchaseSurge: 2,
  targetUtilisation: 0.5,
  coresPerNodeReplica: 1,
  minReplicas: 2,
  kafka: { partitionStep: 6, consumerHeadroom: 2, messagesPerPartitionPerSecond: 100 },
  elasticsearch: { catalogueProducts: 1_000_000, maxShardBytes: 300_000_000, coresPerNode: 4, minCopies: 2 },
  postgres: {
    poolMax: 10,
    clients: { order: ['order', 'order-worker'] },
    coresPerPrimary: 16,
    orderRowsPerOrder: 5,
  },
  connect: { connectors: 5 },
};

describe('the capacity plan', () => {
  it('turns daily users into peak operations per second with the purchase path surging harder', () => {
    const result = plan(measured({}), assumptions);
    expect(result.sessionsPerDay).toBe(86_400);
    expect(result.dailyOps.browse).toBe(8_640_000);
    // 100 a second on average, ×2 in the evening, ×1.5 on a sale day.
    expect(result.peakOpsPerSecond.browse).toBeCloseTo(300);
    // 10 a second on average, and twice the surge on the purchase path.
    expect(result.peakFactor.checkout).toBe(6);
    expect(result.peakOpsPerSecond.checkout).toBeCloseTo(60);
  });

  it('sizes each process from its CPU per operation at the target utilisation, in whole replicas', () => {
    const result = plan(
      measured({
        browse: { cpuSeconds: { router: 0.004, product: 0.001, postgresql: 0.002 }, kafkaMessages: 0, walBytes: 0 },
        checkout: { cpuSeconds: { router: 0.01, 'order-worker': 0.05 }, kafkaMessages: 0, walBytes: 0 },
      }),
      assumptions,
    );
    const router = result.processes.find((entry) => entry.process === 'router');
    // (0.004 × 300 + 0.01 × 60) / 0.5 = 3.6 cores: 4 replicas of one core.
    expect(router?.cores).toBeCloseTo(3.6);
    expect(router?.replicas).toBe(4);
    // 0.3 / 0.5 = 0.6 cores, but never fewer replicas than the floor.
    expect(result.processes.find((entry) => entry.process === 'product')?.replicas).toBe(2);
    // Engines get cores, not Node replicas.
    const postgres = result.processes.find((entry) => entry.process === 'postgresql');
    expect(postgres).toEqual({ process: 'postgresql', cores: expect.closeTo(1.2) as number });
    expect(result.postgres.cores).toBeCloseTo(1.2);
  });

  it('leaves out what is not the platform (the load generator, the simulated provider)', () => {
    const result = plan(
      measured({
        browse: {
          cpuSeconds: { 'load generator': 1, 'payment-provider': 1, router: 0.001 },
          kafkaMessages: 0,
          walBytes: 0,
        },
      }),
      assumptions,
    );
    expect(result.processes.map((entry) => entry.process)).toEqual(['router']);
  });

  it('gives every topic enough partitions for the busiest consumer group to double, in steps of today’s count', () => {
    const result = plan(
      measured({ checkout: { cpuSeconds: { 'order-worker': 0.05 }, kafkaMessages: 4, walBytes: 0 } }),
      assumptions,
    );
    // 0.05 × 60 / 0.5 = 6 replicas of the order worker, ×2 headroom = 12 partitions.
    expect(result.processes.find((entry) => entry.process === 'order-worker')?.replicas).toBe(6);
    expect(result.kafka.peakMessagesPerSecond).toBeCloseTo(240);
    expect(result.kafka.partitions).toBe(12);
  });

  it('adds partitions when the message rate, not the consumers, needs them', () => {
    const result = plan(measured({ browse: { cpuSeconds: {}, kafkaMessages: 5, walBytes: 0 } }), assumptions);
    // 1,500 messages a second at 100 a partition: 15, rounded up to 18.
    expect(result.kafka.partitions).toBe(18);
  });

  it('splits the product index into shards below the size limit and copies them for the query load', () => {
    const result = plan(
      measured({ browse: { cpuSeconds: { elasticsearch: 0.04 }, kafkaMessages: 0, walBytes: 0 } }, 1000),
      assumptions,
    );
    // 1 GB of index at 300 MB a shard: 4 primaries.
    expect(result.elasticsearch.indexBytes).toBe(1_000_000_000);
    expect(result.elasticsearch.primaries).toBe(4);
    // 0.04 × 300 / 0.5 = 24 cores: 6 nodes of 4, in whole sets of 4 primaries → 2 copies, 8 nodes.
    expect(result.elasticsearch.cores).toBeCloseTo(24);
    expect(result.elasticsearch.replicas).toBe(1);
    expect(result.elasticsearch.nodes).toBe(8);
  });

  it('keeps at least the minimum copies of a small, idle index', () => {
    const result = plan(measured({}, 10), assumptions);
    expect(result.elasticsearch.primaries).toBe(1);
    expect(result.elasticsearch.replicas).toBe(1);
    expect(result.elasticsearch.nodes).toBe(2);
  });

  it('sizes PostgreSQL: WAL rate and volume, connections from pools and replicas, order table growth', () => {
    const result = plan(
      measured({
        checkout: { cpuSeconds: { order: 0.05, 'order-worker': 0.025 }, kafkaMessages: 0, walBytes: 10_000 },
        pay: { cpuSeconds: {}, kafkaMessages: 0, walBytes: 5_000 },
      }),
      assumptions,
    );
    expect(result.postgres.peakWalBytesPerSecond).toBeCloseTo(60 * 15_000);
    expect(result.postgres.walBytesPerDay).toBeCloseTo(864_000 * 15_000);
    // order: 6 replicas, order-worker: 3 replicas, 10 connections each.
    expect(result.postgres.connections).toEqual({ order: 90 });
    expect(result.postgres.ordersPerDay).toBe(864_000);
    expect(result.postgres.orderRowsPerMonth).toBe(864_000 * 30 * 5);
  });

  it('ranks what cannot scale out by how close it comes to its limit', () => {
    const result = plan(
      measured({
        browse: { cpuSeconds: { postgresql: 0.008, 'kafka connect': 0.001 }, kafkaMessages: 0, walBytes: 0 },
      }),
      assumptions,
    );
    // PostgreSQL 4.8 cores of 16 (30 %); Connect 0.6 of 5 (12 %).
    expect(result.ceilings.map((ceiling) => ceiling.what)).toEqual([
      expect.stringMatching(/^PostgreSQL/) as string,
      expect.stringMatching(/^Kafka Connect/) as string,
    ]);
    expect(result.ceilings[0]?.needed).toBeCloseTo(4.8);
  });
});
