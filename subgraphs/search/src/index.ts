/**
 * Bootstrap only: config → Elasticsearch client → server. The subgraph owns no database;
 * it reads the product index the indexer (src/indexer/) keeps. It starts without
 * Elasticsearch too: searches then fail fast while the rest of the supergraph works.
 */
import { createElasticsearch, pingElasticsearch } from '@emporium/elasticsearch';
import { createSubgraphServer, runUntilSignalled } from '@emporium/graphql-server';
import { createLogger } from '@emporium/logging';
import { readSearchConfig } from './config.ts';
import { contextFactory } from './context.ts';
import { buildSchema } from './schema.ts';
import { SearchService } from './services/search.service.ts';

const config = readSearchConfig();
const logger = createLogger('search', { level: config.logLevel });
// Interactive: a short timeout and no retries, so a dead cluster costs a search ~1.2 s at most.
const client = createElasticsearch({
  url: config.elasticsearchUrl,
  requestTimeoutMs: config.requestTimeoutMs,
  maxRetries: 0,
});

const server = await createSubgraphServer({
  name: 'search',
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
});
