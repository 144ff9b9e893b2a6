/**
 * Bootstrap only: config → Elasticsearch client → server. The subgraph owns no database;
 * it reads the product index the indexer (src/indexer/) keeps. It starts without
 * Elasticsearch too: searches then fail fast while the rest of the supergraph works.
 */
import { createLogger } from '@emporium/logging';
import { createMetricsRegistry, startTracing } from '@emporium/telemetry';
import { readSearchConfig } from './config.ts';

const config = readSearchConfig();
const logger = createLogger('search', { level: config.logLevel });
// Tracing intercepts modules as they load (node:http, undici), so the rest is imported only once it runs.
const tracing = await startTracing(config.tracing, { instrument: ['http', 'undici'], logger });
const { createElasticsearch, pingElasticsearch } = await import('@emporium/elasticsearch');
const { createSubgraphServer, runUntilSignalled } = await import('@emporium/graphql-server');
const { contextFactory } = await import('./context.ts');
const { buildSchema } = await import('./schema.ts');
const { SearchService } = await import('./services/search.service.ts');

// One registry for the server's series and the client's request latency.
const metrics = createMetricsRegistry('search');
// Interactive: a short timeout and no retries, so a dead cluster costs a search ~1.2 s at most.
const client = createElasticsearch({
  url: config.elasticsearchUrl,
  requestTimeoutMs: config.requestTimeoutMs,
  maxRetries: 0,
  metrics,
});

const server = await createSubgraphServer({
  name: 'search',
  metrics,
  readiness: { elasticsearch: () => pingElasticsearch(client) },
  schema: buildSchema(),
  routerKey: config.routerKey,
  logger,
  context: contextFactory({ search: new SearchService({ client, alias: config.indexAlias, logger }) }),
});
await server.listen(config.port, config.host);

runUntilSignalled(logger, async () => {
  await server.stop();
  await client.close();
  // Last, so the spans of the requests drained above are sent too.
  await tracing.shutdown();
});
