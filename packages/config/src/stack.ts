import { secretWeakness, type EnvReader } from './env.ts';

/**
 * Where the platform's engines listen when the project's own scripts run them. The ports
 * stay clear of each engine's usual one, so a machine's own PostgreSQL, Kafka or
 * Elasticsearch does not collide with the project's stack.
 */
export const LOCAL_PORTS = {
  postgres: 55432,
  kafka: 19092,
  kafkaController: 19093,
  connect: 18083,
  elasticsearch: 19200,
  elasticsearchTransport: 19300,
  redis: 16379,
} as const;

export const LOCAL_HOST = '127.0.0.1';

/**
 * The local stack's administrator role (initdb's superuser). Only provisioning, seeding
 * tools and tests use it; services connect as their own role ({@link serviceRoleName}).
 */
export const LOCAL_DB_USER = 'emporium';

/** The role Debezium connects as: replication and reading the captured tables, nothing else. */
export const CDC_ROLE = 'emporium_cdc';

/** Shortest database password production accepts. */
const MIN_DATABASE_PASSWORD = 16;

/** Each service owns one database; its name is derived, never configured per service. */
export const SERVICE_DATABASES = ['identity', 'product', 'cart', 'order', 'payment'] as const;
export type ServiceDatabase = (typeof SERVICE_DATABASES)[number];

export function databaseName(service: string): string {
  return `emporium_${service}`;
}

/**
 * The role a service connects as. It owns the service's database and nothing else, so a
 * compromised service can neither read another's data nor change the server.
 */
export function serviceRoleName(service: string): string {
  return databaseName(service);
}

/** `serverUrl` with the service's own role (and its password, when the server wants one). */
export function serviceRoleUrl(serverUrl: string, service: string, password?: string): string {
  const url = new URL(serverUrl);
  url.username = serviceRoleName(service);
  url.password = password === undefined ? '' : encodeURIComponent(password);
  return url.toString();
}

/** Connection details of the engines, external when the variable is set, local otherwise. */
export interface StackEndpoints {
  /** Server URL; its path is ignored because each service connects to its own database. */
  postgres: { url: string; external: boolean };
  kafka: { brokers: string[]; external: boolean };
  connect: { url: string; external: boolean };
  elasticsearch: { url: string; external: boolean };
  /** Counters every replica shares (rate limits). */
  redis: { url: string; external: boolean };
}

export function readStackEndpoints(env: EnvReader): StackEndpoints {
  const postgres = env.url(
    'DATABASE_URL',
    `postgres://${LOCAL_DB_USER}@${LOCAL_HOST}:${LOCAL_PORTS.postgres}/postgres`,
  );
  if (env.production && env.has('DATABASE_URL') && URL.canParse(postgres)) {
    const password = decodeURIComponent(new URL(postgres).password);
    const weakness = password === '' ? 'is missing' : secretWeakness(password, MIN_DATABASE_PASSWORD);
    if (weakness !== undefined) env.problem(`DATABASE_URL's password ${weakness}`);
  }
  return {
    postgres: { url: postgres, external: env.has('DATABASE_URL') },
    kafka: {
      brokers: env.list('KAFKA_BROKERS', [`${LOCAL_HOST}:${LOCAL_PORTS.kafka}`]),
      external: env.has('KAFKA_BROKERS'),
    },
    connect: {
      url: env.url('CONNECT_URL', `http://${LOCAL_HOST}:${LOCAL_PORTS.connect}`),
      external: env.has('CONNECT_URL'),
    },
    elasticsearch: {
      url: env.url('ELASTICSEARCH_URL', `http://${LOCAL_HOST}:${LOCAL_PORTS.elasticsearch}`),
      external: env.has('ELASTICSEARCH_URL'),
    },
    redis: {
      url: env.url('REDIS_URL', `redis://${LOCAL_HOST}:${LOCAL_PORTS.redis}`),
      external: env.has('REDIS_URL'),
    },
  };
}

/**
 * DATABASE_URL for a process that uses a database. Production has no local
 * trust-authenticated server to fall back on: the variable must be set, with a password
 * that is long enough and not one this repository publishes.
 */
export function readDatabaseUrl(env: EnvReader): string {
  if (env.production && !env.has('DATABASE_URL')) env.problem('DATABASE_URL is required in production');
  return readStackEndpoints(env).postgres.url;
}

/** The URL of one service's database on the configured server. */
export function serviceDatabaseUrl(serverUrl: string, service: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${databaseName(service)}`;
  return url.toString();
}
