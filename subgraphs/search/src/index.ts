/**
 * Bootstrap only: config → Elasticsearch client → server. The subgraph owns no database;
 * it reads the product index the indexer (src/indexer/) keeps. It starts without
 * Elasticsearch too: searches then fail fast while the rest of the supergraph works.
 */
import { routerSecret } from '@emporium/auth';
import { createElasticsearch } from '@emporium/elasticsearch';
import { createSubgraphServer, runUntilSignalled } from '@emporium/graphql-server';
import { createLogger } from '@emporium/logging';
import { readSearchConfig } from './config.ts';
import { contextFactory } from './context.ts';
import { buildSchema } from './schema.ts';
import { SearchService } from './services/search.service.ts';

const config = readSearchConfig();
const logger = createLogger('search', { level: config.logLevel });
// Interactive: a short timeout and no retries, so a dead cluster costs a search ~1.5 s at most.
const client = createElasticsearch({
  url: config.elasticsearchUrl,
  requestTimeoutMs: config.requestTimeoutMs,
  maxRetries: 0,
});

const server = await createSubgraphServer({
  name: 'search',
  schema: buildSchema(),
  routerSecret: routerSecret(config.routerSecret),
  logger,
  context: contextFactory({ search: new SearchService({ client, alias: config.indexAlias, logger }) }),
});
await server.listen(config.port, config.host);

runUntilSignalled(logger, async () => {
  await server.stop();
  await client.close();
});
