/**
 * The capacity model of CAPACITY.md: from what one operation of each class costs on this
 * machine (CPU seconds by process, Kafka messages, WAL bytes, all measured by the capacity
 * scenario) and stated traffic assumptions, the cores, replicas, partitions, shards and
 * database figures the design target needs. Pure arithmetic, so it is unit-tested apart
 * from the measurement.
 */

/** The shopper's operations, each measured as a phase of its own. */
export const OPERATION_CLASSES = [
  'browse',
  'search',
  'addToCart',
  'checkout',
  'pay',
  'subscribe',
  'statusPush',
] as const;
export type OperationClass = (typeof OPERATION_CLASSES)[number];

/** What one operation of a class cost, measured. */
export interface OperationCost {
  /** CPU seconds per operation by process, above each process's idle use. */
  cpuSeconds: Readonly<Record<string, number>>;
  /** Messages appended to Kafka per operation (every topic but the broker's own). */
  kafkaMessages: number;
  /** PostgreSQL WAL bytes per operation (the whole server: every service database). */
  walBytes: number;
}

/** What the capacity scenario measured. */
export interface Measured {
  operations: Readonly<Record<OperationClass, OperationCost>>;
  /** Bytes of the product index per product document (store size over documents). */
  bytesPerProduct: number;
}

/** Platform processes that scale by adding replicas: Node, one event loop each. */
export const NODE_PROCESSES = [
  'router',
  'identity',
  'product',
  'search',
  'cart',
  'order',
  'payment',
  'search-indexer',
  'cart-worker',
  'order-worker',
  'payment-worker',
] as const;
/** Consumer-group workers: their replicas are bounded by their topics' partitions. */
export const CONSUMER_WORKERS = ['search-indexer', 'cart-worker', 'order-worker', 'payment-worker'] as const;
/** The engines, as the bench's CPU attribution names them. */
export const ENGINES = ['postgresql', 'kafka', 'kafka connect', 'elasticsearch', 'redis'] as const;

export interface Assumptions {
  dailyActiveUsers: number;
  sessionsPerUserPerDay: number;
  /** Operations of each class in an average session. */
  perSession: Readonly<Record<OperationClass, number>>;
  /** Busiest second over the average second of a normal day (the evening peak). */
  eveningPeak: number;
  /** How much busier a sale day's peak is than a normal day's. */
  saleDayPeak: number;
  /** Extra surge on the purchase path (cart, checkout, pay, status) at a sale's start. */
  purchaseSurge: number;
  /** Share of a core a process is planned to use at peak, leaving room for spikes and a lost replica. */
  targetUtilisation: number;
  /** Cores of one Node replica: its event loop is one thread. */
  coresPerNodeReplica: number;
  /** Fewest replicas of anything, for 24/7: one can be lost or rolled. */
  minReplicas: number;
  kafka: {
    /** Today's partition count of every topic; counts stay multiples of it. */
    partitionStep: number;
    /** Room to grow consumers without adding partitions (which remaps keys). */
    consumerHeadroom: number;
    /** Messages one partition's consumer works through per second, in order. */
    messagesPerPartitionPerSecond: number;
  };
  elasticsearch: {
    /** Products in the catalogue planned for. */
    catalogueProducts: number;
    maxShardBytes: number;
    coresPerNode: number;
    /** Fewest copies of each shard (primary + replicas), for 24/7. */
    minCopies: number;
  };
  postgres: {
    /** Connections a process's pool opens at most. */
    poolMax: number;
    /** Which processes hold a pool on which service database. */
    clients: Readonly<Record<string, readonly string[]>>;
    /** Cores of the largest primary planned for. */
    coresPerPrimary: number;
    /** Rows the order database keeps per order (order, its lines, its status changes), for table growth. */
    orderRowsPerOrder: number;
  };
  connect: {
    /** Debezium's PostgreSQL connector runs one task: about a core each at most. */
    connectors: number;
  };
}

export interface ProcessPlan {
  process: string;
  /** Cores it uses at peak, at the target utilisation. */
  cores: number;
  /** For Node processes: replicas of coresPerNodeReplica each. */
  replicas?: number;
}

export interface Ceiling {
  what: string;
  needed: number;
  limit: number;
}

export interface CapacityPlan {
  sessionsPerDay: number;
  dailyOps: Record<OperationClass, number>;
  peakFactor: Record<OperationClass, number>;
  peakOpsPerSecond: Record<OperationClass, number>;
  processes: ProcessPlan[];
  totalCores: number;
  kafka: { peakMessagesPerSecond: number; partitions: number; brokerCores: number };
  elasticsearch: { indexBytes: number; primaries: number; replicas: number; nodes: number; cores: number };
  postgres: {
    cores: number;
    peakWalBytesPerSecond: number;
    walBytesPerDay: number;
    connections: Record<string, number>;
    ordersPerDay: number;
    peakOrdersPerSecond: number;
    orderRowsPerMonth: number;
  };
  /** What cannot grow by adding replicas, against its limit, the tightest first. */
  ceilings: Ceiling[];
}

const PURCHASE_PATH: ReadonlySet<OperationClass> = new Set(['addToCart', 'checkout', 'pay', 'subscribe', 'statusPush']);
const SECONDS_PER_DAY = 86_400;

const sum = (values: Iterable<number>): number => [...values].reduce((total, value) => total + value, 0);
const roundUpTo = (value: number, step: number): number => Math.ceil(value / step) * step;

/** Every process some operation used CPU in, in the order of the measured table. */
export function processesOf(measured: Measured): string[] {
  const seen = new Set<string>();
  for (const operation of OPERATION_CLASSES) {
    for (const process of Object.keys(measured.operations[operation].cpuSeconds)) seen.add(process);
  }
  return [...seen];
}

export function plan(measured: Measured, assumptions: Assumptions): CapacityPlan {
  const sessionsPerDay = assumptions.dailyActiveUsers * assumptions.sessionsPerUserPerDay;
  const byClass = <T>(value: (operation: OperationClass) => T): Record<OperationClass, T> =>
    Object.fromEntries(OPERATION_CLASSES.map((operation) => [operation, value(operation)])) as Record<
      OperationClass,
      T
    >;
  const dailyOps = byClass((operation) => sessionsPerDay * assumptions.perSession[operation]);
  const peakFactor = byClass(
    (operation) =>
      assumptions.eveningPeak *
      assumptions.saleDayPeak *
      (PURCHASE_PATH.has(operation) ? assumptions.purchaseSurge : 1),
  );
  const peakOpsPerSecond = byClass((operation) => (dailyOps[operation] / SECONDS_PER_DAY) * peakFactor[operation]);
  const atPeak = (cost: (operation: OperationClass) => number): number =>
    sum(OPERATION_CLASSES.map((operation) => cost(operation) * peakOpsPerSecond[operation]));
  const coresOf = (process: string): number =>
    atPeak((operation) => measured.operations[operation].cpuSeconds[process] ?? 0) / assumptions.targetUtilisation;

  const nodeProcesses: ReadonlySet<string> = new Set(NODE_PROCESSES);
  const processes = processesOf(measured)
    .filter((process) => nodeProcesses.has(process) || (ENGINES as readonly string[]).includes(process))
    .map((process): ProcessPlan => {
      const cores = coresOf(process);
      return nodeProcesses.has(process)
        ? {
            process,
            cores,
            replicas: Math.max(assumptions.minReplicas, Math.ceil(cores / assumptions.coresPerNodeReplica)),
          }
        : { process, cores };
    })
    .sort((a, b) => b.cores - a.cores);
  const replicasOf = (process: string): number =>
    processes.find((entry) => entry.process === process)?.replicas ?? assumptions.minReplicas;

  const peakMessagesPerSecond = atPeak((operation) => measured.operations[operation].kafkaMessages);
  const busiestGroup = Math.max(...CONSUMER_WORKERS.map(replicasOf));
  const partitions = roundUpTo(
    Math.max(
      busiestGroup * assumptions.kafka.consumerHeadroom,
      // As if every message went to one topic: the busiest topic can be no busier.
      peakMessagesPerSecond / assumptions.kafka.messagesPerPartitionPerSecond,
      assumptions.kafka.partitionStep,
    ),
    assumptions.kafka.partitionStep,
  );

  const es = assumptions.elasticsearch;
  const indexBytes = es.catalogueProducts * measured.bytesPerProduct;
  const primaries = Math.max(1, Math.ceil(indexBytes / es.maxShardBytes));
  const esCores = coresOf('elasticsearch');
  // One shard copy per node, so a query's shards are spread over the nodes and copies
  // follow the query load: enough nodes for the cores, in whole sets of the primaries.
  const copies = Math.max(es.minCopies, Math.ceil(esCores / es.coresPerNode / primaries));
  const nodes = copies * primaries;

  const pg = assumptions.postgres;
  const connections = Object.fromEntries(
    Object.entries(pg.clients).map(([database, clients]) => [
      database,
      sum(clients.map((client) => replicasOf(client) * pg.poolMax)),
    ]),
  );
  const pgCores = coresOf('postgresql');
  const ordersPerDay = dailyOps.checkout;
  const connectCores = coresOf('kafka connect');

  const ceilings: Ceiling[] = [
    { what: 'PostgreSQL: cores of all service databases on one primary', needed: pgCores, limit: pg.coresPerPrimary },
    {
      what: 'Kafka Connect: Debezium, one task (about a core) per connector',
      needed: connectCores,
      limit: assumptions.connect.connectors,
    },
  ].sort((a, b) => b.needed / b.limit - a.needed / a.limit);

  return {
    sessionsPerDay,
    dailyOps,
    peakFactor,
    peakOpsPerSecond,
    processes,
    totalCores: sum(processes.map((entry) => entry.cores)),
    kafka: { peakMessagesPerSecond, partitions, brokerCores: coresOf('kafka') },
    elasticsearch: { indexBytes, primaries, replicas: copies - 1, nodes, cores: esCores },
    postgres: {
      cores: pgCores,
      peakWalBytesPerSecond: atPeak((operation) => measured.operations[operation].walBytes),
      walBytesPerDay: sum(
        OPERATION_CLASSES.map((operation) => measured.operations[operation].walBytes * dailyOps[operation]),
      ),
      connections,
      ordersPerDay,
      peakOrdersPerSecond: peakOpsPerSecond.checkout,
      orderRowsPerMonth: ordersPerDay * 30 * pg.orderRowsPerOrder,
    },
    ceilings,
  };
}
