/**
 * Elasticsearch access for every process that touches the search index (the search subgraph,
 * the indexer, the reindex tool, tests). The client's major version must match the server's:
 * a v9 client sends `compatible-with=9`, which an 8.x server rejects.
 */
import { Client, errors, type estypes } from '@elastic/elasticsearch';
import { DependencyUnavailable } from '@emporium/resilience';
import type { Registry } from 'prom-client';
import { measuredTransport } from './metrics.ts';

export { Client, errors };
export type { estypes };
export { ELASTICSEARCH_BUCKETS, measuredTransport, outcomeOf } from './metrics.ts';
export type { RequestOutcome } from './metrics.ts';

/** Options of {@link createElasticsearch}. */
export interface ElasticsearchOptions {
  url: string;
  /**
   * How long one request may take. Interactive callers keep this short (about a second)
   * so a dead or overloaded cluster fails a search at once instead of holding the request.
   */
  requestTimeoutMs?: number;
  /** Retries on connection errors and timeouts; 0 for interactive callers, which fail fast. */
  maxRetries?: number;
  /** The process's metrics: each request's duration by API name and outcome is recorded there. */
  metrics?: Registry;
}

/** Creates a client for one cluster; callers close it when they stop. */
export function createElasticsearch(options: ElasticsearchOptions): Client {
  return new Client({
    node: options.url,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    maxRetries: options.maxRetries ?? 3,
    // One node (or a load balancer in front of many): sniffing would only find addresses
    // the client cannot reach from outside a container network.
    sniffOnStart: false,
    ...(options.metrics ? { Transport: measuredTransport(options.metrics) } : {}),
  });
}

/** True for a 404 answer, e.g. an index or alias that does not exist yet. */
export function isNotFound(error: unknown): boolean {
  return error instanceof errors.ResponseError && error.statusCode === 404;
}

/**
 * Readiness: resolves when the cluster answers within a second and is not red (a red
 * cluster has shards no search or write can reach).
 */
export async function pingElasticsearch(client: Client): Promise<void> {
  const health = await client.cluster.health({}, { requestTimeout: 1000, maxRetries: 0 });
  if (health.status === 'red') throw new DependencyUnavailable('elasticsearch', 'the cluster is red');
}
