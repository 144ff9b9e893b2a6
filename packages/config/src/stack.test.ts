import { describe, expect, it } from 'vitest';
import { loadConfig } from './env.ts';
import { LOCAL_PORTS, readStackEndpoints, serviceDatabaseUrl } from './stack.ts';

describe('readStackEndpoints', () => {
  it('points at the local stack when nothing is set', () => {
    const endpoints = loadConfig(readStackEndpoints, {});
    expect(endpoints.kafka).toEqual({ brokers: [`127.0.0.1:${LOCAL_PORTS.kafka}`], external: false });
    expect(endpoints.elasticsearch.external).toBe(false);
  });

  it('marks a component external when its variable is set', () => {
    const endpoints = loadConfig(readStackEndpoints, {
      KAFKA_BROKERS: 'k1:9092,k2:9092',
      ELASTICSEARCH_URL: 'https://search.internal:9200',
    });
    expect(endpoints.kafka).toEqual({ brokers: ['k1:9092', 'k2:9092'], external: true });
    expect(endpoints.elasticsearch).toEqual({ url: 'https://search.internal:9200', external: true });
    expect(endpoints.postgres.external).toBe(false);
  });

  it('derives each service database from the server URL, keeping credentials', () => {
    expect(serviceDatabaseUrl('postgres://app:s3cret@db.internal:5432/postgres?sslmode=require', 'order')).toBe(
      'postgres://app:s3cret@db.internal:5432/emporium_order?sslmode=require',
    );
  });
});
