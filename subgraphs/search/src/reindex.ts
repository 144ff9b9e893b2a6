/**
 * `node subgraphs/search/src/reindex.ts`: rebuilds the product index from the product
 * database into a fresh versioned index and swaps the alias to it with no downtime. Safe
 * while the indexer runs: it keeps writing changes to the index being built.
 */
import { createElasticsearch } from '@emporium/elasticsearch';
import { createLogger } from '@emporium/logging';
import { readReindexConfig } from './config.ts';
import { indexNames } from './search-index/products-index.ts';
import { rebuildIndex } from './search-index/rebuild.ts';

const config = readReindexConfig();
const logger = createLogger('search-reindex', { level: config.logLevel });
const client = createElasticsearch({ url: config.elasticsearchUrl, requestTimeoutMs: 120_000 });
try {
  const result = await rebuildIndex({
    client,
    names: indexNames(config.indexAlias),
    databaseUrl: config.productDatabaseUrl,
    logger,
  });
  console.log(`${config.indexAlias} → ${result.index}: ${result.products} products`);
} catch (error) {
  logger.error({ err: error }, 'reindex failed');
  process.exitCode = 1;
} finally {
  await client.close();
}
