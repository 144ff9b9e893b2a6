import type { EnvReader } from './env.ts';

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
} as const;

export const LOCAL_HOST = '127.0.0.1';

/** The PostgreSQL role the local stack creates; it owns every service database. */
export const LOCAL_DB_USER = 'emporium';

/** Each service owns one database; its name is derived, never configured per service. */
export const SERVICE_DATABASES = ['identity', 'product', 'cart', 'order', 'payment'] as const;
export type ServiceDatabase = (typeof SERVICE_DATABASES)[number];

export function databaseName(service: string): string {
  return `emporium_${service}`;
}

/** Connection details of the engines, external when the variable is set, local otherwise. */
export interface StackEndpoints {
  /** Server URL; its path is ignored because each service connects to its own database. */
  postgres: { url: string; external: boolean };
  kafka: { brokers: string[]; external: boolean };
  connect: { url: string; external: boolean };
  elasticsearch: { url: string; external: boolean };
}

export function readStackEndpoints(env: EnvReader): StackEndpoints {
  return {
    postgres: {
      url: env.url('DATABASE_URL', `postgres://${LOCAL_DB_USER}@${LOCAL_HOST}:${LOCAL_PORTS.postgres}/postgres`),
      external: env.has('DATABASE_URL'),
    },
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
  };
}

/** The URL of one service's database on the configured server. */
export function serviceDatabaseUrl(serverUrl: string, service: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${databaseName(service)}`;
  return url.toString();
}
