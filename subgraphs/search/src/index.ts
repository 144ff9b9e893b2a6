/**
 * Bootstrap only: config → Elasticsearch client → server. The subgraph owns no database;
 * it reads the product index the indexer (worker.ts) keeps. It starts without
 * Elasticsearch too: searches then fail fast while the rest of the supergraph works.
 */
import { startProcess } from '@emporium/runtime';
import { readSearchConfig } from './config.ts';

const config = readSearchConfig();
// No database: only node:http and undici (the Elasticsearch client) are traced.
const proc = await startProcess('search', config, { instrument: ['http', 'undici'] });
const { createElasticsearch, pingElasticsearch } = await import('@emporium/elasticsearch');
const { createSubgraphServer } = await import('@emporium/graphql-server');
const { contextFactory } = await import('./context.ts');
const { buildSchema } = await import('./schema.ts');
const { SearchService } = await import('./services/search.service.ts');
const { logger, metrics } = proc;

// Interactive: a short timeout and no retries, so a dead cluster costs a search ~1.2 s at most.
const client = createElasticsearch({
  url: config.elasticsearchUrl,
  requestTimeoutMs: config.requestTimeoutMs,
  maxRetries: 0,
  metrics,
});
proc.onStop('resources', () => client.close());
proc.check('elasticsearch', () => pingElasticsearch(client));

const server = await createSubgraphServer({
  name: 'search',
  metrics,
  readiness: proc.readiness,
  schema: buildSchema(),
  routerKey: config.routerKey,
  logger,
  context: contextFactory({ search: new SearchService({ client, alias: config.indexAlias, logger }) }),
});
proc.onStop('intake', () => server.stop());
await server.listen(config.port, config.host);
await proc.runUntilSignalled();
