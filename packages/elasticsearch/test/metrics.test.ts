import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createElasticsearch, isNotFound } from '@emporium/elasticsearch';
import { stackEndpoints, uniqueName } from '@emporium/testing';

/** The histogram's count for `labels`, as a scrape reads it. */
async function countOf(registry: Registry, labels: Record<string, string>): Promise<number> {
  const metric = registry.getSingleMetric('elasticsearch_request_duration_seconds');
  if (!metric) return 0;
  const { values } = await metric.get();
  return values
    .filter((value) => (value as { metricName?: string }).metricName === 'elasticsearch_request_duration_seconds_count')
    .filter((value) => Object.entries(labels).every(([key, v]) => value.labels[key] === v))
    .reduce((sum, value) => sum + value.value, 0);
}

describe('createElasticsearch with metrics', () => {
  it("times each request of the local cluster by the API's name and its outcome", async () => {
    const registry = new Registry();
    const client = createElasticsearch({ url: stackEndpoints().elasticsearch.url, metrics: registry, maxRetries: 0 });
    try {
      await client.cluster.health({});
      await client.cluster.health({});
      const missing = await client.get({ index: uniqueName('absent').toLowerCase(), id: '1' }).catch((e: unknown) => e);
      expect(isNotFound(missing)).toBe(true);
      expect(await countOf(registry, { operation: 'cluster.health', outcome: 'ok' })).toBe(2);
      expect(await countOf(registry, { operation: 'get', outcome: 'not_found' })).toBe(1);
      expect(await registry.metrics()).toMatch(
        /elasticsearch_request_duration_seconds_sum\{operation="cluster.health",outcome="ok"\} [0-9.e-]+/,
      );
    } finally {
      await client.close();
    }
  });

  it('records an unreachable cluster as a connection error', async () => {
    const registry = new Registry();
    // A port nothing listens on.
    const client = createElasticsearch({ url: 'http://127.0.0.1:9', metrics: registry, maxRetries: 0 });
    try {
      await expect(client.cluster.health({})).rejects.toThrow();
      expect(await countOf(registry, { operation: 'cluster.health', outcome: 'connection_error' })).toBe(1);
    } finally {
      await client.close();
    }
  });
});
